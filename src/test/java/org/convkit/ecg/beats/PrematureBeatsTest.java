package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;

import org.junit.jupiter.api.Test;

class PrematureBeatsTest {

	@Test
	void nBeatsBecomePrematureSBeatsWithTheirShapeKept() {
		BeatDataset data = BeatNetTest.synthetic(200, 4); // alternating N and V, RR about 0.8 s
		BeatNet.Batch batch = BeatNet.batch(data, null, 0, data.size(), RrFeatures.CURRENT);
		float[] signal = batch.signal().clone(), before = batch.features().clone();
		new PrematureBeats(1).apply(batch, new Random(1));
		int f = RrFeatures.CURRENT.count(), runs = 0, singles = 0;
		for (int k = 0; k < batch.size(); k++) {
			if (data.label(k) == AamiClass.V) {
				assertEquals(AamiClass.V.ordinal(), batch.labels()[k], "V beats are left alone");
				for (int j = 0; j < f; j++) assertEquals(before[k * f + j], batch.features()[k * f + j]);
				continue;
			}
			assertEquals(AamiClass.S.ordinal(), batch.labels()[k]);
			float[] x = batch.features();
			float prevOverLocal = x[k * f + 4], nextOverLocal = x[k * f + 5], prevOverPace = x[k * f + 7], localOverPace = x[k * f + 9];
			assertEquals(x[k * f + 4] / x[k * f + 5], x[k * f + 3], 1e-5f, "previous over next stays consistent");
			assertEquals(before[k * f + 6], x[k * f + 6], 1e-5f, "irregularity unchanged");
			assertEquals(before[k * f + 10], x[k * f + 10], 1e-5f, "the pace is the patient's, unchanged");
			if (prevOverPace >= 0.5f * 0.95f && prevOverPace <= 0.8f * 1.05f && localOverPace < 0.999f * before[k * f + 9]) {
				runs++; // inside a run: early against the pace, and the local rhythm is faster too
				assertTrue(prevOverLocal > 0.45f && prevOverLocal < 1.2f, "a run's beat is about as early as its neighbours: " + prevOverLocal);
			}
			else {
				singles++;
				assertTrue(prevOverLocal >= 0.6f && prevOverLocal <= 0.85f, "premature: " + prevOverLocal);
				assertTrue(nextOverLocal >= 1.0f && nextOverLocal <= 1.3f, "pause: " + nextOverLocal);
				assertEquals(before[k * f + 2], x[k * f + 2], 1e-6f, "local rhythm unchanged");
			}
		}
		assertTrue(runs > 25 && singles > 25, "both kinds of synthetic S beat: runs " + runs + ", singles " + singles);
		assertArrayEquals(signal, batch.signal(), "the QRS shape is kept");
	}

	@Test
	void fractionZeroChangesNothing() {
		BeatDataset data = BeatNetTest.synthetic(50, 5);
		BeatNet.Batch batch = BeatNet.batch(data, null, 0, data.size(), RrFeatures.CURRENT);
		float[] features = batch.features().clone();
		int[] labels = batch.labels().clone();
		new PrematureBeats(0).apply(batch, new Random(1));
		assertArrayEquals(features, batch.features());
		assertArrayEquals(labels, batch.labels());
	}
}
