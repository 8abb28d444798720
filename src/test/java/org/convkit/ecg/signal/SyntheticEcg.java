package org.convkit.ecg.signal;

import java.util.Random;

/** Synthetic ECG-like test signals: Gaussian QRS spikes (with T waves) at known, irregular times. */
final class SyntheticEcg {

	final float[] samples;
	final int[] beats;

	private SyntheticEcg(float[] samples, int[] beats) {
		this.samples = samples;
		this.beats = beats;
	}

	/**
	 * {@code seconds} of signal at {@code fs} Hz: beats with RR uniformly in [0.5, 1.3] s, QRS a
	 * Gaussian of sigma 10 ms and amplitude 0.8-1.6 mV, a T wave (sigma 40 ms, 0.25 mV) 250 ms
	 * later, 0.3 Hz baseline wander of 0.5 mV, 0.15 Hz wander of 0.3 mV, white noise of sd 0.02 mV.
	 */
	static SyntheticEcg generate(double fs, double seconds, long seed) {
		Random random = new Random(seed);
		int n = (int) Math.round(seconds * fs);
		float[] x = new float[n];
		int[] beats = new int[(int) (seconds / 0.5) + 2];
		int count = 0;
		double t = 0.7;
		while (t < seconds - 0.7) {
			beats[count++] = (int) Math.round(t * fs);
			t += 0.5 + 0.8 * random.nextDouble();
		}
		beats = java.util.Arrays.copyOf(beats, count);
		for (int b : beats) {
			double amp = 0.8 + 0.8 * random.nextDouble();
			addGaussian(x, fs, b / fs, 0.010, amp);
			addGaussian(x, fs, b / fs - 0.025, 0.008, -0.15 * amp); // Q
			addGaussian(x, fs, b / fs + 0.025, 0.008, -0.2 * amp); // S
			addGaussian(x, fs, b / fs + 0.25, 0.040, 0.25);
			addGaussian(x, fs, b / fs - 0.16, 0.025, 0.1); // P
		}
		for (int i = 0; i < n; i++) {
			double s = i / fs;
			x[i] += (float) (0.5 * Math.sin(2 * Math.PI * 0.3 * s) + 0.3 * Math.sin(2 * Math.PI * 0.15 * s + 1) + 0.02 * random.nextGaussian());
		}
		return new SyntheticEcg(x, beats);
	}

	private static void addGaussian(float[] x, double fs, double centre, double sigma, double amp) {
		int a = Math.max(0, (int) ((centre - 5 * sigma) * fs)), b = Math.min(x.length - 1, (int) ((centre + 5 * sigma) * fs));
		for (int i = a; i <= b; i++) {
			double d = (i / fs - centre) / sigma;
			x[i] += (float) (amp * Math.exp(-0.5 * d * d));
		}
	}

	static float[] sine(double fs, double seconds, double hz, double amp) {
		float[] x = new float[(int) Math.round(fs * seconds)];
		for (int i = 0; i < x.length; i++) x[i] = (float) (amp * Math.sin(2 * Math.PI * hz * i / fs));
		return x;
	}
}
