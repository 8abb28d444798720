package org.convkit.ct.segment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.convkit.ct.SliceRanges;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * A segmentation against a reference, per label: Dice, the 95th-percentile Hausdorff distance in mm
 * and the volumes in mL.
 * <p>
 * HD95 as MedPy and the Medical Segmentation Decathlon compute it: the surface of a mask is its
 * voxels with a 6-neighbour outside it (the volume's border counts as outside); the distances from
 * each surface voxel of one mask to the nearest surface voxel of the other, in both directions, are
 * pooled and their 95th percentile taken (exact Euclidean distances with the voxel spacing).
 */
public final class SegmentationMetrics {

	/**
	 * One label. {@code dice}: 2|A and B| / (|A| + |B|), NaN when the label is in neither;
	 * {@code hd95}: NaN when either mask is empty.
	 */
	public record Label(int value, double dice, double hd95, double predictedMl, double referenceMl) {
		/** Predicted minus reference volume, mL. */
		public double volumeDifferenceMl() {
			return predictedMl - referenceMl;
		}
	}

	private SegmentationMetrics() {}

	/**
	 * @param prediction label values, (x, y, z)
	 * @param reference label values, the same dimensions
	 * @param spacing voxel spacing (x, y, z), mm
	 * @param values the labels to score
	 */
	public static List<Label> compare(RandomAccessibleInterval<? extends RealType<?>> prediction, RandomAccessibleInterval<? extends RealType<?>> reference,
		double[] spacing, int[] values)
	{
		return compare(prediction, reference, spacing, values, null);
	}

	/**
	 * The same on some slices only ({@code scored}; null: all): the other slices count as background
	 * in both, so a mask ends at a range's end as it does at the volume's border.
	 */
	public static List<Label> compare(RandomAccessibleInterval<? extends RealType<?>> prediction, RandomAccessibleInterval<? extends RealType<?>> reference,
		double[] spacing, int[] values, SliceRanges scored)
	{
		if (!Arrays.equals(prediction.dimensionsAsLongArray(), reference.dimensionsAsLongArray()) || prediction.numDimensions() != 3)
			throw new IllegalArgumentException("reference: expected a label volume of the prediction's size " + Arrays.toString(prediction.dimensionsAsLongArray())
				+ ", got " + Arrays.toString(reference.dimensionsAsLongArray()));
		int nx = Math.toIntExact(prediction.dimension(0)), ny = Math.toIntExact(prediction.dimension(1)), nz = Math.toIntExact(prediction.dimension(2));
		float[] p = flat(prediction), r = flat(reference);
		if (scored != null)
			for (int z = 0; z < nz; z++)
				if (!scored.contains(z)) {
					Arrays.fill(p, z * nx * ny, (z + 1) * nx * ny, 0);
					Arrays.fill(r, z * nx * ny, (z + 1) * nx * ny, 0);
				}
		List<Label> out = new ArrayList<>();
		for (int value : values) {
			boolean[] a = mask(p, value), b = mask(r, value);
			long na = count(a), nb = count(b), both = 0;
			for (int i = 0; i < a.length; i++) if (a[i] && b[i]) both++;
			double dice = na + nb == 0 ? Double.NaN : 2.0 * both / (na + nb);
			double hd95 = na == 0 || nb == 0 ? Double.NaN : hd95(a, b, nx, ny, nz, spacing);
			out.add(new Label(value, dice, hd95, LabelStatistics.millilitres(na, spacing), LabelStatistics.millilitres(nb, spacing)));
		}
		return out;
	}

	static double hd95(boolean[] a, boolean[] b, int nx, int ny, int nz, double[] spacing) {
		boolean[] sa = surface(a, nx, ny, nz), sb = surface(b, nx, ny, nz);
		double[] toB = DistanceTransform.squared(sb, nx, ny, nz, spacing), toA = DistanceTransform.squared(sa, nx, ny, nz, spacing);
		int n = (int) (count(sa) + count(sb)), k = 0;
		double[] distances = new double[n];
		for (int i = 0; i < sa.length; i++) {
			if (sa[i]) distances[k++] = Math.sqrt(toB[i]);
			if (sb[i]) distances[k++] = Math.sqrt(toA[i]);
		}
		Arrays.sort(distances);
		return percentile(distances, 95);
	}

	/** Linear interpolation between order statistics (NumPy's default). */
	static double percentile(double[] sorted, double q) {
		double at = q / 100 * (sorted.length - 1);
		int low = (int) Math.floor(at), high = Math.min(low + 1, sorted.length - 1);
		return sorted[low] + (at - low) * (sorted[high] - sorted[low]);
	}

	static boolean[] surface(boolean[] m, int nx, int ny, int nz) {
		boolean[] s = new boolean[m.length];
		for (int z = 0; z < nz; z++)
			for (int y = 0; y < ny; y++)
				for (int x = 0; x < nx; x++) {
					int i = (z * ny + y) * nx + x;
					if (!m[i]) continue;
					s[i] = x == 0 || y == 0 || z == 0 || x == nx - 1 || y == ny - 1 || z == nz - 1 || !m[i - 1] || !m[i + 1] || !m[i - nx] || !m[i + nx]
						|| !m[i - nx * ny] || !m[i + nx * ny];
				}
		return s;
	}

	static float[] flat(RandomAccessibleInterval<? extends RealType<?>> v) {
		float[] out = new float[Math.toIntExact(Views.iterable(v).size())];
		int i = 0;
		for (RealType<?> t : Views.flatIterable(v)) out[i++] = t.getRealFloat();
		return out;
	}

	private static boolean[] mask(float[] labels, int value) {
		boolean[] m = new boolean[labels.length];
		for (int i = 0; i < m.length; i++) m[i] = labels[i] == value;
		return m;
	}

	private static long count(boolean[] m) {
		long n = 0;
		for (boolean b : m) if (b) n++;
		return n;
	}
}
