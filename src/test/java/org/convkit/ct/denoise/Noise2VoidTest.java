package org.convkit.ct.denoise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ct.net.VolumeModel;

import java.util.Random;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

import org.junit.jupiter.api.Test;

class Noise2VoidTest {

	@Test
	void masksAFractionWithNeighboursValuesAndWeightsOnlyThem() {
		int nz = 10, ny = 12, nx = 14, n = nz * ny * nx;
		float[] patch = new float[n];
		for (int i = 0; i < n; i++) patch[i] = i; // the value says where it came from
		float[] input = new float[n], target = new float[n], weight = new float[n];
		Noise2Void n2v = new Noise2Void(0.02, 2);
		n2v.prepare(patch, new int[] {nz, ny, nx}, input, target, weight, new Random(3));
		assertArrayEquals(patch, target, 0f, "the target is the unmasked patch");
		int masked = 0;
		for (int i = 0; i < n; i++) {
			if (weight[i] == 0) {
				assertEquals(patch[i], input[i], 0f, "an unmasked voxel keeps its value");
				continue;
			}
			assertEquals(1f, weight[i]);
			masked++;
			int from = (int) input[i];
			assertNotEquals(i, from, "a masked voxel never keeps its own value");
			int dx = from % nx - i % nx, dy = from / nx % ny - i / nx % ny, dz = from / (nx * ny) - i / (nx * ny);
			assertTrue(Math.abs(dx) <= 2 && Math.abs(dy) <= 2 && Math.abs(dz) <= 2, "the replacement is a neighbour within radius 2");
		}
		// voxels are drawn with replacement: a few may be drawn twice
		assertTrue(masked <= Math.round(0.02 * n) && masked >= Math.round(0.02 * n) - 5, "masked " + masked);
	}

	@Test
	void noiseLevelOfWhiteNoiseOnASmoothVolume() {
		ArrayImg<FloatType, FloatArray> v = ArrayImgs.floats(64, 64, 8);
		Random r = new Random(4);
		float[] d = v.update(null).getCurrentStorageArray();
		for (int i = 0; i < d.length; i++) {
			int x = i % 64, y = i / 64 % 64;
			d[i] = (float) (3 * x + 2 * y + (x > 32 ? 500 : 0) + 40 * r.nextGaussian()); // a ramp, an edge and sigma 40
		}
		assertEquals(40, NoiseLevel.estimate(v), 2.5);
	}

	@Test
	void posteriorMeanAndProbabilisticLossByHand() {
		try (NDManager m = ConvKitRuntime.get().newManager()) {
			// prior mean 1, raw r = log 3: prior variance = noise * e^r = 3 noise; noise variance 2; observed y = 5
			float raw = (float) Math.log(3);
			NDArray out = m.create(new float[] {1, raw}, new Shape(1, 2, 1, 1, 1));
			NDArray y = m.create(new float[] {5}, new Shape(1, 1, 1, 1, 1));
			// (mean * noise + y * prior) / (prior + noise) = (1 * 2 + 5 * 6) / 8
			assertEquals((1 * 2 + 5 * 6) / 8.0, VolumeModel.posteriorMean(y, out).getFloat(), 1e-5);
			NDArray w = m.create(new float[] {1}, new Shape(1, 1, 1, 1, 1));
			// NLL up to the constant log(noise): (5 - 1)^2 / (noise + prior) * ... = 16 / 8 + log(1 + 3)
			assertEquals(16 / 8.0 + Math.log(4), new Noise2Void(0.01, 2, 2).loss(out, y, w).getFloat(), 1e-5);
			assertEquals(16, new Noise2Void(0.01, 2).loss(m.create(new float[] {1}, new Shape(1, 1, 1, 1, 1)), y, w).getFloat(), 1e-5);
		}
	}

	@Test
	void atLeastOneVoxelIsMasked() {
		float[] patch = new float[27], input = new float[27], target = new float[27], weight = new float[27];
		for (int i = 0; i < 27; i++) patch[i] = i;
		new Noise2Void(0.001, 1).prepare(patch, new int[] {3, 3, 3}, input, target, weight, new Random(1));
		double sum = 0;
		for (float w : weight) sum += w;
		assertEquals(1, sum);
	}
}
