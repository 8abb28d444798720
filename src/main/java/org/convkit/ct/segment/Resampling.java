package org.convkit.ct.segment;

import java.util.Locale;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * Volumes {@code (x, y, z[, c])} onto another voxel spacing with the same origin (the centre of the
 * first voxel stays where it is, as in NIfTI and DICOM): voxel {@code i} of the new grid lies at
 * {@code i * newSpacing / spacing} of the old one. Linear (trilinear, per channel) for intensities and
 * probabilities, nearest for labels. The new grid covers the old extent: {@code floor((n - 1) *
 * spacing / newSpacing) + 1} voxels per axis.
 */
public final class Resampling {

	/** Spacings closer than this (relative) count as equal: nothing is resampled. */
	public static final double TOLERANCE = 0.01;

	private Resampling() {}

	/** Whether the two spacings differ by more than {@link #TOLERANCE} on some axis. */
	public static boolean needed(double[] spacing, double[] newSpacing) {
		for (int d = 0; d < 3; d++) if (Math.abs(spacing[d] - newSpacing[d]) > TOLERANCE * newSpacing[d]) return true;
		return false;
	}

	/** The grid size along each spatial axis after resampling. */
	public static long[] size(long[] dims, double[] spacing, double[] newSpacing) {
		long[] out = dims.clone();
		for (int d = 0; d < 3; d++) out[d] = (long) Math.floor((dims[d] - 1) * spacing[d] / newSpacing[d] + 1e-9) + 1;
		return out;
	}

	/** Trilinear resampling of every channel onto {@code newSpacing}. */
	public static ArrayImg<FloatType, FloatArray> linear(RandomAccessibleInterval<? extends RealType<?>> volume, double[] spacing, double[] newSpacing) {
		long[] dims = size(volume.dimensionsAsLongArray(), spacing, newSpacing);
		return linear(volume, dims, scale(spacing, newSpacing));
	}

	/** Nearest-neighbour resampling (labels) onto {@code newSpacing}. */
	public static ArrayImg<FloatType, FloatArray> nearest(RandomAccessibleInterval<? extends RealType<?>> volume, double[] spacing, double[] newSpacing) {
		long[] dims = size(volume.dimensionsAsLongArray(), spacing, newSpacing);
		double[] f = scale(spacing, newSpacing);
		ArrayImg<FloatType, FloatArray> out = ArrayImgs.floats(dims);
		RandomAccess<? extends RealType<?>> in = Views.extendBorder(volume).randomAccess();
		long[] pos = new long[dims.length];
		int i = 0;
		float[] data = out.update(null).getCurrentStorageArray();
		long channels = dims.length > 3 ? dims[3] : 1;
		for (long c = 0; c < channels; c++)
			for (long z = 0; z < dims[2]; z++)
				for (long y = 0; y < dims[1]; y++)
					for (long x = 0; x < dims[0]; x++) {
						pos[0] = Math.round(x * f[0]);
						pos[1] = Math.round(y * f[1]);
						pos[2] = Math.round(z * f[2]);
						if (pos.length > 3) pos[3] = c;
						in.setPosition(pos);
						data[i++] = in.get().getRealFloat();
					}
		return out;
	}

	/**
	 * Trilinear resampling onto a grid of {@code dims} where new voxel {@code i} lies at {@code i *
	 * factor} of the old grid (per axis); clamped at the borders.
	 */
	public static ArrayImg<FloatType, FloatArray> linear(RandomAccessibleInterval<? extends RealType<?>> volume, long[] dims, double[] factor) {
		if (volume.numDimensions() != dims.length || (dims.length != 3 && dims.length != 4))
			throw new IllegalArgumentException(String.format(Locale.ROOT, "volume: expected (x, y, z[, c]) with %d dimensions, got %d", dims.length,
				volume.numDimensions()));
		ArrayImg<FloatType, FloatArray> out = ArrayImgs.floats(dims);
		float[] data = out.update(null).getCurrentStorageArray();
		RandomAccess<? extends RealType<?>> in = Views.extendBorder(volume).randomAccess();
		Axis ax = new Axis(dims[0], factor[0], volume.dimension(0)), ay = new Axis(dims[1], factor[1], volume.dimension(1)),
			az = new Axis(dims[2], factor[2], volume.dimension(2));
		long channels = dims.length > 3 ? dims[3] : 1;
		long[] pos = new long[dims.length];
		int i = 0;
		for (long c = 0; c < channels; c++) {
			if (pos.length > 3) pos[3] = c;
			for (int z = 0; z < dims[2]; z++)
				for (int y = 0; y < dims[1]; y++)
					for (int x = 0; x < dims[0]; x++) {
						double v = 0;
						for (int k = 0; k < 8; k++) {
							int bx = k & 1, by = (k >> 1) & 1, bz = k >> 2;
							double w = ax.weight(x, bx) * ay.weight(y, by) * az.weight(z, bz);
							if (w == 0) continue;
							pos[0] = ax.index(x, bx);
							pos[1] = ay.index(y, by);
							pos[2] = az.index(z, bz);
							in.setPosition(pos);
							v += w * in.get().getRealDouble();
						}
						data[i++] = (float) v;
					}
		}
		return out;
	}

	private static double[] scale(double[] spacing, double[] newSpacing) {
		return new double[] {newSpacing[0] / spacing[0], newSpacing[1] / spacing[1], newSpacing[2] / spacing[2]};
	}

	/** Per new index along one axis: the old index below and the weight of the one above. */
	private static final class Axis {
		final long[] low;
		final double[] frac;

		Axis(long n, double factor, long old) {
			low = new long[(int) n];
			frac = new double[(int) n];
			for (int i = 0; i < n; i++) {
				double p = Math.min(i * factor, old - 1);
				low[i] = (long) Math.floor(p);
				frac[i] = p - low[i];
			}
		}

		double weight(int i, int upper) {
			return upper == 1 ? frac[i] : 1 - frac[i];
		}

		long index(int i, int upper) {
			return low[i] + upper;
		}
	}
}
