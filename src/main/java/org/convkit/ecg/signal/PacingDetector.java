package org.convkit.ecg.signal;

import java.util.Arrays;

/**
 * Pacemaker stimuli before QRS complexes: a score per beat of how much of the beat's sharpest
 * deflection is a very short pulse.
 * <p>
 * A pacing stimulus lasts 0.1-1 ms; after MIT-BIH's analog band limit (about 100 Hz) and 360 Hz
 * sampling it is left as a pulse of 3-6 samples (10-17 ms) whose two flanks are each 2-3 samples
 * long, just before the paced QRS (records 102, 104, 107, 217). A QRS complex, however steep,
 * rises and falls over 20 ms or more. The pulse measure at lag {@code k} samples is
 * {@code |x[n] - (x[n-k] + x[n+k]) / 2|}: at {@link #SHORT_S} (2 samples at 360 Hz) it keeps
 * most of a stimulus' height and little of a QRS's; at {@link #LONG_S} (8 samples) it keeps the
 * height of both. The score is the largest short-lag pulse in the beat's window (from
 * {@link #BEFORE_S} before the detected R to {@link #AFTER_S} after it), less {@link #NOISE} times
 * the window's median short-lag pulse, over the largest long-lag pulse there (at least
 * {@link #FLOOR} in the signal's units, so a flat segment's noise does not score). Measured on the
 * detected beats of MIT-BIH (MLII, else the first lead): the median score of the four paced records
 * is 0.29-0.59, that of the 22 DS1 records 0.04-0.24 (of the lags tried, 2 and 6-10 samples, 2 and
 * 8 separated the two groups best; the same lags and allowance for all records).
 * <p>
 * The score is per beat; a single beat's score is not a decision (see the record-level
 * {@code PacedRhythm}). Works on the raw lead (a band-pass would remove the stimulus).
 */
public final class PacingDetector {

	/** The short lag: 2 samples at 360 Hz, about the half-width of a band-limited stimulus. */
	public static final double SHORT_S = 0.0056;
	/** The long lag: 8 samples at 360 Hz, about the half-width of a narrow QRS complex. */
	public static final double LONG_S = 0.0222;
	/** The window searched for a stimulus, before and after the detected R peak. */
	public static final double BEFORE_S = 0.15, AFTER_S = 0.05;
	/**
	 * The noise allowance: the largest short-lag pulse counts only above this many times the
	 * window's median short-lag pulse, so broadband noise (whose pulses are alike at every lag, the
	 * largest of a window about 4 times the median) does not score; a stimulus stands out of a quiet
	 * baseline. With 4 rather than 3, white noise's median score fell from 0.20 to 0 and MIT-BIH's
	 * paced records' by 0.01-0.02.
	 */
	public static final double NOISE = 4;
	/** The smallest long-lag pulse a score is divided by (mV): below it the beat is noise, not a QRS. */
	public static final double FLOOR = 0.05;

	private PacingDetector() {}

	/**
	 * The stimulus score of each beat (R peaks in samples of {@code samples}), 0 to about 1 (a pulse
	 * entirely made of a short spike: 1); 0 where the window leaves the signal or holds NaN samples.
	 */
	public static double[] scores(float[] samples, double fs, long[] peaks) {
		if (!(fs > 0)) throw new IllegalArgumentException("fs: expected a positive sampling frequency, got " + fs);
		int shortLag = Math.max(1, (int) Math.round(SHORT_S * fs));
		int longLag = Math.max(shortLag + 1, (int) Math.round(LONG_S * fs));
		int before = (int) Math.round(BEFORE_S * fs), after = (int) Math.round(AFTER_S * fs);
		double[] scores = new double[peaks.length];
		double[] pulses = new double[before + after + 1];
		for (int b = 0; b < peaks.length; b++) {
			long from = peaks[b] - before, to = peaks[b] + after;
			if (from - longLag < 0 || to + longLag >= samples.length) continue;
			double sharp = 0, wide = 0;
			boolean missing = false;
			for (int n = (int) from; n <= to && !missing; n++) {
				float x = samples[n], a = samples[n - shortLag], c = samples[n + shortLag], l = samples[n - longLag], r = samples[n + longLag];
				if (Float.isNaN(x) || Float.isNaN(a) || Float.isNaN(c) || Float.isNaN(l) || Float.isNaN(r)) missing = true;
				double pulse = Math.abs(x - (a + c) / 2.0);
				pulses[(int) (n - from)] = pulse;
				sharp = Math.max(sharp, pulse);
				wide = Math.max(wide, Math.abs(x - (l + r) / 2.0));
			}
			if (missing) continue;
			Arrays.sort(pulses);
			double noise = NOISE * pulses[pulses.length / 2];
			scores[b] = Math.max(0, sharp - noise) / Math.max(wide, FLOOR);
		}
		return scores;
	}
}
