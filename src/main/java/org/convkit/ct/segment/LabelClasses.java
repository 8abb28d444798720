package org.convkit.ct.segment;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * The label values a segmenter learns, each its own class: class 0 is the background (every other
 * value), class {@code k} is {@code values[k - 1]}.
 */
public record LabelClasses(int[] values) {

	static final String BAD_VALUES = "label_values: expected comma-separated whole numbers other than 0 (e.g. 5,1,2), got '%s'";
	static final String ABSENT = "label_values: %s does not occur in %s (it holds %s)";
	static final String EMPTY = "labels: %s holds no label (every voxel is 0)";
	static final String NOT_INTEGER = "labels: %s holds %s, not a whole number; expected a label volume";

	public LabelClasses {
		values = values.clone();
		if (values.length == 0) throw new IllegalArgumentException("label_values: expected at least one label value");
		if (Arrays.stream(values).distinct().count() != values.length || Arrays.stream(values).anyMatch(v -> v == 0))
			throw new IllegalArgumentException(String.format(BAD_VALUES, text(values)));
	}

	@Override
	public int[] values() {
		return values.clone();
	}

	/** Number of classes, background included. */
	public int classes() {
		return values.length + 1;
	}

	/** The label value of class {@code c} (0 for the background). */
	public int value(int c) {
		return c == 0 ? 0 : values[c - 1];
	}

	/** "5,1,2": as {@link #parse} reads it. */
	public String text() {
		return text(values);
	}

	private static String text(int[] values) {
		return Arrays.stream(values).mapToObj(String::valueOf).collect(Collectors.joining(","));
	}

	/** Comma-separated values ("5, 1, 2"); null when the text is blank (every non-zero value, see {@link #of}). */
	public static LabelClasses parse(String text) {
		if (text == null || text.isBlank()) return null;
		String[] parts = text.split(",");
		int[] values = new int[parts.length];
		try {
			for (int i = 0; i < parts.length; i++) values[i] = Integer.parseInt(parts[i].strip());
		}
		catch (NumberFormatException e) {
			throw new IllegalArgumentException(String.format(BAD_VALUES, text), e);
		}
		return new LabelClasses(values);
	}

	/**
	 * The classes to learn from a label volume: {@code wanted} checked against the values present, or
	 * every non-zero value present (ascending) when {@code wanted} is null.
	 *
	 * @param source the label volume's name, for errors
	 */
	public static LabelClasses of(RandomAccessibleInterval<? extends RealType<?>> labels, LabelClasses wanted, String source) {
		return of(List.of(labels), wanted, source);
	}

	/** The same over several parts of a label volume (e.g. its labelled slabs), named together by {@code source}. */
	public static LabelClasses of(List<? extends RandomAccessibleInterval<? extends RealType<?>>> labels, LabelClasses wanted, String source) {
		TreeSet<Integer> present = new TreeSet<>();
		for (RandomAccessibleInterval<? extends RealType<?>> part : labels) present.addAll(present(part, source));
		if (present.isEmpty()) throw new IllegalArgumentException(String.format(EMPTY, source));
		if (wanted == null) return new LabelClasses(present.stream().mapToInt(Integer::intValue).toArray());
		for (int v : wanted.values)
			if (!present.contains(v)) throw new IllegalArgumentException(String.format(ABSENT, v, source, summary(present)));
		return wanted;
	}

	/** The non-zero values of a label volume, refusing values that are not whole numbers. */
	static TreeSet<Integer> present(RandomAccessibleInterval<? extends RealType<?>> labels, String source) {
		TreeSet<Integer> present = new TreeSet<>();
		for (RealType<?> t : Views.iterable(labels)) {
			double v = t.getRealDouble();
			if (v == 0) continue;
			if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) throw new IllegalArgumentException(String.format(Locale.ROOT, NOT_INTEGER, source, v));
			present.add((int) v);
		}
		return present;
	}

	private static String summary(TreeSet<Integer> present) {
		if (present.isEmpty()) return "no label";
		String all = present.stream().map(String::valueOf).collect(Collectors.joining(","));
		return present.size() <= 30 ? all : present.size() + " values from " + present.first() + " to " + present.last();
	}

	/** The class index of each voxel (values not learned: background), same dimensions. */
	public ArrayImg<FloatType, FloatArray> classIndices(RandomAccessibleInterval<? extends RealType<?>> labels) {
		ArrayImg<FloatType, FloatArray> out = ArrayImgs.floats(labels.dimensionsAsLongArray());
		float[] data = out.update(null).getCurrentStorageArray();
		int i = 0;
		for (RealType<?> t : Views.flatIterable(labels)) data[i++] = classOf(t.getRealDouble());
		return out;
	}

	int classOf(double value) {
		for (int k = 0; k < values.length; k++) if (values[k] == value) return k + 1;
		return 0;
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof LabelClasses l && Arrays.equals(values, l.values);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(values);
	}

	@Override
	public String toString() {
		return "labels " + text();
	}
}
