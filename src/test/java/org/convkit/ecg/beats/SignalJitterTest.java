package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;

import ai.djl.Model;

import org.junit.jupiter.api.Test;

class SignalJitterTest {

	private static BeatNet.Batch batch(int n) {
		BeatDataset data = BeatNetTest.synthetic(n, 3); // N spikes and wide V waves
		return BeatNet.batch(data, null, 0, data.size(), RrFeatures.CURRENT);
	}

	@Test
	void offLeavesTheBatchBitIdenticalAndDrawsNothing() {
		BeatNet.Batch batch = batch(40);
		float[] signal = batch.signal().clone(), rr = batch.rr().clone();
		Random random = new Random(1);
		new SignalJitter(0).apply(batch, random);
		assertArrayEquals(signal, batch.signal());
		assertArrayEquals(rr, batch.rr());
		assertEquals(new Random(1).nextLong(), random.nextLong(), "the random stream is untouched");
	}

	/**
	 * Each beat: the window and the residual change by the same gain and the same additive wander and
	 * noise, so window minus residual (the record's median beat) is only scaled, by a gain in
	 * [0.8, 1.25]; the additive part is a line within the offset and tilt bounds plus noise within
	 * its rms bound; the slope channel is the new window's.
	 */
	@Test
	void onGivesEachBeatAGainWanderAndNoiseWithinTheirBounds() {
		BeatNet.Batch batch = batch(200);
		int len = batch.length(), c = BeatNet.CHANNELS * len;
		float[] before = batch.signal().clone();
		new SignalJitter(1).apply(batch, new Random(7));
		float[] s = batch.signal();
		double minGain = Double.POSITIVE_INFINITY, maxGain = 0, maxNoise = 0;
		for (int k = 0; k < batch.size(); k++) {
			int w = k * c, r = w + len, d = r + len;
			double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, num = 0, den = 0;
			for (int j = 0; j < len; j++) {
				lo = Math.min(lo, before[w + j]);
				hi = Math.max(hi, before[w + j]);
				double m0 = before[w + j] - before[r + j], m1 = s[w + j] - s[r + j];
				num += m0 * m1;
				den += m0 * m0;
			}
			double a = hi - lo, gain = num / den;
			assertTrue(gain >= SignalJitter.GAIN_MIN - 1e-4 && gain <= SignalJitter.GAIN_MAX + 1e-4, "gain " + gain);
			for (int j = 0; j < len; j++) {
				assertEquals(gain * (before[w + j] - before[r + j]), s[w + j] - s[r + j], 1e-4, "the median beat is only scaled");
			}
			minGain = Math.min(minGain, gain);
			maxGain = Math.max(maxGain, gain);
			// the additive part: least-squares line (offset at the centre, tilt end to end) plus noise
			double[] added = new double[len];
			double sx = 0, sxx = 0, sy = 0, sxy = 0;
			for (int j = 0; j < len; j++) {
				added[j] = s[w + j] - gain * before[w + j];
				double x = (double) j / (len - 1) - 0.5;
				sx += x;
				sxx += x * x;
				sy += added[j];
				sxy += x * added[j];
			}
			double tilt = (len * sxy - sx * sy) / (len * sxx - sx * sx), offset = (sy - tilt * sx) / len, rss = 0;
			for (int j = 0; j < len; j++) {
				double e = added[j] - offset - tilt * ((double) j / (len - 1) - 0.5);
				rss += e * e;
			}
			double noise = Math.sqrt(rss / len);
			// the noise is band-limited (about 26 independent values per window): its own line adds a little
			assertTrue(Math.abs(offset) <= SignalJitter.OFFSET * a + 0.02 * a, "offset " + offset / a + " A");
			assertTrue(Math.abs(tilt) <= SignalJitter.TILT * a + 0.05 * a, "tilt " + tilt / a + " A");
			assertTrue(noise <= 1.6 * SignalJitter.NOISE * a, "noise rms " + noise / a + " A");
			maxNoise = Math.max(maxNoise, noise / a);
			for (int j = 0; j < len - 1; j++) assertEquals(BeatNet.SLOPE_SCALE * (s[w + j + 1] - s[w + j]), s[d + j], 1e-5, "slope of the new window");
		}
		assertTrue(minGain < 0.83 && maxGain > 1.2, "gains span the range: " + minGain + " to " + maxGain);
		assertTrue(maxNoise > 0.02, "some beats are noisy: " + maxNoise);
	}

	@Test
	void aFractionOfTheBeatsIsJitteredDeterministicallyForASeed() {
		BeatNet.Batch a = batch(200), b = batch(200), untouched = batch(200);
		new SignalJitter(0.5).apply(a, new Random(11));
		new SignalJitter(0.5).apply(b, new Random(11));
		assertArrayEquals(a.signal(), b.signal(), "same seed, same batch");
		int len = a.length(), c = BeatNet.CHANNELS * len, changed = 0;
		for (int k = 0; k < a.size(); k++) {
			for (int j = 0; j < c; j++) {
				if (a.signal()[k * c + j] != untouched.signal()[k * c + j]) {
					changed++;
					break;
				}
			}
		}
		assertTrue(changed > 70 && changed < 130, "about half of 200 beats: " + changed);
	}

	/** Training reads it: the same seed trains the same network, and jitter on trains another than off. */
	@Test
	void trainingWithJitterIsDeterministicForASeed() {
		BeatDataset train = BeatNetTest.synthetic(64, 4), test = BeatNetTest.synthetic(20, 5);
		BeatTrainer.Config off = new BeatTrainer.Config(1, 16, 1e-3f, 21, 10, 1, 0, 1), on = off.withSignalJitter(0.5);
		float[] plain, jittered, again;
		try (Model m = BeatTrainer.train(train, off, null)) {
			plain = BeatTrainer.probabilities(m, test, 64);
		}
		try (Model m = BeatTrainer.train(train, on, null)) {
			jittered = BeatTrainer.probabilities(m, test, 64);
		}
		try (Model m = BeatTrainer.train(train, on, null)) {
			again = BeatTrainer.probabilities(m, test, 64);
		}
		assertArrayEquals(jittered, again, "same seed, same network");
		assertFalse(java.util.Arrays.equals(plain, jittered), "jitter changes what is learnt");
	}

	@Test
	void aFractionOutsideZeroToOneIsRefused() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BeatTrainer.Config.DEFAULT.withSignalJitter(1.5));
		assertEquals("signalJitter: expected a fraction of beats in [0, 1], got 1.5", e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> BeatTrainer.Config.DEFAULT.withSignalJitter(Double.NaN));
		assertEquals("signalJitter: expected a fraction of beats in [0, 1], got NaN", e.getMessage());
		assertEquals(0, BeatTrainer.Config.DEFAULT.signalJitter(), "off in the recipe");
	}
}
