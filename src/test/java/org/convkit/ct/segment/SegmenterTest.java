package org.convkit.ct.segment;

import static org.junit.jupiter.api.Assertions.*;

import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;
import org.convkit.ct.train.VolumeTrainer;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The segmenter learns a noisy ellipsoid phantom; its model round-trips and applies at another spacing. */
class SegmenterTest {

	static final UNet3d.Config NET = UNet3d.Config.DEFAULT.withDepth(2).withBaseWidth(8);
	static final VolumeTrainer.Config TRAIN = new VolumeTrainer.Config(32, 16, 2, 6, 12, 3e-3f, 3, 0.15, true, true, 0.1, 0.1);

	@TempDir
	Path dir;

	/**
	 * A model's tile keeps a core of at least the default network's whatever the depth: at depth 3
	 * the halo is 64, and the smallest tile (136) would leave 8 voxels of core, hundreds of tiles for
	 * a small volume. Default network: the default tile, 112.
	 */
	@Test
	void deeperNetworksGetTilesWithARealCore() {
		assertEquals(Segmenter.DEFAULT_TILE, Segmenter.tile(Segmenter.NETWORK));
		for (int depth = 1; depth <= 4; depth++) {
			UNet3d.Config net = Segmenter.NETWORK.withDepth(depth);
			long tile = Segmenter.tile(net), core = tile - 2 * UNet3d.halo(net);
			assertTrue(core >= Segmenter.MIN_CORE && core % net.stride() == 0, "depth " + depth + ": tile " + tile + ", core " + core);
			assertTrue(tile >= UNet3d.minimumTile(net));
		}
		assertEquals(2 * 64 + 56, Segmenter.tile(Segmenter.NETWORK.withDepth(3)), "depth 3: halo 64 each side, core 56");
	}

	@Test
	void learnsTheNoisyPhantomToDiceAbove09AndAppliesAtAnotherSpacing() throws Exception {
		Phantom train = Phantom.make(40, 40, 24, 20, 1);
		double[] spacing = {2, 2, 3};
		LabelClasses classes = LabelClasses.of(train.labels(), null, "phantom");
		assertArrayEquals(new int[] {1, 2}, classes.values());
		long t0 = System.nanoTime();
		VolumeTrainer.Result r = Segmenter.train(train.image(), train.labels(), spacing, classes, null, NET, TRAIN, "phantom", p -> { if (!Double.isNaN(p.validationLoss()) || p.step() % 10 == 1) System.out.println(p); });
		System.out.printf("phantom training: %.1f s, %.0f voxels/s%n", (System.nanoTime() - t0) / 1e9, r.voxelsPerSecond());
		r.model().save(dir);
		VolumeModel model = VolumeModel.open(dir, VolumeModel.Task.SEGMENT, 1);
		assertEquals("1,2", model.recipe().getProperty(Segmenter.ONE_PIECE), "each ellipsoid is one piece");

		Phantom test = Phantom.make(40, 40, 24, 20, 2); // new noise
		Segmenter.Segmentation s = Segmenter.segment(test.image(), spacing, model, model.tile(), 1, true, dir.toString());
		List<SegmentationMetrics.Label> m = SegmentationMetrics.compare(s.labels(), test.labels(), spacing, new int[] {1, 2});
		System.out.println("phantom: " + m);
		for (SegmentationMetrics.Label l : m) assertTrue(l.dice() >= 0.9, l.toString());
		float[] p = s.probabilities().update(null).getCurrentStorageArray();
		int voxels = 40 * 40 * 24;
		for (int i = 0; i < voxels; i += 97) assertEquals(1, p[i] + p[i + voxels] + p[i + 2 * voxels], 1e-4);

		// the same phantom at half the spacing in x and y: the model resamples and still finds it
		Phantom fine = Phantom.make(80, 80, 24, 20, 3);
		Segmenter.Segmentation sf = Segmenter.segment(fine.image(), new double[] {1, 1, 3}, model, model.tile(), 1, false, dir.toString());
		assertArrayEquals(new long[] {80, 80, 24}, sf.labels().dimensionsAsLongArray());
		for (SegmentationMetrics.Label l : SegmentationMetrics.compare(sf.labels(), fine.labels(), new double[] {1, 1, 3}, new int[] {1, 2}))
			assertTrue(l.dice() >= 0.85, "at 1 mm: " + l);
	}
}
