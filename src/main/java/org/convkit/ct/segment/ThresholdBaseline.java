package org.convkit.ct.segment;

import java.util.Arrays;

/**
 * The simple baseline a segmenter is compared with: per label, a HU window learned from the
 * labelled voxels (their 5th to 95th percentile) and the largest 6-connected component of the
 * voxels inside it. Labels are placed in the given order; a voxel keeps the first label it gets.
 */
public final class ThresholdBaseline {

	private ThresholdBaseline() {}

	/**
	 * @param image values, (z, y, x) row-major
	 * @param labels reference label values, the same layout
	 * @param learn which voxels' labels may be used to learn the windows (the training slabs)
	 * @param values the labels to segment
	 * @return label values per voxel
	 */
	public static float[] segment(float[] image, float[] labels, boolean[] learn, int nx, int ny, int nz, int[] values) {
		float[] out = new float[image.length];
		for (int value : values) {
			double[] window = window(image, labels, learn, value);
			if (window == null) continue;
			boolean[] inside = new boolean[image.length];
			for (int i = 0; i < image.length; i++) inside[i] = out[i] == 0 && image[i] >= window[0] && image[i] <= window[1];
			boolean[] largest = LargestComponent.of(inside, nx, ny, nz);
			for (int i = 0; i < out.length; i++) if (largest[i]) out[i] = value;
		}
		return out;
	}

	/** The 5th and 95th percentile of the label's values among the learnable voxels; null when it has none. */
	static double[] window(float[] image, float[] labels, boolean[] learn, int value) {
		int n = 0;
		for (int i = 0; i < image.length; i++) if (learn[i] && labels[i] == value) n++;
		if (n == 0) return null;
		float[] v = new float[n];
		n = 0;
		for (int i = 0; i < image.length; i++) if (learn[i] && labels[i] == value) v[n++] = image[i];
		Arrays.sort(v);
		return new double[] {v[(int) (0.05 * (n - 1))], v[(int) Math.ceil(0.95 * (n - 1))]};
	}
}
