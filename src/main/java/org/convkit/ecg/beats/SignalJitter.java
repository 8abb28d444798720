package org.convkit.ecg.beats;

import java.util.Random;

/**
 * Training augmentation: gives a fraction of a batch's beats what differs between patients and
 * recorders, within physiological and recorder bounds, all relative to the window's own
 * peak-to-peak amplitude {@code A}:
 * <ul>
 * <li>a gain {@code g}, log-uniform in [{@link #GAIN_MIN}, {@link #GAIN_MAX}]: the amplitude
 * normalisation divides by the record's median peak-to-peak, which P and T waves, lead placement and
 * noise move, so QRS size still differs by about this much between patients;</li>
 * <li>baseline wander left by the 0.5 Hz high-pass: an offset up to {@link #OFFSET} A and a linear
 * tilt whose end-to-end change is up to {@link #TILT} A (respiration and motion are slower than a
 * 0.7 s window, so a line is all of them a window shows);</li>
 * <li>noise of rms uniform in [0, {@link #NOISE}] A (muscle and recorder noise: tens of microvolts
 * against a QRS of 1-2 mV), band-limited like the 0.5-40 Hz band-pass leaves it: white noise through
 * a {@link #NOISE_SMOOTHING}-sample moving average (-3 dB near 32 Hz at the window's 366 samples/s).</li>
 * </ul>
 * The three channels stay one signal: the gain is the patient's, so it scales the record's median
 * beat too and the residual (window minus median) scales with the window; wander and noise are the
 * beat's own, which the median does not follow, so they add to the residual as to the window; the
 * slope is recomputed from the new window.
 */
final class SignalJitter {

	static final double GAIN_MIN = 0.8, GAIN_MAX = 1.25, OFFSET = 0.05, TILT = 0.1, NOISE = 0.03;
	static final int NOISE_SMOOTHING = 5;

	private final double fraction;

	SignalJitter(double fraction) {
		this.fraction = fraction;
	}

	/** Changes the batch's signals in place, each beat with probability {@code fraction}; off (0) draws nothing. */
	void apply(BeatNet.Batch batch, Random random) {
		if (fraction <= 0) return;
		int len = batch.length();
		float[] s = batch.signal(), added = new float[len], white = new float[len + NOISE_SMOOTHING - 1];
		for (int k = 0; k < batch.size(); k++) {
			if (random.nextDouble() >= fraction) continue;
			int w = k * BeatNet.CHANNELS * len, r = w + len;
			float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
			for (int j = 0; j < len; j++) {
				lo = Math.min(lo, s[w + j]);
				hi = Math.max(hi, s[w + j]);
			}
			double a = hi - lo;
			double gain = Math.exp(Math.log(GAIN_MIN) + (Math.log(GAIN_MAX) - Math.log(GAIN_MIN)) * random.nextDouble());
			double offset = OFFSET * a * (2 * random.nextDouble() - 1), tilt = TILT * a * (2 * random.nextDouble() - 1);
			double noise = NOISE * a * random.nextDouble();
			for (int j = 0; j < white.length; j++) white[j] = (float) random.nextGaussian();
			// a sum of m unit-variance samples has variance m: scaled to the drawn rms
			double noiseScale = noise / Math.sqrt(NOISE_SMOOTHING);
			for (int j = 0; j < len; j++) {
				double sum = 0;
				for (int i = 0; i < NOISE_SMOOTHING; i++) sum += white[j + i];
				added[j] = (float) (offset + tilt * ((double) j / (len - 1) - 0.5) + noiseScale * sum);
			}
			for (int j = 0; j < len; j++) {
				s[w + j] = (float) (gain * s[w + j]) + added[j];
				s[r + j] = (float) (gain * s[r + j]) + added[j];
			}
			BeatNet.slope(s, w, len);
		}
	}
}
