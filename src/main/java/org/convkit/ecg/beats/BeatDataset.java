package org.convkit.ecg.beats;

import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.signal.Filters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Beats of one or more records ready for the classifier: for each beat a fixed-length window of the
 * filtered MLII lead around its R peak, its RR intervals (previous, next, local average, record
 * mean, in seconds), its rhythm context (RR irregularity and P-wave coherence: see
 * {@link #inAtrialFibrillation}), its AAMI class and where it came from.
 * <p>
 * The network sees the RR intervals divided by the record's mean RR ({@link #features(int)}):
 * prematurity relative to the patient's own rhythm is what separates S beats from N beats across
 * patients. Beats without a previous and a next beat, or whose window leaves the signal, are
 * skipped (they still count as neighbours for the RR intervals of the others).
 */
public final class BeatDataset {

	/**
	 * RR and rhythm values per beat: previous, next, local average and record mean RR (seconds), the
	 * rhythm's irregularity and the P-wave coherence around the beat (ratios).
	 */
	public static final int RR_VALUES = 8;
	/**
	 * Beats either side of a beat over which its rhythm's median RR is taken (about a minute): the
	 * patient's own pace at the time, which single ectopic beats, short runs and pauses do not move.
	 */
	static final int PACE_BEATS = 40;
	/** Beats either side of a beat over which the rhythm's irregularity is measured. */
	static final int RHYTHM_BEATS = 16;
	/**
	 * Atrial fibrillation, as {@link #inAtrialFibrillation} tells it: an irregular rhythm (above
	 * this irregularity) without a coherent P wave (below this coherence). In DS1 these flag 99% of
	 * the beats MIT-BIH marks "(AFIB" or "(AFL", 1% of the others and 2% of its S beats. They were
	 * read off DS1's rhythm annotations; irregularity 0.08-0.12 and coherence 0.2-0.5 give nearly the
	 * same classification.
	 */
	static final float AF_IRREGULARITY = 0.1f, AF_P_WAVE_COHERENCE = 0.3f;
	/** Seconds before the R peak where the P wave ends (the PR segment starts) and where the QRS starts and ends after it. */
	private static final double P_WAVE_END_S = 0.085, QRS_START_S = 0.03, QRS_END_S = 0.05;
	/** The label of a beat whose class is not known (beats to classify). */
	public static final int UNLABELLED = -1;

	/**
	 * How beats are cut: seconds before and after the R peak, samples per window (the window is
	 * resampled to this length by linear interpolation), beats in the local RR average, and whether
	 * windows are divided by the record's median window peak-to-peak amplitude.
	 */
	public record Options(double beforeS, double afterS, int length, int localBeats, boolean normaliseAmplitude) {
		public static final Options DEFAULT = new Options(0.25, 0.45, 256, 10, true);

		public Options {
			if (!(beforeS >= 0 && afterS > 0)) throw new IllegalArgumentException("window: expected before >= 0 and after > 0 s");
			if (length < 2) throw new IllegalArgumentException("length: expected at least 2 samples, got " + length);
			if (localBeats < 1) throw new IllegalArgumentException("localBeats: expected at least 1, got " + localBeats);
		}
	}

	private final int length;
	private final float[] windows;
	private final float[] residuals;
	private final float[] rr;
	private final int[] labels;
	private final long[] positions;
	private final String[] records;

	private BeatDataset(int length, float[] windows, float[] residuals, float[] rr, int[] labels, long[] positions, String[] records) {
		this.length = length;
		this.windows = windows;
		this.residuals = residuals;
		this.rr = rr;
		this.labels = labels;
		this.positions = positions;
		this.records = records;
	}

	/** The beats of the record's MLII lead (named "MLII"; the first lead if none is). */
	public static BeatDataset of(EcgRecord record, List<Annotation> annotations) {
		return of(record, annotations, Options.DEFAULT);
	}

	public static BeatDataset of(EcgRecord record, List<Annotation> annotations, Options options) {
		return of(record, record.defaultLead(), annotations, options);
	}

	/**
	 * The beats of one lead: annotations whose symbol is an AAMI beat give the R positions and
	 * classes. Annotation samples count frames of the record's frequency; a lead may have several
	 * samples per frame, so positions are scaled to the lead's samples.
	 */
	public static BeatDataset of(EcgRecord record, EcgRecord.Lead lead, List<Annotation> annotations, Options options) {
		List<Annotation> beats = aamiBeats(annotations);
		double scale = lead.frequency() / record.frequency();
		long[] positions = new long[beats.size()];
		int[] labels = new int[beats.size()];
		for (int i = 0; i < positions.length; i++) {
			positions[i] = Math.round(beats.get(i).sample() * scale);
			labels[i] = AamiClass.ofSymbol(beats.get(i).symbol()).orElseThrow().ordinal();
		}
		return ofBeats(record.name(), lead.samples(), lead.frequency(), positions, labels, options);
	}

	/** The annotations that mark AAMI beats, in time order. */
	static List<Annotation> aamiBeats(List<Annotation> annotations) {
		return annotations.stream().filter(a -> AamiClass.isBeat(a.symbol())).sorted(Comparator.comparingLong(Annotation::sample)).toList();
	}

	/**
	 * The beats at these R positions (ascending samples of this signal, e.g. from a QRS detector),
	 * each labelled with an {@link AamiClass} ordinal or {@link #UNLABELLED}.
	 */
	public static BeatDataset ofBeats(String name, float[] signal, double fs, long[] rPeaks, int[] peakLabels, Options options) {
		if (rPeaks.length != peakLabels.length) throw new IllegalArgumentException("labels: expected one per beat");
		// a beat at the same sample as the one before (duplicate annotations, rounding) would have an RR of 0
		long[] beats = new long[rPeaks.length];
		int[] beatLabels = new int[rPeaks.length];
		int m = 0;
		for (int i = 0; i < rPeaks.length; i++) {
			if (m > 0 && rPeaks[i] <= beats[m - 1]) continue;
			beats[m] = rPeaks[i];
			beatLabels[m++] = peakLabels[i];
		}
		float[] x = Filters.bandPass(withoutNaN(signal), fs);
		double meanRr = m > 1 ? (beats[m - 1] - beats[0]) / fs / (m - 1) : Double.NaN;
		int before = (int) Math.ceil(options.beforeS() * fs), after = (int) Math.ceil(options.afterS() * fs);
		List<Integer> kept = new ArrayList<>();
		for (int i = 1; i < m - 1; i++) {
			long r = beats[i];
			if (r - before >= 0 && r + after <= x.length - 1) kept.add(i);
		}
		int n = kept.size(), len = options.length();
		float[] windows = new float[n * len], rr = new float[n * RR_VALUES];
		int[] labels = new int[n];
		long[] positions = new long[n];
		double span = (options.beforeS() + options.afterS()) * fs, step = span / (len - 1);
		for (int k = 0; k < n; k++) {
			int i = kept.get(k);
			long r = beats[i];
			positions[k] = r;
			labels[k] = beatLabels[i];
			double start = r - options.beforeS() * fs;
			for (int j = 0; j < len; j++) {
				double t = start + j * step;
				int t0 = (int) Math.floor(t);
				int t1 = Math.min(t0 + 1, x.length - 1);
				double f = t - t0;
				windows[k * len + j] = (float) (x[t0] * (1 - f) + x[t1] * f);
			}
			double prev = (r - beats[i - 1]) / fs, next = (beats[i + 1] - r) / fs;
			int first = Math.max(1, i - options.localBeats() + 1);
			double local = (r - beats[first - 1]) / fs / (i - first + 1);
			rr[k * RR_VALUES] = (float) prev;
			rr[k * RR_VALUES + 1] = (float) next;
			rr[k * RR_VALUES + 2] = (float) local;
			rr[k * RR_VALUES + 3] = (float) meanRr;
			rr[k * RR_VALUES + 4] = (float) irregularity(beats, m, i, fs);
		}
		if (options.normaliseAmplitude() && n > 0) {
			float[] range = new float[n];
			for (int k = 0; k < n; k++) {
				float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
				for (int j = 0; j < len; j++) {
					lo = Math.min(lo, windows[k * len + j]);
					hi = Math.max(hi, windows[k * len + j]);
				}
				range[k] = hi - lo;
			}
			Arrays.sort(range);
			float scale = range[n / 2] > 0 ? 1 / range[n / 2] : 1;
			for (int j = 0; j < windows.length; j++) windows[j] *= scale;
		}
		double[] all = new double[Math.max(0, m - 1)];
		for (int i = 1; i < m; i++) all[i - 1] = (beats[i] - beats[i - 1]) / fs;
		double recordMedian = median(all, 0, all.length);
		for (int k = 0; k < n; k++) {
			int i = kept.get(k);
			// RR interval b is all[b - 1]; the pace is the median of the intervals of the beats around i
			rr[k * RR_VALUES + 6] = (float) median(all, Math.max(0, i - 1 - PACE_BEATS), Math.min(all.length, i + PACE_BEATS));
			rr[k * RR_VALUES + 7] = (float) recordMedian;
		}
		String[] records = new String[n];
		Arrays.fill(records, name);
		float[] residuals = residuals(windows, len), coherence = pWaveCoherence(windows, residuals, rr, n, len, options);
		for (int k = 0; k < n; k++) rr[k * RR_VALUES + 5] = coherence[k];
		return new BeatDataset(len, windows, residuals, rr, labels, positions, records);
	}

	/** The median of {@code values[from..to)}; NaN when empty. */
	private static double median(double[] values, int from, int to) {
		if (to <= from) return Double.NaN;
		double[] v = Arrays.copyOfRange(values, from, to);
		Arrays.sort(v);
		return v[v.length / 2];
	}

	/**
	 * The rhythm's irregularity around beat {@code i}: the median absolute difference of successive
	 * RR intervals over the median RR interval, over the {@link #RHYTHM_BEATS} beats either side.
	 * Medians make it robust to isolated ectopic beats, so it is low in sinus rhythm with a few
	 * premature beats and high in atrial fibrillation, where an early beat is not a premature one.
	 */
	static double irregularity(long[] beats, int m, int i, double fs) {
		int lo = Math.max(1, i - RHYTHM_BEATS), hi = Math.min(m - 1, i + RHYTHM_BEATS);
		int c = hi - lo + 1;
		double[] rr = new double[c];
		for (int b = lo; b <= hi; b++) rr[b - lo] = (beats[b] - beats[b - 1]) / fs;
		double[] d = new double[c - 1];
		for (int b = 1; b < c; b++) d[b - 1] = Math.abs(rr[b] - rr[b - 1]);
		Arrays.sort(rr);
		Arrays.sort(d);
		return d.length == 0 ? 0 : d[d.length / 2] / rr[c / 2];
	}

	/**
	 * How consistent the P waves are around each beat: the energy of the mean P-wave segment (window
	 * start to {@link #P_WAVE_END_S} before R, minus its mean) over the mean energy of the segments,
	 * over the {@link #RHYTHM_BEATS} beats either side. In sinus rhythm the segments share a P wave at
	 * a fixed PR interval (near 1); in atrial fibrillation there is none, and fibrillatory waves
	 * average out (near 0). Premature beats (RR under 85% of the neighbours' median) and wide beats
	 * (QRS differing from the median beat 4 times more than the record's median does) are left out,
	 * so that ectopic beats do not dilute the P waves (in bigeminy, where half the beats are early
	 * and wide, the medians keep them, and the normal half's P waves give about 0.5). NaN (unknown:
	 * never taken for fibrillation) when the window has no P-wave segment or fewer than 3 beats are
	 * left to compare. A flat segment (lead off) has coherence 0.
	 */
	static float[] pWaveCoherence(float[] windows, float[] residuals, float[] rr, int n, int length, Options options) {
		float[] coherence = new float[n];
		double span = options.beforeS() + options.afterS(), step = span / (length - 1);
		int pEnd = (int) Math.floor((options.beforeS() - P_WAVE_END_S) / step);
		if (pEnd < 2) {
			Arrays.fill(coherence, Float.NaN);
			return coherence;
		}
		int qStart = Math.max(0, (int) Math.round((options.beforeS() - QRS_START_S) / step));
		int qEnd = Math.min(length, (int) Math.round((options.beforeS() + QRS_END_S) / step));
		double[][] p = new double[n][pEnd];
		double[] qrs = new double[n];
		for (int k = 0; k < n; k++) {
			double mean = 0;
			for (int j = 0; j < pEnd; j++) mean += windows[k * length + j];
			mean /= pEnd;
			for (int j = 0; j < pEnd; j++) p[k][j] = windows[k * length + j] - mean;
			for (int j = qStart; j < qEnd; j++) qrs[k] += residuals[k * length + j] * residuals[k * length + j];
		}
		double[] sorted = qrs.clone();
		Arrays.sort(sorted);
		double wide = n > 0 ? 4 * sorted[n / 2] : 0;
		double[] mean = new double[pEnd];
		for (int k = 0; k < n; k++) {
			int lo = Math.max(0, k - RHYTHM_BEATS), hi = Math.min(n - 1, k + RHYTHM_BEATS);
			double[] previous = new double[hi - lo + 1];
			for (int b = lo; b <= hi; b++) previous[b - lo] = rr[b * RR_VALUES];
			Arrays.sort(previous);
			double early = 0.85 * previous[previous.length / 2];
			Arrays.fill(mean, 0);
			double energy = 0;
			int count = 0;
			for (int b = lo; b <= hi; b++) {
				if (rr[b * RR_VALUES] < early || qrs[b] > wide) continue;
				count++;
				for (int j = 0; j < pEnd; j++) {
					mean[j] += p[b][j];
					energy += p[b][j] * p[b][j];
				}
			}
			if (count < 3) {
				coherence[k] = Float.NaN;
				continue;
			}
			double meanEnergy = 0;
			for (int j = 0; j < pEnd; j++) meanEnergy += (mean[j] / count) * (mean[j] / count);
			coherence[k] = (float) (meanEnergy / (energy / count + 1e-12));
		}
		return coherence;
	}

	/** The beats of several datasets, in order. */
	public static BeatDataset concat(List<BeatDataset> parts) {
		if (parts.isEmpty()) throw new IllegalArgumentException("concat: expected at least one dataset");
		int len = parts.get(0).length, n = parts.stream().mapToInt(BeatDataset::size).sum();
		float[] windows = new float[n * len], residuals = new float[n * len], rr = new float[n * RR_VALUES];
		int[] labels = new int[n];
		long[] positions = new long[n];
		String[] records = new String[n];
		int at = 0;
		for (BeatDataset p : parts) {
			if (p.length != len) throw new IllegalArgumentException("concat: window lengths differ: " + len + ", " + p.length);
			System.arraycopy(p.windows, 0, windows, at * len, p.size() * len);
			System.arraycopy(p.residuals, 0, residuals, at * len, p.size() * len);
			System.arraycopy(p.rr, 0, rr, at * RR_VALUES, p.size() * RR_VALUES);
			System.arraycopy(p.labels, 0, labels, at, p.size());
			System.arraycopy(p.positions, 0, positions, at, p.size());
			System.arraycopy(p.records, 0, records, at, p.size());
			at += p.size();
		}
		return new BeatDataset(len, windows, residuals, rr, labels, positions, records);
	}

	/** The names of the records the beats come from, in order of first appearance. */
	public List<String> recordNames() {
		return Arrays.stream(records).distinct().toList();
	}

	/** The beats of the records whose names pass the test, in order. */
	public BeatDataset ofRecords(Predicate<String> test) {
		return subset(IntStream.range(0, size()).filter(i -> test.test(records[i])).toArray());
	}

	/** The beats at these indices, in this order. */
	public BeatDataset subset(int[] indices) {
		int n = indices.length;
		float[] w = new float[n * length], d = new float[n * length], r = new float[n * RR_VALUES];
		int[] l = new int[n];
		long[] p = new long[n];
		String[] s = new String[n];
		for (int k = 0; k < n; k++) {
			int i = indices[k];
			System.arraycopy(windows, i * length, w, k * length, length);
			System.arraycopy(residuals, i * length, d, k * length, length);
			System.arraycopy(rr, i * RR_VALUES, r, k * RR_VALUES, RR_VALUES);
			l[k] = labels[i];
			p[k] = positions[i];
			s[k] = records[i];
		}
		return new BeatDataset(length, w, d, r, l, p, s);
	}

	/** A dataset built from raw arrays (tests, synthetic data): windows n x length, rr n x {@link #RR_VALUES}. */
	public static BeatDataset ofArrays(int length, float[] windows, float[] rr, int[] labels) {
		return ofArrays("", length, windows, rr, labels);
	}

	/** As {@link #ofArrays(int, float[], float[], int[])}, the beats of one named record. */
	public static BeatDataset ofArrays(String record, int length, float[] windows, float[] rr, int[] labels) {
		int n = labels.length;
		if (windows.length != n * length || rr.length != n * RR_VALUES) throw new IllegalArgumentException("ofArrays: sizes disagree");
		String[] records = new String[n];
		Arrays.fill(records, record);
		return new BeatDataset(length, windows.clone(), residuals(windows, length), rr.clone(), labels.clone(), new long[n], records);
	}

	public int size() {
		return labels.length;
	}

	/** Samples per window. */
	public int length() {
		return length;
	}

	public float[] window(int i) {
		return Arrays.copyOfRange(windows, i * length, (i + 1) * length);
	}

	/**
	 * Previous RR, next RR, local average RR and the record's mean RR, in seconds, the rhythm's
	 * irregularity and the P-wave coherence (ratios), the pace (median RR of the beats around) and the
	 * record's median RR, in seconds.
	 */
	public float[] rr(int i) {
		return Arrays.copyOfRange(rr, i * RR_VALUES, (i + 1) * RR_VALUES);
	}

	/** The network's RR features of new models ({@link RrFeatures#CURRENT}). */
	public float[] features(int i) {
		return features(i, RrFeatures.CURRENT);
	}

	/** The network's RR features of one set. */
	public float[] features(int i, RrFeatures set) {
		float[] f = new float[set.count()];
		set.compute(rr, i * RR_VALUES, f, 0);
		return f;
	}

	/**
	 * Whether the beat is in atrial fibrillation: an irregular rhythm without a coherent P wave
	 * ({@link #AF_IRREGULARITY}, {@link #AF_P_WAVE_COHERENCE}). In fibrillation an early beat is not
	 * an atrial premature one, and MIT-BIH marks none there; {@link DecisionBias} does not call S.
	 */
	public boolean inAtrialFibrillation(int i) {
		float irregularity = rr[i * RR_VALUES + 4], coherence = rr[i * RR_VALUES + 5];
		return irregularity > AF_IRREGULARITY && coherence < AF_P_WAVE_COHERENCE;
	}

	/** The beat's window minus its record's median beat: how this beat differs from the patient's usual one. */
	public float[] residual(int i) {
		return Arrays.copyOfRange(residuals, i * length, (i + 1) * length);
	}

	void rr(int i, float[] target, int offset) {
		System.arraycopy(rr, i * RR_VALUES, target, offset, RR_VALUES);
	}

	void residual(int i, float[] target, int offset) {
		System.arraycopy(residuals, i * length, target, offset, length);
	}

	void window(int i, float[] target, int offset) {
		System.arraycopy(windows, i * length, target, offset, length);
	}

	/** The beat's class; an {@link IllegalStateException} for an unlabelled beat. */
	public AamiClass label(int i) {
		if (labels[i] == UNLABELLED) throw new IllegalStateException("beat " + i + " of " + records[i] + " has no label");
		return AamiClass.values()[labels[i]];
	}

	public boolean isLabelled(int i) {
		return labels[i] != UNLABELLED;
	}

	/** The labelled beats only. */
	public BeatDataset labelled() {
		return subset(IntStream.range(0, size()).filter(this::isLabelled).toArray());
	}

	int labelIndex(int i) {
		return labels[i];
	}

	/** The R peak's sample in its record. */
	public long position(int i) {
		return positions[i];
	}

	public String record(int i) {
		return records[i];
	}

	/** Beats per class, in {@link AamiClass} order. */
	public int[] classCounts() {
		int[] counts = new int[AamiClass.COUNT];
		for (int l : labels) if (l != UNLABELLED) counts[l]++;
		return counts;
	}

	/**
	 * Each window minus the sample-wise median of all windows (of one record): the median beat is the
	 * patient's dominant morphology, so the difference shows ectopic shapes in the same way for every
	 * patient, whatever their lead placement and QRS shape.
	 */
	private static float[] residuals(float[] windows, int length) {
		int n = windows.length / length;
		float[] residuals = new float[windows.length];
		if (n == 0) return residuals;
		float[] column = new float[n];
		for (int j = 0; j < length; j++) {
			for (int k = 0; k < n; k++) column[k] = windows[k * length + j];
			Arrays.sort(column);
			float median = column[n / 2];
			for (int k = 0; k < n; k++) residuals[k * length + j] = windows[k * length + j] - median;
		}
		return residuals;
	}

	private static float[] withoutNaN(float[] x) {
		float[] y = x.clone();
		float last = 0;
		for (int i = 0; i < y.length; i++) {
			if (Float.isNaN(y[i])) y[i] = last;
			else last = y[i];
		}
		return y;
	}
}
