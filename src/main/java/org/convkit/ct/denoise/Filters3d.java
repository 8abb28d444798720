package org.convkit.ct.denoise;

import java.util.Arrays;
import java.util.stream.IntStream;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * The classical 3-D denoising baselines: a separable Gaussian filter (isotropic sigma in voxels,
 * kernel truncated at 3 sigma and normalised) and a cubic median filter (radius r: (2r+1)^3
 * voxels), both mirroring at the borders. Plain Java, parallel over slices.
 */
public final class Filters3d {

	private Filters3d() {}

	public static ArrayImg<FloatType, FloatArray> gaussian(RandomAccessibleInterval<? extends RealType<?>> volume, double sigma) {
		if (!(sigma > 0)) throw new IllegalArgumentException("sigma: expected > 0, got " + sigma);
		int[] n = Volumes.dims(volume);
		int r = Math.max(1, (int) Math.ceil(3 * sigma));
		float[] k = new float[2 * r + 1];
		double sum = 0;
		for (int i = -r; i <= r; i++) sum += k[i + r] = (float) Math.exp(-0.5 * i * i / (sigma * sigma));
		for (int i = 0; i < k.length; i++) k[i] /= (float) sum;
		float[] a = Volumes.values(volume).clone(), b = new float[a.length];
		int[] strides = {1, n[0], n[0] * n[1]};
		for (int axis = 0; axis < 3; axis++) {
			final int len = n[axis], stride = strides[axis], ax = axis;
			float[] src = a, dst = b;
			IntStream.range(0, n[2]).parallel().forEach(z -> {
				for (int y = 0; y < n[1]; y++) {
					for (int x = 0; x < n[0]; x++) {
						int[] c = {x, y, z};
						int pos = c[ax], base = (z * n[1] + y) * n[0] + x - pos * stride;
						double v = 0;
						for (int i = -r; i <= r; i++) v += k[i + r] * src[base + Volumes.mirror(pos + i, len) * stride];
						dst[base + pos * stride] = (float) v;
					}
				}
			});
			a = dst;
			b = src;
		}
		return ArrayImgs.floats(a, n[0], n[1], n[2]);
	}

	public static ArrayImg<FloatType, FloatArray> median(RandomAccessibleInterval<? extends RealType<?>> volume, int radius) {
		if (radius < 1) throw new IllegalArgumentException("radius: expected at least 1, got " + radius);
		int[] n = Volumes.dims(volume);
		float[] src = Volumes.values(volume), dst = new float[src.length];
		int w = 2 * radius + 1, size = w * w * w;
		IntStream.range(0, n[2]).parallel().forEach(z -> {
			float[] window = new float[size];
			for (int y = 0; y < n[1]; y++) {
				for (int x = 0; x < n[0]; x++) {
					int i = 0;
					for (int dz = -radius; dz <= radius; dz++) {
						int zz = Volumes.mirror(z + dz, n[2]);
						for (int dy = -radius; dy <= radius; dy++) {
							int row = (zz * n[1] + Volumes.mirror(y + dy, n[1])) * n[0];
							for (int dx = -radius; dx <= radius; dx++) window[i++] = src[row + Volumes.mirror(x + dx, n[0])];
						}
					}
					dst[(z * n[1] + y) * n[0] + x] = select(window, size / 2);
				}
			}
		});
		return ArrayImgs.floats(dst, n[0], n[1], n[2]);
	}

	/** The k-th smallest value (quickselect; reorders {@code a}). */
	static float select(float[] a, int k) {
		int lo = 0, hi = a.length - 1;
		while (hi > lo) {
			float pivot = a[(lo + hi) >>> 1];
			int i = lo, j = hi;
			while (i <= j) {
				while (a[i] < pivot) i++;
				while (a[j] > pivot) j--;
				if (i <= j) {
					float t = a[i];
					a[i++] = a[j];
					a[j--] = t;
				}
			}
			if (k <= j) hi = j;
			else if (k >= i) lo = i;
			else return a[k];
		}
		return a[k];
	}

	static float[] sorted(float[] a) {
		float[] c = a.clone();
		Arrays.sort(c);
		return c;
	}
}
