package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;

import org.junit.jupiter.api.Test;

class RateShiftTest {

	@Test
	void halfTheBeatsChangeRateAgainstTheRecordButNotAgainstTheirOwnRhythm() {
		BeatDataset data = BeatNetTest.synthetic(400, 6);
		BeatNet.Batch batch = BeatNet.batch(data, null, 0, data.size(), RrFeatures.CURRENT);
		for (int k = 0; k < batch.size(); k++) { // a pace (0.7 s) and a record median (0.8 s), as real records have
			batch.rr()[k * BeatDataset.RR_VALUES + 6] = 0.7f;
			batch.rr()[k * BeatDataset.RR_VALUES + 7] = 0.8f;
		}
		float[] before = batch.features().clone();
		int[] labels = batch.labels().clone();
		new RateShift(0.25).apply(batch, new Random(3));
		float[] x = batch.features();
		int f = RrFeatures.CURRENT.count(), shifted = 0;
		for (int k = 0; k < batch.size(); k++) {
			// previous/next, previous and next over local, over the pace: the beat's own timing, unchanged
			for (int j : new int[] {3, 4, 5, 6, 7, 8, 9}) assertEquals(before[k * f + j], x[k * f + j], 1e-5f, "feature " + j);
			float factor = x[k * f] / before[k * f]; // previous RR over the record's mean
			assertTrue(factor >= 1 / 1.25f - 1e-5f && factor <= 1.25f + 1e-5f, "factor within the range: " + factor);
			assertEquals(factor, x[k * f + 2] / before[k * f + 2], 1e-4f, "local rhythm moved with the beat");
			assertEquals(factor, x[k * f + 10] / before[k * f + 10], 1e-4f, "pace over the record's median moved too");
			if (Math.abs(factor - 1) > 1e-6f) shifted++;
		}
		assertTrue(shifted > 160 && shifted < 240, "about half the beats shifted: " + shifted);
		assertArrayEquals(labels, batch.labels(), "labels kept");
	}

	@Test
	void rangeZeroChangesNothing() {
		BeatDataset data = BeatNetTest.synthetic(50, 5);
		BeatNet.Batch batch = BeatNet.batch(data, null, 0, data.size(), RrFeatures.CURRENT);
		float[] features = batch.features().clone();
		new RateShift(0).apply(batch, new Random(1));
		assertArrayEquals(features, batch.features());
	}
}
