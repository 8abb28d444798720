package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeatEvaluationTest {

	/**
	 * Reference \ predicted (N, S, V): N 50 3 2 / S 5 10 0 / V 1 0 29; F and Q empty.
	 * N: TP 50, FN 5, FP 6 -> Se 50/55, +P 50/56, F1 100/111.
	 * S: TP 10, FN 5, FP 3 -> Se 10/15, +P 10/13, F1 20/28.
	 * V: TP 29, FN 1, FP 2 -> Se 29/30, +P 29/31, F1 58/61.
	 * Accuracy 89/100; p_e = (55*56 + 15*13 + 30*31) / 100^2 = 0.4205; kappa = (0.89 - 0.4205) / 0.5795.
	 */
	static BeatEvaluation example() {
		BeatEvaluation e = new BeatEvaluation();
		e.add(0, 0, 50).add(0, 1, 3).add(0, 2, 2);
		e.add(1, 0, 5).add(1, 1, 10);
		e.add(2, 0, 1).add(2, 2, 29);
		return e;
	}

	@Test
	void figuresByHand() {
		BeatEvaluation e = example();
		assertEquals(100, e.total());
		assertEquals(50.0 / 55, e.sensitivity(AamiClass.N), 1e-12);
		assertEquals(50.0 / 56, e.positivePredictivity(AamiClass.N), 1e-12);
		assertEquals(100.0 / 111, e.f1(AamiClass.N), 1e-12);
		assertEquals(10.0 / 15, e.sensitivity(AamiClass.S), 1e-12);
		assertEquals(10.0 / 13, e.positivePredictivity(AamiClass.S), 1e-12);
		assertEquals(20.0 / 28, e.f1(AamiClass.S), 1e-12);
		assertEquals(29.0 / 30, e.sensitivity(AamiClass.V), 1e-12);
		assertEquals(29.0 / 31, e.positivePredictivity(AamiClass.V), 1e-12);
		assertEquals(58.0 / 61, e.f1(AamiClass.V), 1e-12);
		assertTrue(Double.isNaN(e.sensitivity(AamiClass.F)));
		assertEquals(0.89, e.accuracy(), 1e-12);
		assertEquals((100.0 / 111 + 20.0 / 28 + 58.0 / 61) / 3, e.macroF1(), 1e-12);
		assertEquals((0.89 - 0.4205) / (1 - 0.4205), e.kappa(), 1e-12);
	}

	/** Mondejar-Guerra's index: kappa / 2 + (S Se + S +P + V Se + V +P) / 8; a fusion beat called V does not lower V's +P. */
	@Test
	void jkIndexByHand() {
		BeatEvaluation e = example();
		double kappa = (0.89 - 0.4205) / (1 - 0.4205);
		assertEquals(kappa / 2 + (10.0 / 15 + 10.0 / 13 + 29.0 / 30 + 29.0 / 31) / 8, e.jkIndex(), 1e-12);
		e.add(AamiClass.F, AamiClass.V).add(AamiClass.F, AamiClass.V);
		assertEquals(29.0 / 33, e.positivePredictivity(AamiClass.V), 1e-12);
		assertEquals(29.0 / 31, e.ventricularPositivePredictivity(), 1e-12);
	}

	@Test
	void perfectAgreementAndPooling() {
		BeatEvaluation a = new BeatEvaluation().add(AamiClass.N, AamiClass.N).add(AamiClass.V, AamiClass.V);
		assertEquals(1, a.accuracy());
		assertEquals(1, a.kappa(), 1e-12);
		BeatEvaluation pooled = new BeatEvaluation().add(example()).add(example());
		assertEquals(200, pooled.total());
		assertEquals(example().kappa(), pooled.kappa(), 1e-12);
		assertEquals(100, pooled.count(AamiClass.N, AamiClass.N));
	}

	@Test
	void reportAndCsv(@TempDir Path dir) throws Exception {
		BeatEvaluation e = example();
		assertTrue(e.report().contains("accuracy 89.00%"), e.report());
		Path csv = dir.resolve("eval.csv");
		e.writeCsv(csv);
		String text = Files.readString(csv);
		assertTrue(text.startsWith("class,beats,tp,fn,fp,se,ppv,f1\nN,55,50,5,6,"), text);
		assertTrue(text.contains("S,5,10,0,0,0\n"), text);
		assertTrue(text.contains("accuracy,0.890000"), text);
		assertTrue(text.contains(String.format(java.util.Locale.ROOT, "jk_index,%.6f", e.jkIndex())), text);
	}
}
