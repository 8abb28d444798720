package org.convkit.ct.denoise;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;

/**
 * PSNR and SSIM of a volume against a reference, with an explicit data range L.
 * <p>
 * PSNR = 10 log10(L^2 / MSE). SSIM is 3-D (Wang et al. 2004 extended to volumes): local means,
 * variances and covariance from a Gaussian window of sigma {@value #SSIM_SIGMA} voxels (truncated
 * at 3 sigma, normalised, mirrored at the borders), C1 = (0.01 L)^2, C2 = (0.03 L)^2, averaged over
 * every voxel. Population (biased) local statistics.
 */
public final class ImageQuality {

	public static final double SSIM_SIGMA = 1.5;

	private ImageQuality() {}

	public static double mse(RandomAccessibleInterval<? extends RealType<?>> reference, RandomAccessibleInterval<? extends RealType<?>> x) {
		float[] a = Volumes.values(reference), b = Volumes.values(x);
		if (a.length != b.length) throw new IllegalArgumentException("volumes differ in size: " + a.length + " and " + b.length + " voxels");
		double s = 0;
		for (int i = 0; i < a.length; i++) {
			double d = (double) a[i] - b[i];
			s += d * d;
		}
		return s / a.length;
	}

	public static double psnr(RandomAccessibleInterval<? extends RealType<?>> reference, RandomAccessibleInterval<? extends RealType<?>> x, double range) {
		return 10 * Math.log10(range * range / mse(reference, x));
	}

	/** max - min of the volume: the data range used for CT evaluation. */
	public static double range(RandomAccessibleInterval<? extends RealType<?>> volume) {
		float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
		for (float v : Volumes.values(volume)) {
			min = Math.min(min, v);
			max = Math.max(max, v);
		}
		return max - min;
	}

	public static double ssim(RandomAccessibleInterval<? extends RealType<?>> reference, RandomAccessibleInterval<? extends RealType<?>> x, double range) {
		int[] n = Volumes.dims(reference);
		float[] a = Volumes.values(reference), b = Volumes.values(x);
		if (a.length != b.length) throw new IllegalArgumentException("volumes differ in size: " + a.length + " and " + b.length + " voxels");
		int len = a.length;
		float[] aa = new float[len], bb = new float[len], ab = new float[len];
		for (int i = 0; i < len; i++) {
			aa[i] = a[i] * a[i];
			bb[i] = b[i] * b[i];
			ab[i] = a[i] * b[i];
		}
		float[] ma = smooth(a, n), mb = smooth(b, n), saa = smooth(aa, n), sbb = smooth(bb, n), sab = smooth(ab, n);
		double c1 = Math.pow(0.01 * range, 2), c2 = Math.pow(0.03 * range, 2), sum = 0;
		for (int i = 0; i < len; i++) {
			double mx = ma[i], my = mb[i];
			double vx = saa[i] - mx * mx, vy = sbb[i] - my * my, cxy = sab[i] - mx * my;
			sum += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
		}
		return sum / len;
	}

	private static float[] smooth(float[] v, int[] n) {
		return Volumes.data(Filters3d.gaussian(ArrayImgs.floats(v, n[0], n[1], n[2]), SSIM_SIGMA));
	}
}
