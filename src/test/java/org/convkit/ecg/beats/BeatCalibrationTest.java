package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class BeatCalibrationTest {

	/** Beats of one class whose probabilities are p for that class, q for the second class given, the rest shared by the others. */
	private static void add(List<Integer> labels, List<float[]> rows, AamiClass label, int count, AamiClass first, float p, AamiClass second, float q) {
		for (int i = 0; i < count; i++) {
			float[] row = new float[AamiClass.COUNT];
			Arrays.fill(row, (1 - p - q) / (AamiClass.COUNT - 2));
			row[first.ordinal()] = p;
			row[second.ordinal()] = q;
			labels.add(label.ordinal());
			rows.add(row);
		}
	}

	private static DecisionBias choose(List<Integer> labels, List<float[]> rows) {
		return BeatCalibration.choose(labels.stream().mapToInt(Integer::intValue).toArray(), new boolean[labels.size()], flat(rows));
	}

	@Test
	void anOverCalledClassIsPulledBackJustEnough() {
		List<Integer> labels = new ArrayList<>();
		List<float[]> rows = new ArrayList<>();
		add(labels, rows, AamiClass.N, 900, AamiClass.N, 0.9f, AamiClass.S, 0.04f);
		add(labels, rows, AamiClass.N, 100, AamiClass.S, 0.58f, AamiClass.N, 0.4f); // N called S: log-ratio 0.37
		add(labels, rows, AamiClass.S, 80, AamiClass.S, 0.88f, AamiClass.N, 0.1f); // log-ratio 2.2
		add(labels, rows, AamiClass.S, 20, AamiClass.S, 0.53f, AamiClass.N, 0.45f); // log-ratio 0.16
		add(labels, rows, AamiClass.V, 100, AamiClass.V, 0.9f, AamiClass.N, 0.04f);
		// -0.5 turns the 100 false S beats back into N and keeps 80% of the S beats (S +P 50% -> 100%);
		// -0.25 would lose the same 20 S beats and keep the false ones; -2.25 loses all S beats
		assertEquals(new DecisionBias(new float[] {0, -0.5f, 0, 0, 0}), choose(labels, rows));
	}

	@Test
	void falseSBeatsInAtrialFibrillationNeedNoOffset() {
		List<Integer> labels = new ArrayList<>();
		List<float[]> rows = new ArrayList<>();
		add(labels, rows, AamiClass.N, 900, AamiClass.N, 0.9f, AamiClass.S, 0.04f);
		add(labels, rows, AamiClass.N, 100, AamiClass.S, 0.58f, AamiClass.N, 0.4f); // as above, but these are in fibrillation
		add(labels, rows, AamiClass.S, 80, AamiClass.S, 0.88f, AamiClass.N, 0.1f);
		add(labels, rows, AamiClass.S, 20, AamiClass.S, 0.53f, AamiClass.N, 0.45f);
		add(labels, rows, AamiClass.V, 100, AamiClass.V, 0.9f, AamiClass.N, 0.04f);
		boolean[] atrialFibrillation = new boolean[labels.size()];
		Arrays.fill(atrialFibrillation, 900, 1000, true);
		int[] l = labels.stream().mapToInt(Integer::intValue).toArray();
		// the rule already calls them N, so pulling S back would only lose the 20 uncertain S beats
		assertEquals(DecisionBias.NONE, BeatCalibration.choose(l, atrialFibrillation, flat(rows)));
		BeatEvaluation e = BeatCalibration.evaluate(l, atrialFibrillation, flat(rows), DecisionBias.NONE);
		assertEquals(1.0, e.positivePredictivity(AamiClass.S), 1e-12);
		assertEquals(1.0, e.sensitivity(AamiClass.S), 1e-12);
		IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> BeatCalibration.choose(l, new boolean[3], flat(rows)));
		assertEquals("atrialFibrillation: expected 1200, got 3", x.getMessage());
	}

	@Test
	void theSensitivityFloorsAreKept() {
		List<Integer> labels = new ArrayList<>();
		List<float[]> rows = new ArrayList<>();
		add(labels, rows, AamiClass.N, 900, AamiClass.N, 0.9f, AamiClass.S, 0.04f);
		add(labels, rows, AamiClass.N, 300, AamiClass.S, 0.58f, AamiClass.N, 0.4f);
		add(labels, rows, AamiClass.S, 60, AamiClass.S, 0.88f, AamiClass.N, 0.1f);
		add(labels, rows, AamiClass.S, 40, AamiClass.S, 0.53f, AamiClass.N, 0.45f);
		add(labels, rows, AamiClass.V, 100, AamiClass.V, 0.9f, AamiClass.N, 0.04f);
		// -0.5 would raise jκ (S +P 25% -> 100%) but leave S Se at 60%, under the 70% floor
		DecisionBias bias = choose(labels, rows);
		assertEquals(0, bias.offset(AamiClass.S), bias.toString());
	}

	@Test
	void aClassNeverCalledCanBeCalledAgain() {
		List<Integer> labels = new ArrayList<>();
		List<float[]> rows = new ArrayList<>();
		add(labels, rows, AamiClass.N, 900, AamiClass.N, 0.9f, AamiClass.S, 0.04f);
		add(labels, rows, AamiClass.S, 100, AamiClass.N, 0.58f, AamiClass.S, 0.4f); // S under-called: log-ratio -0.37
		add(labels, rows, AamiClass.V, 100, AamiClass.V, 0.9f, AamiClass.N, 0.04f);
		// without offsets no beat is called S, so S +P and the jκ index are undefined (NaN); +0.5 calls every S beat S
		assertTrue(Double.isNaN(BeatCalibration.evaluate(labels.stream().mapToInt(Integer::intValue).toArray(), new boolean[labels.size()], flat(rows),
			DecisionBias.NONE).jkIndex()));
		assertEquals(new DecisionBias(new float[] {0, 0.5f, 0, 0, 0}), choose(labels, rows));
	}

	private static float[] flat(List<float[]> rows) {
		float[] p = new float[rows.size() * AamiClass.COUNT];
		for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, p, i * AamiClass.COUNT, AamiClass.COUNT);
		return p;
	}

	/** Three records of N, S (early) and V (wide) beats, each record with its own noise. */
	static BeatDataset record(String name, int n, long seed) {
		Random random = new Random(seed);
		int length = BeatNetTest.LENGTH;
		float[] windows = new float[n * length], rr = new float[n * BeatDataset.RR_VALUES];
		int[] labels = new int[n];
		for (int i = 0; i < n; i++) {
			AamiClass c = i % 4 == 1 ? AamiClass.V : i % 4 == 3 ? AamiClass.S : AamiClass.N;
			labels[i] = c.ordinal();
			double width = c == AamiClass.V ? 12 : 3, height = c == AamiClass.V ? -0.7 : 1;
			for (int j = 0; j < length; j++) {
				double t = (j - 45) / width;
				windows[i * length + j] = (float) (height * Math.exp(-t * t / 2) + 0.3 * random.nextGaussian());
			}
			rr[i * BeatDataset.RR_VALUES] = (float) ((c == AamiClass.S ? 0.6 : 0.8) + 0.1 * random.nextGaussian());
			rr[i * BeatDataset.RR_VALUES + 1] = 0.8f;
			rr[i * BeatDataset.RR_VALUES + 2] = 0.8f;
			rr[i * BeatDataset.RR_VALUES + 3] = 0.8f;
			rr[i * BeatDataset.RR_VALUES + 4] = 0.05f;
		}
		return BeatDataset.ofArrays(name, length, windows, rr, labels);
	}

	@Test
	void calibrationChoosesOnHeldOutRecordsWithTheFoldSeeds() {
		BeatDataset r0 = record("r0", 40, 1), r1 = record("r1", 48, 2), r2 = record("r2", 44, 3);
		BeatDataset all = BeatDataset.concat(List.of(r0, r1, r2));
		BeatTrainer.Config config = new BeatTrainer.Config(1, 16, 1e-3f, 9, 10, 1, 0, 1);
		List<String> log = new ArrayList<>();
		DecisionBias bias = BeatCalibration.calibrate(all, null, config, 2, log::add);
		assertEquals("calibration fold 1 of 2: 84 held-out beats of [r0, r2]", log.get(0));
		assertTrue(log.stream().anyMatch(l -> l.startsWith("calibration fold 2 of 2: 48 held-out beats of [r1]")), log.toString());
		// the same folds by hand: r0 and r2 classified by a model of r1 (seed 9), r1 by one of r0 and r2 (seed 10)
		BeatDataset held0 = BeatDataset.concat(List.of(r0, r2));
		float[] p0, p1;
		try (Model m = BeatTrainer.train(r1, config, null)) {
			p0 = BeatTrainer.probabilities(m, held0, 64);
		}
		try (Model m = BeatTrainer.train(held0, config.withSeed(10), null)) {
			p1 = BeatTrainer.probabilities(m, r1, 64);
		}
		int[] labels = new int[all.size()];
		float[] p = new float[all.size() * AamiClass.COUNT];
		for (int i = 0; i < held0.size(); i++) labels[i] = held0.labelIndex(i);
		for (int i = 0; i < r1.size(); i++) labels[held0.size() + i] = r1.labelIndex(i);
		System.arraycopy(p0, 0, p, 0, p0.length);
		System.arraycopy(p1, 0, p, p0.length, p1.length);
		// training with two threads may round differently from run to run, so the bias is compared by what it achieves
		boolean[] regular = new boolean[all.size()];
		DecisionBias byHand = BeatCalibration.choose(labels, regular, p);
		assertEquals(BeatCalibration.evaluate(labels, regular, p, byHand).jkIndex(), BeatCalibration.evaluate(labels, regular, p, bias).jkIndex(), 0.01,
			bias + " against " + byHand);
	}

	@Test
	void tooFewRecordsForTheFoldsIsRefused() {
		BeatDataset one = record("r0", 20, 1);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> BeatCalibration.calibrate(one, null, BeatTrainer.Config.DEFAULT, 2, line -> {}));
		assertEquals("calibration folds: expected 0 (no decision bias) or 2 to 1 (the number of training records), got 2", e.getMessage());
		BeatDataset three = BeatDataset.concat(List.of(one, record("r1", 20, 2), record("r2", 20, 3)));
		e = assertThrows(IllegalArgumentException.class, () -> BeatCalibration.calibrate(three, null, BeatTrainer.Config.DEFAULT, 1, line -> {}));
		assertEquals("calibration folds: expected 0 (no decision bias) or 2 to 3 (the number of training records), got 1", e.getMessage());
	}
}
