package org.convkit.ecg.signal;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class FiltersTest {

	private static final double FS = 360;

	/** Peak amplitude over the middle half (away from the edges). */
	private static double amplitude(float[] x) {
		double m = 0;
		for (int i = x.length / 4; i < 3 * x.length / 4; i++) m = Math.max(m, Math.abs(x[i]));
		return m;
	}

	@Test
	void passBandSineKeepsItsAmplitude() {
		for (double hz : new double[] {2, 5, 10, 12}) {
			float[] y = Filters.bandPass(SyntheticEcg.sine(FS, 20, hz, 1), FS);
			assertEquals(1, amplitude(y), 0.02, hz + " Hz");
		}
	}

	@Test
	void stopBandSinesAreAttenuated() {
		assertTrue(amplitude(Filters.bandPass(SyntheticEcg.sine(FS, 120, 0.08, 1), FS)) < 0.1, "0.08 Hz");
		assertTrue(amplitude(Filters.bandPass(SyntheticEcg.sine(FS, 20, 0.1, 1), FS)) < 0.1, "0.1 Hz");
		assertTrue(amplitude(Filters.bandPass(SyntheticEcg.sine(FS, 20, 100, 1), FS)) < 0.1, "100 Hz");
		assertTrue(amplitude(Filters.bandPass(SyntheticEcg.sine(FS, 20, 60, 1), FS)) < 0.2, "60 Hz");
	}

	@Test
	void customCutOffs() {
		// 2nd-order sections run twice: -6 dB at each cut-off, so a narrow band is not flat
		float[] y = Filters.bandPass(SyntheticEcg.sine(FS, 20, 9, 1), FS, 5, 15);
		assertTrue(amplitude(y) > 0.7, "9 Hz: " + amplitude(y));
		assertTrue(amplitude(Filters.bandPass(SyntheticEcg.sine(FS, 20, 1, 1), FS, 5, 15)) < 0.1);
		assertTrue(amplitude(Filters.bandPass(SyntheticEcg.sine(FS, 20, 40, 1), FS, 5, 15)) < 0.1);
	}

	@Test
	void zeroPhaseKeepsPeakPosition() {
		float[] x = new float[3600];
		int centre = 1800;
		for (int i = 0; i < x.length; i++) {
			double d = (i - centre) / (0.02 * FS);
			x[i] = (float) Math.exp(-0.5 * d * d);
		}
		for (float[] y : new float[][] {Filters.bandPass(x, FS), Filters.bandPass(x, FS, 5, 15), Filters.removeBaseline(x, FS)}) {
			int arg = 0;
			for (int i = 1; i < y.length; i++) if (y[i] > y[arg]) arg = i;
			assertEquals(centre, arg);
		}
	}

	@Test
	void edgesDoNotRing() {
		float[] x = new float[3600];
		java.util.Arrays.fill(x, 2.5f);
		float[] y = Filters.bandPass(x, FS);
		assertEquals(0, amplitude(y), 1e-3);
		assertEquals(0, Math.abs(y[0]), 0.05);
		assertEquals(0, Math.abs(y[y.length - 1]), 0.05);
	}

	@Test
	void medianFilterMatchesBruteForce() {
		java.util.Random r = new java.util.Random(3);
		float[] x = new float[2000];
		for (int i = 0; i < x.length; i++) x[i] = r.nextInt(50) / 7f; // many ties
		for (int w : new int[] {1, 3, 7, 72, 217}) {
			float[] y = Filters.medianFilter(x, w);
			int ww = w | 1, h = ww / 2;
			float[] win = new float[ww];
			for (int i = 0; i < x.length; i++) {
				for (int k = -h; k <= h; k++) win[k + h] = x[Math.min(x.length - 1, Math.max(0, i + k))];
				java.util.Arrays.sort(win);
				assertEquals(win[h], y[i], "w=" + w + " i=" + i);
			}
		}
	}

	@Test
	void baselineRemovalTakesOutWanderButKeepsQrs() {
		SyntheticEcg ecg = SyntheticEcg.generate(FS, 30, 7);
		float[] y = Filters.removeBaseline(ecg.samples, FS);
		// between beats (well clear of P, QRS and T) the signal is back near zero
		double worst = 0;
		for (int k = 0; k + 1 < ecg.beats.length; k++) {
			int mid = ecg.beats[k] + (int) (0.42 * FS);
			if (mid < ecg.beats[k + 1] - 0.25 * FS) worst = Math.max(worst, Math.abs(y[mid]));
		}
		assertTrue(worst < 0.12, "residual wander " + worst);
		for (int b : ecg.beats) assertTrue(y[b] > 0.6, "QRS kept at " + b);
	}

	@Test
	void resampleRoundTrip() {
		float[] x = SyntheticEcg.sine(FS, 10, 5, 1);
		float[] down = Resampler.resample(x, FS, 250);
		assertEquals(2500, down.length);
		assertEquals(1, amplitude(down), 0.02);
		for (int i = 100; i < 2400; i++) assertEquals(Math.sin(2 * Math.PI * 5 * i / 250.0), down[i], 0.02);
		float[] back = Resampler.resample(down, 250, FS);
		assertEquals(x.length, back.length);
		for (int i = 200; i < x.length - 200; i++) assertEquals(x[i], back[i], 0.03);
		assertEquals(250, Resampler.mapIndex(360, 360, 250));
	}
}
