package org.convkit.ct;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import net.imglib2.FinalInterval;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.view.Views;

/**
 * Some slices of a volume, named as Fiji numbers them (from 1): {@code 1-20}, {@code 1-20,41-60},
 * {@code 7}. The slices a user labelled for Train Segmenter, the slices Evaluate Segmentation
 * scores. Ranges are ascending; touching ones are merged, so each range is one slab.
 */
public final class SliceRanges {

	static final String BAD = "%s: expected slice ranges numbered as in Fiji, from 1 (e.g. 1-20 or 1-20,41-60), got '%s'";
	static final String OUTSIDE = "%s: slice %d is outside %s, which has slices 1 to %d";
	static final String UNORDERED = "%s: '%s' and '%s' overlap or are out of order; expected ascending ranges (e.g. 1-20,41-60)";

	/** Per slab, its first slice and the slice after its last, from 0. */
	private final long[] from, to;

	private SliceRanges(long[] from, long[] to) {
		this.from = from;
		this.to = to;
	}

	/**
	 * The ranges in {@code text}, checked against a volume of {@code slices} slices; null when the
	 * text is blank (every slice).
	 *
	 * @param parameter the option's name, for errors
	 * @param source the volume's name, for errors
	 */
	public static SliceRanges parse(String text, String parameter, long slices, String source) {
		if (text == null || text.isBlank()) return null;
		List<long[]> ranges = new ArrayList<>();
		String previous = null;
		for (String part : text.split(",")) {
			String p = part.strip();
			String[] ends = p.split("-", -1);
			long first, last;
			try {
				if (ends.length > 2) throw new NumberFormatException();
				first = Long.parseLong(ends[0].strip());
				last = ends.length == 2 ? Long.parseLong(ends[1].strip()) : first;
			}
			catch (NumberFormatException e) {
				throw new IllegalArgumentException(String.format(BAD, parameter, text), e);
			}
			if (first < 1 || last < first) throw new IllegalArgumentException(String.format(BAD, parameter, text));
			if (last > slices) throw new IllegalArgumentException(String.format(Locale.ROOT, OUTSIDE, parameter, last, source, slices));
			long[] last0 = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
			if (last0 != null && first <= last0[1]) throw new IllegalArgumentException(String.format(UNORDERED, parameter, previous, p));
			if (last0 != null && first == last0[1] + 1) last0[1] = last;
			else ranges.add(new long[] {first, last});
			previous = p;
		}
		long[] from = new long[ranges.size()], to = new long[ranges.size()];
		for (int k = 0; k < from.length; k++) {
			from[k] = ranges.get(k)[0] - 1;
			to[k] = ranges.get(k)[1];
		}
		return new SliceRanges(from, to);
	}

	/** One slab: slices {@code from} (from 0) up to, not including, {@code to}. */
	public static SliceRanges slab(long from, long to) {
		if (from < 0 || to <= from) throw new IllegalArgumentException("slab: expected 0 <= from < to, got " + from + ", " + to);
		return new SliceRanges(new long[] {from}, new long[] {to});
	}

	/** Number of slabs. */
	public int count() {
		return from.length;
	}

	/** Whether slice {@code z} (from 0) is in a range. */
	public boolean contains(long z) {
		for (int k = 0; k < from.length; k++) if (z >= from[k] && z < to[k]) return true;
		return false;
	}

	/** Each slab of {@code volume} (x, y, z) as a view starting at 0. */
	public <T> List<RandomAccessibleInterval<T>> slabs(RandomAccessibleInterval<T> volume) {
		List<RandomAccessibleInterval<T>> out = new ArrayList<>();
		for (int k = 0; k < from.length; k++) {
			FinalInterval slab = new FinalInterval(new long[] {volume.min(0), volume.min(1), volume.min(2) + from[k]},
				new long[] {volume.max(0), volume.max(1), volume.min(2) + to[k] - 1});
			out.add(Views.zeroMin(Views.interval(volume, slab)));
		}
		return out;
	}

	/** The slabs of {@code ranges} in {@code volume} ({@link #slabs(RandomAccessibleInterval)}), or the whole volume when {@code ranges} is null. */
	public static <T> List<RandomAccessibleInterval<T>> slabs(SliceRanges ranges, RandomAccessibleInterval<T> volume) {
		return ranges == null ? List.of(volume) : ranges.slabs(volume);
	}

	/** A volume's name for errors: "'seg' (slices 1-20)", or the name alone when {@code ranges} is null. */
	public static String name(String name, SliceRanges ranges) {
		return ranges == null ? name : name + " (" + ranges + ")";
	}

	/** Slab {@code k} as text, e.g. "1-20". */
	public String text(int k) {
		return to[k] - from[k] == 1 ? String.valueOf(to[k]) : (from[k] + 1) + "-" + to[k];
	}

	/** As {@link #parse} reads it, with touching ranges merged: "1-20,41-60". */
	public String text() {
		List<String> parts = new ArrayList<>();
		for (int k = 0; k < from.length; k++) parts.add(text(k));
		return String.join(",", parts);
	}

	@Override
	public String toString() {
		return "slices " + text();
	}
}
