package org.convkit.ct.segment;

/**
 * Keeping the largest 6-connected component: of a mask (the threshold baseline), or per label of a
 * segmentation (Segment Volume, for the labels that are one piece in the training labels). An organ or a large vessel is one connected structure, so every smaller piece
 * predicted for its label is a false positive away from it (nnU-Net applies the same post-processing
 * where it does not lower the cross-validated Dice).
 */
public final class LargestComponent {

	private LargestComponent() {}

	/** Voxels of {@code value} in its largest component over all its voxels (NaN: none), in a label array (z, y, x). */
	public static double fraction(float[] labels, int nx, int ny, int nz, int value) {
		boolean[] mask = new boolean[labels.length];
		int n = 0, kept = 0;
		for (int i = 0; i < labels.length; i++) if (mask[i] = labels[i] == value) n++;
		for (boolean b : of(mask, nx, ny, nz)) if (b) kept++;
		return n == 0 ? Double.NaN : kept / (double) n;
	}

	/**
	 * Per label value: its largest component kept, its other voxels set to background (0).
	 *
	 * @param labels label values, (z, y, x) row-major
	 * @return a new array
	 */
	public static float[] perLabel(float[] labels, int nx, int ny, int nz, int[] values) {
		float[] out = new float[labels.length];
		for (int value : values) {
			boolean[] mask = new boolean[labels.length];
			for (int i = 0; i < labels.length; i++) mask[i] = labels[i] == value;
			boolean[] largest = of(mask, nx, ny, nz);
			for (int i = 0; i < out.length; i++) if (largest[i]) out[i] = value;
		}
		return out;
	}

	/** The largest 6-connected component of a mask (first found on ties). */
	static boolean[] of(boolean[] mask, int nx, int ny, int nz) {
		int[] component = new int[mask.length];
		int[] queue = new int[mask.length];
		int label = 0, best = 0, bestSize = 0;
		for (int start = 0; start < mask.length; start++) {
			if (!mask[start] || component[start] != 0) continue;
			label++;
			int head = 0, tail = 0;
			queue[tail++] = start;
			component[start] = label;
			while (head < tail) {
				int i = queue[head++], x = i % nx, y = i / nx % ny, z = i / (nx * ny);
				int[] neighbours = {x > 0 ? i - 1 : -1, x < nx - 1 ? i + 1 : -1, y > 0 ? i - nx : -1, y < ny - 1 ? i + nx : -1, z > 0 ? i - nx * ny : -1,
					z < nz - 1 ? i + nx * ny : -1};
				for (int j : neighbours) {
					if (j >= 0 && mask[j] && component[j] == 0) {
						component[j] = label;
						queue[tail++] = j;
					}
				}
			}
			if (tail > bestSize) {
				bestSize = tail;
				best = label;
			}
		}
		boolean[] out = new boolean[mask.length];
		for (int i = 0; i < mask.length; i++) out[i] = best != 0 && component[i] == best;
		return out;
	}
}
