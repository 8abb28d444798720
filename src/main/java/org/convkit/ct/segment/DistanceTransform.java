package org.convkit.ct.segment;

/**
 * Exact Euclidean distance transform of a 3-D mask with anisotropic voxels (Felzenszwalb and
 * Huttenlocher 2012: the squared distance as a lower envelope of parabolas, one axis after the
 * other), in the spacing's units.
 */
final class DistanceTransform {

	private DistanceTransform() {}

	/**
	 * @param features (z, y, x) row-major: true where the distance is 0
	 * @return per voxel the squared distance to the nearest feature voxel (infinite when there is none)
	 */
	static double[] squared(boolean[] features, int nx, int ny, int nz, double[] spacing) {
		double[] d = new double[features.length];
		for (int i = 0; i < d.length; i++) d[i] = features[i] ? 0 : Double.POSITIVE_INFINITY;
		int longest = Math.max(nx, Math.max(ny, nz));
		double[] f = new double[longest], out = new double[longest], z = new double[longest + 1];
		int[] v = new int[longest];
		// along x
		for (int k = 0; k < nz; k++)
			for (int j = 0; j < ny; j++) pass(d, (k * ny + j) * nx, 1, nx, spacing[0] * spacing[0], f, out, v, z);
		// along y
		for (int k = 0; k < nz; k++)
			for (int i = 0; i < nx; i++) pass(d, k * ny * nx + i, nx, ny, spacing[1] * spacing[1], f, out, v, z);
		// along z
		for (int j = 0; j < ny; j++)
			for (int i = 0; i < nx; i++) pass(d, j * nx + i, nx * ny, nz, spacing[2] * spacing[2], f, out, v, z);
		return d;
	}

	/** One line: d[start + q * step] = min over p of d[start + p * step] + w * (q - p)^2. */
	private static void pass(double[] d, int start, int step, int n, double w, double[] f, double[] out, int[] v, double[] z) {
		int first = -1;
		for (int q = 0; q < n; q++) {
			f[q] = d[start + q * step];
			if (first < 0 && f[q] < Double.POSITIVE_INFINITY) first = q;
		}
		if (first < 0) return; // no finite value on this line: stays infinite
		int k = 0;
		v[0] = first;
		z[0] = Double.NEGATIVE_INFINITY;
		z[1] = Double.POSITIVE_INFINITY;
		for (int q = first + 1; q < n; q++) {
			if (f[q] == Double.POSITIVE_INFINITY) continue;
			double s;
			while (true) {
				int p = v[k];
				s = ((f[q] + w * q * q) - (f[p] + w * p * p)) / (2 * w * (q - p));
				if (s <= z[k]) k--;
				else break;
			}
			k++;
			v[k] = q;
			z[k] = s;
			z[k + 1] = Double.POSITIVE_INFINITY;
		}
		k = 0;
		for (int q = 0; q < n; q++) {
			while (z[k + 1] < q) k++;
			int p = v[k];
			out[q] = w * (q - p) * (q - p) + f[p];
		}
		for (int q = 0; q < n; q++) d[start + q * step] = out[q];
	}
}
