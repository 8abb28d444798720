package org.convkit.ct.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * How a series' slices lie: sorted along the slice normal (the cross product of
 * ImageOrientationPatient's row and column directions) by ImagePositionPatient projected on it, never
 * by file name or InstanceNumber; the gaps between neighbours along the normal; and each slice's
 * in-plane offset from the first (zero for an ordinary series; growing with the distance for a
 * gantry-tilted one, whose slice origins walk sideways).
 *
 * @param slices    the slices in order along the normal
 * @param row       unit row direction (along a row: x), LPS
 * @param column    unit column direction (down a column: y), LPS
 * @param normal    row x column
 * @param positions each slice's position along the normal, mm, relative to the first
 * @param rowOffset each slice origin's offset from the first along the row direction, mm
 * @param colOffset the same along the column direction, mm
 */
public record SliceLayout(List<DicomSlice> slices, double[] row, double[] column, double[] normal, double[] positions,
	double[] rowOffset, double[] colOffset) {

	/** A gap this many times larger than its neighbours (and the slice thickness) means missing slices. */
	public static final double MISSING_FACTOR = 1.9;

	/**
	 * Sorts and checks slices of one series: one size, one orientation, one pixel spacing, no two at
	 * one position, no missing slices.
	 *
	 * @param where the folder, for messages
	 */
	public static SliceLayout of(String where, List<DicomSlice> unsorted) throws IOException {
		if (unsorted.isEmpty()) throw new IOException(where + ": no image slices");
		DicomSlice first = unsorted.get(0);
		for (DicomSlice s : unsorted) {
			String name = s.file().getFileName().toString();
			if (s.position() == null) throw new IOException(name + ": no ImagePositionPatient (0020,0032); cannot place the slice in a volume");
			if (s.orientation() == null) throw new IOException(name + ": no ImageOrientationPatient (0020,0037); cannot place the slice in a volume");
			if (s.rows() != first.rows() || s.columns() != first.columns()) {
				throw new IOException(String.format(Locale.ROOT, "%s: slices differ in size: %s is %dx%d, %s is %dx%d (columns x rows)", where,
					first.file().getFileName(), first.columns(), first.rows(), name, s.columns(), s.rows()));
			}
			if (!close(s.orientation(), first.orientation(), 1e-4)) {
				throw new IOException(where + ": slices differ in orientation: " + first.file().getFileName() + " has ImageOrientationPatient "
					+ Arrays.toString(first.orientation()) + ", " + name + " has " + Arrays.toString(s.orientation()));
			}
			if (!close(spacing(s), spacing(first), 1e-4 * Math.max(1, spacing(first)[0]))) {
				throw new IOException(where + ": slices differ in PixelSpacing: " + first.file().getFileName() + " has " + Arrays.toString(spacing(first))
					+ ", " + name + " has " + Arrays.toString(spacing(s)));
			}
		}
		double[] o = first.orientation();
		double[] row = unit(new double[] {o[0], o[1], o[2]}, first), col = unit(new double[] {o[3], o[4], o[5]}, first);
		if (Math.abs(dot(row, col)) > 1e-3) {
			throw new IOException(first.file().getFileName() + ": ImageOrientationPatient " + Arrays.toString(o) + " has row and column directions not at right angles");
		}
		double[] normal = cross(row, col);
		List<DicomSlice> slices = new ArrayList<>(unsorted);
		slices.sort(Comparator.comparingDouble((DicomSlice s) -> dot(normal, s.position())).thenComparing(s -> s.file().getFileName().toString()));
		int n = slices.size();
		double[] positions = new double[n], rowOffset = new double[n], colOffset = new double[n];
		double[] p0 = slices.get(0).position();
		for (int k = 0; k < n; k++) {
			double[] d = minus(slices.get(k).position(), p0);
			positions[k] = dot(normal, d);
			rowOffset[k] = dot(row, d);
			colOffset[k] = dot(col, d);
		}
		SliceLayout layout = new SliceLayout(List.copyOf(slices), row, col, normal, positions, rowOffset, colOffset);
		layout.checkGaps(where);
		return layout;
	}

	private void checkGaps(String where) throws IOException {
		int n = slices.size();
		if (n < 2) return;
		double[] gaps = gaps();
		double median = median(gaps);
		for (int k = 0; k < gaps.length; k++) {
			if (gaps[k] < Math.max(1e-3, 1e-3 * median)) {
				throw new IOException(String.format(Locale.ROOT, "%s: %s and %s lie at the same position along the slice normal (%.3f mm): "
					+ "the folder may hold two acquisitions of one series; move one into another folder", where, name(k), name(k + 1), positions[k]));
			}
		}
		for (int k = 0; k < gaps.length; k++) {
			double reference = Math.min(slices.get(k).sliceThickness(), slices.get(k + 1).sliceThickness());
			if (k > 0) reference = Math.max(reference, gaps[k - 1]);
			if (k + 1 < gaps.length) reference = Math.max(reference, gaps[k + 1]);
			if (reference > 0 && gaps[k] > MISSING_FACTOR * reference) {
				throw new IOException(String.format(Locale.ROOT, "%s: missing slices? the gap between %s and %s is %.3f mm, its neighbours' %.3f mm "
					+ "or less (slice thickness %.3f mm); add the missing files or open the parts as separate folders", where, name(k), name(k + 1), gaps[k],
					Math.max(k > 0 ? gaps[k - 1] : 0, k + 1 < gaps.length ? gaps[k + 1] : 0), slices.get(k).sliceThickness()));
			}
		}
	}

	private String name(int k) {
		return slices.get(k).file().getFileName().toString();
	}

	/** The distances between neighbouring slices along the normal, mm. */
	public double[] gaps() {
		double[] g = new double[Math.max(0, positions.length - 1)];
		for (int k = 0; k < g.length; k++) g[k] = positions[k + 1] - positions[k];
		return g;
	}

	/** Whether every gap equals the mean within 1% of it (and 0.01 mm). */
	public boolean uniform() {
		double[] g = gaps();
		if (g.length < 2) return true;
		double mean = (positions[positions.length - 1] - positions[0]) / g.length;
		for (double x : g) if (Math.abs(x - mean) > Math.max(0.01, 0.01 * mean)) return false;
		return true;
	}

	/** The largest in-plane offset of a slice origin from the first, mm (0 unless the gantry was tilted). */
	public double maxOffset() {
		double m = 0;
		for (int k = 0; k < positions.length; k++) m = Math.max(m, Math.hypot(rowOffset[k], colOffset[k]));
		return m;
	}

	/**
	 * The gantry tilt seen in the positions, degrees: the angle between the slice normal and the line
	 * through the first and last slice origins (0 for a stack along its normal).
	 */
	public double tiltDegrees() {
		int last = positions.length - 1;
		if (last < 1) return 0;
		return Math.toDegrees(Math.atan2(Math.hypot(rowOffset[last], colOffset[last]), positions[last]));
	}

	/** Pixel spacing as (x, y): between columns, then between rows, mm. */
	public double[] pixelSize() {
		double[] s = spacing(slices.get(0));
		return new double[] {s[1], s[0]};
	}

	private static double[] spacing(DicomSlice s) {
		return s.pixelSpacing() == null ? new double[] {1, 1} : s.pixelSpacing();
	}

	static double median(double[] values) {
		double[] v = values.clone();
		Arrays.sort(v);
		return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
	}

	private static boolean close(double[] a, double[] b, double tolerance) {
		for (int i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > tolerance) return false;
		return true;
	}

	private static double[] unit(double[] v, DicomSlice s) throws IOException {
		double n = Math.sqrt(dot(v, v));
		if (!(n > 0.5 && n < 1.5)) throw new IOException(s.file().getFileName() + ": ImageOrientationPatient " + Arrays.toString(s.orientation()) + " is not two unit vectors");
		return new double[] {v[0] / n, v[1] / n, v[2] / n};
	}

	static double dot(double[] a, double[] b) {
		return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
	}

	static double[] cross(double[] a, double[] b) {
		return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
	}

	private static double[] minus(double[] a, double[] b) {
		return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
	}
}
