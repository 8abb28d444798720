package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
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
}
