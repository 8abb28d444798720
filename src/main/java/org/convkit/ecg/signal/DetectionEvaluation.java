package org.convkit.ecg.signal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.convkit.ecg.Annotation;

/**
 * Beat-detection scoring in the ANSI/AAMI EC57 manner: each reference beat is matched one-to-one
 * to the nearest detection within a tolerance (150 ms by default); matched pairs are true
 * positives, unmatched detections false positives and unmatched reference beats false negatives.
 * Sensitivity Se = TP / (TP + FN), positive predictivity +P = TP / (TP + FP). Per-record results
 * are collected with {@link #add} and summed to gross totals (the sums of TP, FP, FN over records).
 */
public final class DetectionEvaluation {

	/** EC57's matching window, in seconds. */
	public static final double DEFAULT_TOLERANCE_S = 0.150;

	/** The MIT-BIH annotation symbols that mark beats. */
	public static final Set<String> BEAT_SYMBOLS = Set.of(
		"N", "L", "R", "B", "A", "a", "J", "S", "V", "r", "F", "e", "j", "n", "E", "/", "f", "Q", "?");

	/** One record's counts. */
	public record RecordResult(String name, int tp, int fp, int fn) {

		public int referenceBeats() {
			return tp + fn;
		}

		public int detections() {
			return tp + fp;
		}

		/** Sensitivity TP / (TP + FN); 1 when there are no reference beats. */
		public double sensitivity() {
			return ratio(tp, tp + fn);
		}

		/** Positive predictivity TP / (TP + FP); 1 when there are no detections. */
		public double positivePredictivity() {
			return ratio(tp, tp + fp);
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "%-8s ref %6d  TP %6d  FP %5d  FN %5d  Se %7.3f%%  +P %7.3f%%",
				name, referenceBeats(), tp, fp, fn, 100 * sensitivity(), 100 * positivePredictivity());
		}
	}

	private final List<RecordResult> records = new ArrayList<>();

	/** True for beat annotation symbols (see {@link #BEAT_SYMBOLS}). */
	public static boolean isBeat(String symbol) {
		return BEAT_SYMBOLS.contains(symbol);
	}

	/** Sample indices (ascending) of the beat annotations among {@code annotations}. */
	public static long[] referenceBeats(List<Annotation> annotations) {
		long[] beats = annotations.stream().filter(a -> isBeat(a.symbol())).mapToLong(Annotation::sample).toArray();
		Arrays.sort(beats);
		return beats;
	}

	/**
	 * Scores one record: {@code reference} and {@code detections} are sample indices at {@code fs};
	 * only those within [from, to] (samples) are considered (e.g. all but the first and last 0.5 s).
	 */
	public static RecordResult compare(String name, long[] reference, int[] detections, double fs,
		double toleranceS, long from, long to)
	{
		return compare(name, reference, detections, fs, toleranceS, from, to, new long[0]);
	}

	/**
	 * As {@link #compare(String, long[], int[], double, double, long, long)}, also ignoring reference
	 * beats and detections inside the {@code excluded} intervals, given as flat [start, end] sample
	 * pairs (see {@link #ventricularFlutterIntervals}).
	 */
	public static RecordResult compare(String name, long[] reference, int[] detections, double fs,
		double toleranceS, long from, long to, long[] excluded)
	{
		long[] ref = within(reference, from, to, excluded);
		long[] det = within(Arrays.stream(detections).asLongStream().toArray(), from, to, excluded);
		long tol = (long) Math.floor(toleranceS * fs + 1e-9);
		int i = 0, j = 0, tp = 0, fp = 0, fn = 0;
		while (i < ref.length && j < det.length) {
			long r = ref[i], d = det[j];
			if (d < r - tol) {
				fp++;
				j++;
			} else if (d > r + tol) {
				fn++;
				i++;
			} else if (j + 1 < det.length && Math.abs(det[j + 1] - r) < Math.abs(d - r)) {
				fp++; // the next detection fits this beat better
				j++;
			} else if (i + 1 < ref.length && Math.abs(ref[i + 1] - d) < Math.abs(d - r)) {
				fn++; // this detection fits the next beat better
				i++;
			} else {
				tp++;
				i++;
				j++;
			}
		}
		fn += ref.length - i;
		fp += det.length - j;
		return new RecordResult(name, tp, fp, fn);
	}

	/** {@link #compare} with 150 ms tolerance over the record less its first and last {@code edgeS} seconds. */
	public static RecordResult compare(String name, long[] reference, int[] detections, double fs, long length, double edgeS) {
		return compare(name, reference, detections, fs, length, edgeS, new long[0]);
	}

	/** As {@link #compare(String, long[], int[], double, long, double)}, also leaving out {@code excluded} intervals. */
	public static RecordResult compare(String name, long[] reference, int[] detections, double fs, long length, double edgeS,
		long[] excluded)
	{
		long edge = Math.round(edgeS * fs);
		return compare(name, reference, detections, fs, DEFAULT_TOLERANCE_S, edge, length - 1 - edge, excluded);
	}

	/** Adds a record's result to the totals and returns it. */
	public RecordResult add(RecordResult result) {
		records.add(result);
		return result;
	}

	public List<RecordResult> records() {
		return List.copyOf(records);
	}

	/** Gross totals: counts summed over all records. */
	public RecordResult gross() {
		int tp = 0, fp = 0, fn = 0;
		for (RecordResult r : records) {
			tp += r.tp();
			fp += r.fp();
			fn += r.fn();
		}
		return new RecordResult("gross", tp, fp, fn);
	}

	/** A table of the per-record results and the gross totals. */
	public String report() {
		StringBuilder sb = new StringBuilder();
		for (RecordResult r : records) sb.append(r).append('\n');
		sb.append(gross()).append('\n');
		return sb.toString();
	}

	private static long[] within(long[] a, long from, long to, long[] excluded) {
		return Arrays.stream(a).filter(v -> v >= from && v <= to && !inside(v, excluded)).sorted().toArray();
	}

	private static boolean inside(long v, long[] intervals) {
		for (int k = 0; k + 1 < intervals.length; k += 2) {
			if (v >= intervals[k] && v <= intervals[k + 1]) return true;
		}
		return false;
	}

	/**
	 * The ventricular flutter/fibrillation episodes that EC57 leaves out of beat-by-beat scoring:
	 * from each '[' annotation to the next ']' (or the end of the record), as flat [start, end] pairs.
	 */
	public static long[] ventricularFlutterIntervals(List<Annotation> annotations) {
		List<Long> out = new ArrayList<>();
		long start = -1;
		for (Annotation a : annotations) {
			if (a.symbol().equals("[") && start < 0) {
				start = a.sample();
			} else if (a.symbol().equals("]") && start >= 0) {
				out.add(start);
				out.add(a.sample());
				start = -1;
			}
		}
		if (start >= 0) {
			out.add(start);
			out.add(Long.MAX_VALUE);
		}
		return out.stream().mapToLong(Long::longValue).toArray();
	}

	private static double ratio(int num, int den) {
		return den == 0 ? 1.0 : (double) num / den;
	}
}
