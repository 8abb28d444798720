package org.convkit.ct.segment;

import java.util.Random;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * A synthetic CT-like phantom (Shepp-Logan-like): a body ellipsoid of soft tissue (40 HU) in air,
 * with a large organ (label 1, 100 HU), a small dense structure (label 2, 200 HU) and an unlabelled
 * structure between the two in density (130 HU, elongated), plus Gaussian noise.
 */
record Phantom(ArrayImg<FloatType, FloatArray> image, ArrayImg<FloatType, FloatArray> labels) {

	/** (cx, cy, cz, rx, ry, rz) in fractions of the volume, HU, label. */
	private static final double[][] SHAPES = {
		{0.5, 0.5, 0.5, 0.45, 0.4, 0.48, 40, 0},
		{0.38, 0.45, 0.45, 0.16, 0.2, 0.3, 100, 1},
		{0.66, 0.6, 0.55, 0.12, 0.12, 0.18, 200, 2},
		{0.65, 0.35, 0.5, 0.06, 0.12, 0.2, 130, 0},
	};

	static Phantom make(int nx, int ny, int nz, double noise, long seed) {
		ArrayImg<FloatType, FloatArray> image = ArrayImgs.floats(nx, ny, nz), labels = ArrayImgs.floats(nx, ny, nz);
		float[] v = image.update(null).getCurrentStorageArray(), l = labels.update(null).getCurrentStorageArray();
		Random random = new Random(seed);
		int i = 0;
		for (int z = 0; z < nz; z++)
			for (int y = 0; y < ny; y++)
				for (int x = 0; x < nx; x++, i++) {
					double value = -1000;
					float label = 0;
					for (double[] s : SHAPES) {
						double dx = (x + 0.5) / nx - s[0], dy = (y + 0.5) / ny - s[1], dz = (z + 0.5) / nz - s[2];
						if (dx * dx / (s[3] * s[3]) + dy * dy / (s[4] * s[4]) + dz * dz / (s[5] * s[5]) <= 1) {
							value = s[6];
							label = (float) s[7];
						}
					}
					v[i] = (float) (value + noise * random.nextGaussian());
					l[i] = label;
				}
		return new Phantom(image, labels);
	}
}
