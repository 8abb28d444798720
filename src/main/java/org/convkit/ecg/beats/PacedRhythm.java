package org.convkit.ecg.beats;

import org.convkit.ecg.signal.PacingDetector;

import java.util.Arrays;
import java.util.Locale;

/**
 * Whether a record is paced, and which of its beats are: the record-level decision on the
 * {@link PacingDetector} scores of its beats. A record is paced when the median beat carries a
 * stimulus (median score at least {@link #RECORD_MEDIAN}): one sharp beat, or a noisy stretch, does
 * not make a record paced. In a paced record a beat is paced when its score is at least
 * {@link #BEAT_FRACTION} of the record's median, so the patient's own (intrinsic) beats, without
 * a stimulus, keep the network's class; fusion beats of paced and intrinsic activation carry the
 * stimulus and are paced too (AAMI puts both '/' and 'f' in Q). Beats of a record that is not paced
 * are never paced.
 */
public final class PacedRhythm {

	/**
	 * The median score above which a record is paced: midway (geometric mean) between the groups
	 * measured on MIT-BIH (detected beats, default leads): the four paced records' medians
	 * 0.289-0.593 (107 lowest), the 22 DS1 records' 0.043-0.244 (220 highest).
	 */
	public static final double RECORD_MEDIAN = 0.265;
	/** A beat of a paced record is paced at this fraction of the record's median score or above. */
	public static final double BEAT_FRACTION = 0.6;

	/** The summary phrase of a paced record. */
	static final String SUMMARY = "paced rhythm: %d of %d beats paced (class Q)";

	private final double median;
	private final boolean[] paced;
	private final int count;

	private PacedRhythm(double median, boolean[] paced) {
		this.median = median;
		this.paced = paced;
		int n = 0;
		for (boolean p : paced) if (p) n++;
		this.count = n;
	}

	/** The decision on the beats' stimulus scores ({@link PacingDetector#scores}). */
	public static PacedRhythm of(double[] scores) {
		double median = median(scores);
		boolean record = scores.length > 0 && median >= RECORD_MEDIAN;
		boolean[] paced = new boolean[scores.length];
		if (record) for (int i = 0; i < scores.length; i++) paced[i] = scores[i] >= BEAT_FRACTION * median;
		return new PacedRhythm(median, paced);
	}

	/** The beats of a lead ({@code samples} at {@code fs}), scored and decided. */
	public static PacedRhythm of(float[] samples, double fs, BeatDataset beats) {
		long[] peaks = new long[beats.size()];
		for (int i = 0; i < peaks.length; i++) peaks[i] = beats.position(i);
		return of(PacingDetector.scores(samples, fs, peaks));
	}

	/** No beat paced: for n beats of a record not analysed for pacing. */
	public static PacedRhythm none(int n) {
		return new PacedRhythm(0, new boolean[n]);
	}

	/** Whether the record is paced (some of its beats are). */
	public boolean isPaced() {
		return count > 0;
	}

	public boolean isPaced(int beat) {
		return paced[beat];
	}

	/** The number of paced beats. */
	public int pacedBeats() {
		return count;
	}

	public int size() {
		return paced.length;
	}

	/** The median stimulus score of the record's beats. */
	public double medianScore() {
		return median;
	}

	/** "paced rhythm: N of M beats paced (class Q)", or empty for a record that is not paced. */
	public String summary() {
		return isPaced() ? String.format(Locale.ROOT, SUMMARY, count, paced.length) : "";
	}

	static double median(double[] values) {
		if (values.length == 0) return 0;
		double[] v = values.clone();
		Arrays.sort(v);
		int m = v.length / 2;
		return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
	}
}
