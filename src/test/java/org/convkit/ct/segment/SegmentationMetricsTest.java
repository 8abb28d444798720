package org.convkit.ct.segment;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;

/** Volumes in mL, Dice and HD95 against figures counted by hand or by brute force; resampling of a known ramp. */
class SegmentationMetricsTest {

	@Test
	void millilitresAndBoxesOfAHandCountedBox() {
		// a 5 x 4 x 3 box of label 7 at (2..6, 1..4, 3..5) and one voxel of label 1, voxels 2 x 2 x 2.5 mm = 10 mm^3
		ArrayImg<FloatType, FloatArray> labels = ArrayImgs.floats(10, 8, 9);
		var ra = labels.randomAccess();
		for (int z = 3; z <= 5; z++)
			for (int y = 1; y <= 4; y++)
				for (int x = 2; x <= 6; x++) ra.setPositionAndGet(x, y, z).set(7);
		ra.setPositionAndGet(9, 7, 8).set(1);
		List<LabelStatistics.Label> stats = LabelStatistics.of(labels, new double[] {2, 2, 2.5}, new int[] {7, 1, 3});
		assertEquals(60, stats.get(0).voxels());
		assertEquals(0.6, stats.get(0).millilitres(), 1e-12); // 60 voxels x 10 mm^3 = 600 mm^3
		assertArrayEquals(new long[] {2, 1, 3}, stats.get(0).min());
		assertArrayEquals(new long[] {6, 4, 5}, stats.get(0).max());
		assertEquals(0.01, stats.get(1).millilitres(), 1e-12);
		assertEquals(0, stats.get(2).voxels());
		assertNull(stats.get(2).min());
	}

	@Test
	void diceAndHd95AgreeWithBruteForce() {
		int nx = 20, ny = 16, nz = 12;
		double[] spacing = {1.5, 1, 2.5};
		Random random = new Random(4);
		for (int trial = 0; trial < 3; trial++) {
			ArrayImg<FloatType, FloatArray> a = blob(nx, ny, nz, random), b = blob(nx, ny, nz, random);
			SegmentationMetrics.Label m = SegmentationMetrics.compare(a, b, spacing, new int[] {1}).get(0);
			float[] pa = a.update(null).getCurrentStorageArray(), pb = b.update(null).getCurrentStorageArray();
			long na = 0, nb = 0, both = 0;
			for (int i = 0; i < pa.length; i++) {
				na += pa[i] == 1 ? 1 : 0;
				nb += pb[i] == 1 ? 1 : 0;
				both += pa[i] == 1 && pb[i] == 1 ? 1 : 0;
			}
			assertEquals(2.0 * both / (na + nb), m.dice(), 1e-12);
			boolean[] sa = SegmentationMetrics.surface(mask(pa), nx, ny, nz), sb = SegmentationMetrics.surface(mask(pb), nx, ny, nz);
			double[] d = new double[count(sa) + count(sb)];
			int k = 0;
			for (int i = 0; i < sa.length; i++) {
				if (sa[i]) d[k++] = nearest(i, sb, nx, ny, spacing);
				if (sb[i]) d[k++] = nearest(i, sa, nx, ny, spacing);
			}
			Arrays.sort(d);
			assertEquals(SegmentationMetrics.percentile(d, 95), m.hd95(), 1e-9);
			assertTrue(m.hd95() > 0);
			assertEquals(na * 1.5 * 2.5 / 1000, m.predictedMl(), 1e-12);
		}
		// identical masks: Dice 1, HD95 0; a label in neither: NaN
		ArrayImg<FloatType, FloatArray> a = blob(nx, ny, nz, random);
		List<SegmentationMetrics.Label> same = SegmentationMetrics.compare(a, a, spacing, new int[] {1, 4});
		assertEquals(1, same.get(0).dice());
		assertEquals(0, same.get(0).hd95());
		assertTrue(Double.isNaN(same.get(1).dice()));
	}

	@Test
	void linearResamplingReproducesARampAndNearestKeepsLabels() {
		ArrayImg<FloatType, FloatArray> ramp = ArrayImgs.floats(11, 3, 5);
		var c = ramp.localizingCursor();
		while (c.hasNext()) c.next().set(3 * c.getIntPosition(0) + 2 * c.getIntPosition(2));
		// 2 mm -> 1 mm along x, 3 mm -> 1.5 mm along z: 21 and 9 voxels, same origin
		ArrayImg<FloatType, FloatArray> fine = Resampling.linear(ramp, new double[] {2, 1, 3}, new double[] {1, 1, 1.5});
		assertArrayEquals(new long[] {21, 3, 9}, fine.dimensionsAsLongArray());
		var r = fine.randomAccess();
		assertEquals(3 * 2.5 + 2 * 1.5, r.setPositionAndGet(5, 1, 3).get(), 1e-5);
		assertEquals(3 * 10 + 2 * 4, r.setPositionAndGet(20, 2, 8).get(), 1e-5);
		ArrayImg<FloatType, FloatArray> nearest = Resampling.nearest(ramp, new double[] {2, 1, 3}, new double[] {1, 1, 1.5});
		assertEquals(3 * 3 + 2 * 2, nearest.randomAccess().setPositionAndGet(5, 1, 3).get()); // 2.5 -> 3, 1.5 -> 2
		assertFalse(Resampling.needed(new double[] {3, 3, 3}, new double[] {3.01, 3, 2.99}));
	}

	private static ArrayImg<FloatType, FloatArray> blob(int nx, int ny, int nz, Random random) {
		ArrayImg<FloatType, FloatArray> v = ArrayImgs.floats(nx, ny, nz);
		double cx = nx / 2.0 + random.nextGaussian(), cy = ny / 2.0 + random.nextGaussian(), cz = nz / 2.0 + random.nextGaussian();
		double r = 4 + 2 * random.nextDouble();
		var c = v.localizingCursor();
		while (c.hasNext()) {
			c.fwd();
			double dx = c.getIntPosition(0) - cx, dy = c.getIntPosition(1) - cy, dz = (c.getIntPosition(2) - cz) * 1.3;
			if (dx * dx + dy * dy + dz * dz <= r * r || random.nextDouble() < 0.002) c.get().set(1);
		}
		return v;
	}

	private static boolean[] mask(float[] v) {
		boolean[] m = new boolean[v.length];
		for (int i = 0; i < v.length; i++) m[i] = v[i] == 1;
		return m;
	}

	private static int count(boolean[] m) {
		int n = 0;
		for (boolean b : m) n += b ? 1 : 0;
		return n;
	}

	private static double nearest(int i, boolean[] surface, int nx, int ny, double[] s) {
		int x = i % nx, y = i / nx % ny, z = i / (nx * ny);
		double best = Double.POSITIVE_INFINITY;
		for (int j = 0; j < surface.length; j++) {
			if (!surface[j]) continue;
			double dx = (j % nx - x) * s[0], dy = (j / nx % ny - y) * s[1], dz = (j / (nx * ny) - z) * s[2];
			best = Math.min(best, Math.sqrt(dx * dx + dy * dy + dz * dz));
		}
		return best;
	}
}
