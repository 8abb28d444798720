package org.convkit.ct.denoise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

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
	void atLeastOneVoxelIsMasked() {
		float[] patch = new float[27], input = new float[27], target = new float[27], weight = new float[27];
		for (int i = 0; i < 27; i++) patch[i] = i;
		new Noise2Void(0.001, 1).prepare(patch, new int[] {3, 3, 3}, input, target, weight, new Random(1));
		double sum = 0;
		for (float w : weight) sum += w;
		assertEquals(1, sum);
	}
}
