package org.convkit.ct.denoise;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

/**
 * Estimates the standard deviation of voxel-wise independent noise from the noisy volume alone:
 * Immerkaer's (1996) 3x3 mask {@code [1 -2 1; -2 4 -2; 1 -2 1]} (blind to planes and linear ramps;
 * on white noise of sigma its response has standard deviation 6 sigma) applied in every x-y slice,
 * made robust to edges by taking the median absolute response: sigma = 1.4826 median|r| / 6.
 */
public final class NoiseLevel {

	private NoiseLevel() {}

	public static double estimate(RandomAccessibleInterval<? extends RealType<?>> volume) {
		int[] n = Volumes.dims(volume);
		float[] v = Volumes.values(volume);
		if (n[0] < 3 || n[1] < 3) throw new IllegalArgumentException("volume: at least 3 x 3 voxels per slice are needed to estimate the noise");
		float[] r = new float[(n[0] - 2) * (n[1] - 2) * n[2]];
		int k = 0;
		for (int z = 0; z < n[2]; z++)
			for (int y = 1; y < n[1] - 1; y++)
				for (int x = 1; x < n[0] - 1; x++) {
					int c = (z * n[1] + y) * n[0] + x, up = c - n[0], down = c + n[0];
					double s = v[up - 1] - 2 * v[up] + v[up + 1] - 2 * v[c - 1] + 4 * v[c] - 2 * v[c + 1] + v[down - 1] - 2 * v[down] + v[down + 1];
					r[k++] = (float) Math.abs(s);
				}
		return 1.4826 * Filters3d.select(r, r.length / 2) / 6;
	}
}
