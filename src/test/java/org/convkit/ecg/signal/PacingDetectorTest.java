package org.convkit.ecg.signal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The stimulus score on synthetic beats at 360 Hz: a spike of known width and height before a QRS
 * scores high; a QRS alone, steep or wide, and noise do not.
 */
class PacingDetectorTest {

	static final double FS = 360;
	/** The record-level threshold the scores are compared with (PacedRhythm.RECORD_MEDIAN). */
	static final double PACED = 0.265;

	/** A beat every second: a Gaussian QRS (sigma, mV) at each peak, and optionally a triangular spike (half-width in samples, mV) before it. */
	static float[] beats(long[] peaks, int n, double qrsSigmaS, double qrsMv, int spikeHalfWidth, double spikeMv, double spikeLeadS) {
		float[] x = new float[n];
		for (long p : peaks) {
			for (int i = 0; i < n; i++) {
				double d = (i - p) / (qrsSigmaS * FS);
				if (Math.abs(d) < 6) x[i] += (float) (qrsMv * Math.exp(-0.5 * d * d));
			}
			if (spikeHalfWidth > 0) {
				long at = p - Math.round(spikeLeadS * FS);
				for (int k = -spikeHalfWidth; k <= spikeHalfWidth; k++) x[(int) (at + k)] += (float) (spikeMv * (1 - Math.abs(k) / (double) spikeHalfWidth));
			}
		}
		return x;
	}

	static long[] peaks(int count) {
		long[] p = new long[count];
		for (int i = 0; i < count; i++) p[i] = Math.round((i + 1) * FS);
		return p;
	}

	@Test
	void aShortSpikeBeforeAWideQrsScoresHigh() {
		long[] peaks = peaks(5);
		// a 1 mV stimulus 3 samples either side of its top (17 ms base), 40 ms before a wide (sigma 30 ms) 1.5 mV QRS
		double[] s = PacingDetector.scores(beats(peaks, 7 * 360, 0.030, 1.5, 3, 1.0, 0.040), FS, peaks);
		for (double v : s) assertTrue(v > 0.45, "spike before QRS: " + v);
		// half the height still counts
		double[] half = PacingDetector.scores(beats(peaks, 7 * 360, 0.030, 1.5, 3, 0.5, 0.040), FS, peaks);
		for (double v : half) assertTrue(v > PACED, "0.5 mV spike: " + v);
	}

	@Test
	void aQrsAloneDoesNotScoreHoweverSteepOrWide() {
		long[] peaks = peaks(5);
		// a narrow, steep QRS (sigma 8 ms, 3 mV: 0.5 mV per sample on its flanks)
		for (double v : PacingDetector.scores(beats(peaks, 7 * 360, 0.008, 3.0, 0, 0, 0), FS, peaks)) assertTrue(v < PACED, "steep QRS: " + v);
		// a wide, tall QRS (sigma 40 ms, 5 mV)
		for (double v : PacingDetector.scores(beats(peaks, 7 * 360, 0.040, 5.0, 0, 0, 0), FS, peaks)) assertTrue(v < 0.05, "wide QRS: " + v);
		// a wide spike-like pulse (half-width 10 samples: 56 ms base) is a QRS, not a stimulus
		for (double v : PacingDetector.scores(beats(peaks, 7 * 360, 0.030, 1.5, 10, 1.0, 0.060), FS, peaks)) assertTrue(v < PACED, "wide pulse: " + v);
	}

	@Test
	void noiseDoesNotScore() {
		long[] peaks = peaks(20);
		Random random = new Random(7);
		float[] noise = new float[22 * 360];
		for (int i = 0; i < noise.length; i++) noise[i] = (float) (0.2 * random.nextGaussian());
		// noise alone, 0.2 mV sd (above FLOOR): its pulses are alike at every lag, less than the allowance
		double[] alone = PacingDetector.scores(noise, FS, peaks);
		float[] qrs = beats(peaks, noise.length, 0.010, 1.2, 0, 0, 0);
		for (int i = 0; i < qrs.length; i++) qrs[i] += noise[i] / 4; // QRS with 0.05 mV noise
		double[] noisy = PacingDetector.scores(qrs, FS, peaks);
		double[] sorted = alone.clone();
		java.util.Arrays.sort(sorted);
		// white noise's largest pulse in a window is about 4 times its median one: most windows score 0, a few a little
		assertTrue(sorted[peaks.length / 2] < 0.05, "noise, median: " + sorted[peaks.length / 2]);
		assertTrue(sorted[peaks.length * 9 / 10] < PACED, "noise, 90th percentile: " + sorted[peaks.length * 9 / 10]);
		for (double v : noisy) assertTrue(v < PACED, "QRS with noise: " + v);
		// a flat lead (below FLOOR) scores nothing
		for (double v : PacingDetector.scores(new float[22 * 360], FS, peaks)) assertEquals(0, v);
	}

	@Test
	void beatsAtTheEdgesOrOverMissingSamplesScoreZero() {
		long[] peaks = {10, 360, 2 * 360, 7 * 360 - 5};
		float[] x = beats(new long[] {360, 2 * 360}, 7 * 360, 0.030, 1.5, 3, 1.0, 0.040);
		x[2 * 360 - 20] = Float.NaN;
		double[] s = PacingDetector.scores(x, FS, peaks);
		assertEquals(0, s[0]);
		assertTrue(s[1] > 0.45);
		assertEquals(0, s[2], "NaN in the window");
		assertEquals(0, s[3]);
		assertThrows(IllegalArgumentException.class, () -> PacingDetector.scores(x, 0, peaks));
	}

	@Test
	void lagsScaleWithTheSamplingFrequency() {
		// the same beats at 720 Hz score as at 360 Hz
		long[] peaks = peaks(3);
		float[] x = beats(peaks, 5 * 360, 0.030, 1.5, 3, 1.0, 0.040);
		float[] up = new float[x.length * 2];
		for (int i = 0; i < up.length; i++) up[i] = i % 2 == 0 ? x[i / 2] : (x[i / 2] + x[Math.min(x.length - 1, i / 2 + 1)]) / 2;
		long[] upPeaks = {peaks[0] * 2, peaks[1] * 2, peaks[2] * 2};
		double[] a = PacingDetector.scores(x, FS, peaks), b = PacingDetector.scores(up, 2 * FS, upPeaks);
		for (int i = 0; i < 3; i++) assertEquals(a[i], b[i], 0.1);
	}
}
