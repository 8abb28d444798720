package org.convkit.ct;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where a volume's voxel grid lies in the patient, in DICOM's patient coordinates <b>LPS</b>
 * (x to the patient's Left, y to Posterior, z to Superior (head), in mm): the physical position of
 * voxel (i, j, k) is {@code origin + D * diag(spacing) * (i, j, k)}. Column a of the direction
 * matrix D is the unit vector along voxel axis a (for DICOM: the row direction, the column direction
 * and the slice normal).
 *
 * <p>LPS is DICOM's own frame, so DICOM geometry is taken as it is; NIfTI's qform and sform are
 * RAS (x to the patient's Right, y Anterior, z Superior) and are converted at the file boundary by
 * negating the first two rows ({@link #fromRasAffine}, {@link #rasAffine}). Nothing else in ConvKit
 * uses RAS.
 *
 * @param spacing   voxel size along the three axes, mm, each positive
 * @param origin    position of voxel (0, 0, 0)'s centre, mm, LPS
 * @param direction 3x3 direction cosines, row-major: {@code direction[3 * row + axis]}
 */
public record VolumeGeometry(double[] spacing, double[] origin, double[] direction) {

	/** The patient coordinate system of every ConvKit geometry. */
	public static final String COORDINATES = "LPS";

	public VolumeGeometry {
		if (spacing.length != 3 || origin.length != 3 || direction.length != 9) {
			throw new IllegalArgumentException("expected 3 spacings, 3 origin coordinates and 9 direction cosines, got "
				+ spacing.length + ", " + origin.length + " and " + direction.length);
		}
		for (double s : spacing) {
			if (!(s > 0 && Double.isFinite(s))) throw new IllegalArgumentException("voxel spacing must be positive and finite, got " + Arrays.toString(spacing));
		}
		for (double v : origin) if (!Double.isFinite(v)) throw new IllegalArgumentException("origin must be finite, got " + Arrays.toString(origin));
		for (double v : direction) if (!Double.isFinite(v)) throw new IllegalArgumentException("direction cosines must be finite, got " + Arrays.toString(direction));
		spacing = spacing.clone();
		origin = origin.clone();
		direction = direction.clone();
		// -0.0 (from negating a zero between LPS and RAS) becomes 0.0, so equals compares positions
		for (int i = 0; i < 3; i++) origin[i] += 0.0;
		for (int i = 0; i < 9; i++) direction[i] += 0.0;
	}

	/** Axis-aligned grid: identity directions (x = L, y = P, z = S). */
	public static VolumeGeometry aligned(double[] spacing, double[] origin) {
		return new VolumeGeometry(spacing, origin, new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1});
	}

	@Override
	public double[] spacing() {
		return spacing.clone();
	}

	@Override
	public double[] origin() {
		return origin.clone();
	}

	@Override
	public double[] direction() {
		return direction.clone();
	}

	public double spacing(int axis) {
		return spacing[axis];
	}

	/** The unit vector of voxel axis {@code axis} (0, 1, 2), LPS. */
	public double[] axis(int axis) {
		return new double[] {direction[axis], direction[3 + axis], direction[6 + axis]};
	}

	/** Physical position (mm, LPS) of a (possibly fractional) voxel index. */
	public double[] position(double i, double j, double k) {
		double[] p = new double[3];
		for (int r = 0; r < 3; r++) {
			p[r] = origin[r] + direction[3 * r] * spacing[0] * i + direction[3 * r + 1] * spacing[1] * j + direction[3 * r + 2] * spacing[2] * k;
		}
		return p;
	}

	/** Whether D is a rotation or a reflection (columns of unit length, at right angles) within {@code tolerance}. */
	public boolean orthonormal(double tolerance) {
		for (int a = 0; a < 3; a++) {
			for (int b = a; b < 3; b++) {
				double dot = 0;
				for (int r = 0; r < 3; r++) dot += direction[3 * r + a] * direction[3 * r + b];
				if (Math.abs(dot - (a == b ? 1 : 0)) > tolerance) return false;
			}
		}
		return true;
	}

	/**
	 * The 3x4 affine (row-major, voxel index to mm) in RAS, as NIfTI's sform stores it: LPS with x
	 * and y negated.
	 */
	public double[] rasAffine() {
		double[] m = new double[12];
		for (int r = 0; r < 3; r++) {
			double sign = r < 2 ? -1 : 1;
			for (int a = 0; a < 3; a++) m[4 * r + a] = sign * direction[3 * r + a] * spacing[a];
			m[4 * r + 3] = sign * origin[r];
		}
		return m;
	}

	/**
	 * A geometry from a 3x4 RAS affine (row-major): spacing from the columns' lengths, directions the
	 * normalised columns, converted to LPS.
	 *
	 * @throws IllegalArgumentException when a column is zero or not finite
	 */
	public static VolumeGeometry fromRasAffine(double[] m) {
		double[] spacing = new double[3], origin = new double[3], direction = new double[9];
		for (int a = 0; a < 3; a++) {
			double norm = Math.sqrt(m[a] * m[a] + m[4 + a] * m[4 + a] + m[8 + a] * m[8 + a]);
			if (!(norm > 0 && Double.isFinite(norm))) throw new IllegalArgumentException("affine column " + a + " has length " + norm + "; expected a positive voxel size");
			spacing[a] = norm;
			for (int r = 0; r < 3; r++) direction[3 * r + a] = (r < 2 ? -1 : 1) * m[4 * r + a] / norm;
		}
		for (int r = 0; r < 3; r++) origin[r] = (r < 2 ? -1 : 1) * m[4 * r + 3];
		return new VolumeGeometry(spacing, origin, direction);
	}

	public VolumeGeometry withSpacing(double[] newSpacing) {
		return new VolumeGeometry(newSpacing, origin, direction);
	}

	/** Whether both describe the same grid within {@code tolerance} (mm for spacing and origin, cosines otherwise). */
	public boolean approximatelyEquals(VolumeGeometry other, double tolerance) {
		return close(spacing, other.spacing, tolerance) && close(origin, other.origin, tolerance) && close(direction, other.direction, tolerance);
	}

	private static boolean close(double[] a, double[] b, double tolerance) {
		for (int i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > tolerance) return false;
		return true;
	}

	/** Text that {@link #parse} reads back exactly: {@code spacing=a,b,c origin=x,y,z direction=d0,...,d8}. */
	public String format() {
		return "spacing=" + join(spacing) + " origin=" + join(origin) + " direction=" + join(direction);
	}

	/** Reads {@link #format()}'s text. @throws IllegalArgumentException when it is not such text */
	public static VolumeGeometry parse(String text) {
		double[] spacing = null, origin = null, direction = null;
		for (String part : text.strip().split("\\s+")) {
			int eq = part.indexOf('=');
			if (eq < 0) throw new IllegalArgumentException("expected key=values in the geometry '" + text + "'");
			double[] values = Arrays.stream(part.substring(eq + 1).split(",")).mapToDouble(Double::parseDouble).toArray();
			switch (part.substring(0, eq)) {
				case "spacing" -> spacing = values;
				case "origin" -> origin = values;
				case "direction" -> direction = values;
				default -> throw new IllegalArgumentException("unknown key '" + part.substring(0, eq) + "' in the geometry '" + text + "'");
			}
		}
		if (spacing == null || origin == null || direction == null) throw new IllegalArgumentException("expected spacing, origin and direction in the geometry '" + text + "'");
		return new VolumeGeometry(spacing, origin, direction);
	}

	private static String join(double[] values) {
		StringBuilder s = new StringBuilder();
		for (double v : values) s.append(s.length() == 0 ? "" : ",").append(v == 0 ? "0" : Double.toString(v));
		return s.toString();
	}

	/** The geometry in words, for logs and image info: spacing, origin and axes in LPS. */
	public String describe() {
		return String.format(Locale.ROOT, "spacing %s mm, origin (%s) mm %s, axes %s", fmt(spacing, " x "), fmt(origin, ", "), COORDINATES,
			axisText());
	}

	private String axisText() {
		StringBuilder s = new StringBuilder();
		for (int a = 0; a < 3; a++) s.append(a == 0 ? "" : " ").append('(').append(fmt(axis(a), ", ")).append(')');
		return s.toString();
	}

	private static String fmt(double[] values, String separator) {
		StringBuilder s = new StringBuilder();
		for (int i = 0; i < values.length; i++) {
			s.append(i == 0 ? "" : separator).append(String.format(Locale.ROOT, "%.6g", values[i] == 0 ? 0 : values[i]).replaceAll("\\.?0+(?=$|e)", ""));
		}
		return s.toString();
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof VolumeGeometry g && Arrays.equals(spacing, g.spacing) && Arrays.equals(origin, g.origin) && Arrays.equals(direction, g.direction);
	}

	@Override
	public int hashCode() {
		return 31 * (31 * Arrays.hashCode(spacing) + Arrays.hashCode(origin)) + Arrays.hashCode(direction);
	}

	@Override
	public String toString() {
		return describe();
	}
}
