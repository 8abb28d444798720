package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BeatCrossValidationTest {

	@Test
	void everyRecordIsTestedOnceByAModelThatNeverSawIt() {
		Map<String, BeatDataset> records = new LinkedHashMap<>();
		for (int r = 0; r < 3; r++) records.put("r" + r, BeatNetTest.synthetic(40 + 10 * r, r));
		StringBuilder log = new StringBuilder();
		BeatEvaluation pooled = BeatCrossValidation.run(records, 3, new BeatTrainer.Config(1, 16, 1e-3f, 5, 10, 1, 0, 1), log);
		assertEquals(40 + 50 + 60, pooled.total());
		assertTrue(log.toString().contains("fold 1: test records [r0] (40 beats), training beats 110"), log.toString());
		assertTrue(log.toString().contains("fold 3: test records [r2] (60 beats), training beats 90"), log.toString());
	}

	/** Nested: each fold's bias is chosen on its own training records only, and every beat gets out-of-fold probabilities. */
	@Test
	void calibrationIsNestedInsideEachFold() {
		Map<String, BeatDataset> records = new LinkedHashMap<>();
		for (int r = 0; r < 4; r++) records.put("r" + r, BeatCalibrationTest.record("r" + r, 32 + 4 * r, r));
		StringBuilder log = new StringBuilder();
		BeatCrossValidation.Result result = BeatCrossValidation.run(records, null, 2, new BeatTrainer.Config(1, 16, 1e-3f, 5, 10, 1, 0, 1), 2, log);
		String text = log.toString();
		// fold 1 tests r0 and r2: its bias comes from r1 and r3 alone, one held out at a time
		int fold1 = text.indexOf("fold 1: test records [r0, r2]"), fold2 = text.indexOf("fold 2: test records [r1, r3]");
		assertTrue(fold1 >= 0 && fold2 > fold1, text);
		String first = text.substring(fold1, fold2);
		assertTrue(first.contains("calibration fold 1 of 2: 36 held-out beats of [r1]"), first);
		assertTrue(first.contains("calibration fold 2 of 2: 44 held-out beats of [r3]"), first);
		assertTrue(first.contains("without decision bias: "), first);
		assertTrue(text.substring(fold2).contains("calibration fold 1 of 2: 32 held-out beats of [r0]"), text);
		assertEquals(32 + 36 + 40 + 44, result.reference().total());
		assertNull(result.detected());
		assertEquals(List.of("r0", "r2", "r1", "r3"), result.records().stream().map(d -> d.record(0)).toList());
		// the returned probabilities are the test beats' own: without offsets they give the logged pooled figures
		BeatEvaluation unbiased = new BeatEvaluation();
		for (int r = 0; r < 4; r++) unbiased.add(BeatEvaluation.of(result.records().get(r), DecisionBias.NONE.classify(result.probabilities().get(r), result.records().get(r))));
		assertTrue(text.contains("pooled over 2 folds without decision bias: " + BeatCrossValidation.summary(unbiased)), text);
	}
}
