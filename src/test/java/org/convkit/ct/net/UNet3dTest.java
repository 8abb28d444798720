package org.convkit.ct.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.convkit.core.runtime.BlockParameters;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.core.tensor.Tensors;

import java.util.Random;

import net.imglib2.FinalInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;
import org.junit.jupiter.api.Test;

class UNet3dTest {

	@Test
	void receptiveRadiusAndHaloFollowTheConfiguration() {
		UNet3d.Config c = UNet3d.Config.DEFAULT;
		assertEquals(26, UNet3d.receptiveRadius(c)); // bottleneck 2*4, level 0: 2*2*1+2*1, level 1: 2*2*2+2*2
		assertEquals(28, UNet3d.halo(c));
		assertEquals(60, UNet3d.minimumTile(c));
		assertEquals(10, UNet3d.halo(c.withDepth(1)));
		assertEquals(2, UNet3d.receptiveRadius(c.withDepth(0)));
		assertEquals(64, UNet3d.halo(c.withDepth(3))); // radius 58 -> next multiple of 8
	}

	@Test
	void tooSmallTilesAreRefusedWithTheHalo() {
		UNet3d.checkTile(UNet3d.Config.DEFAULT, 60, 64, 112);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UNet3d.checkTile(UNet3d.Config.DEFAULT, 64, 59, 64));
		assertTrue(e.getMessage().startsWith("tile_size: 59 in dimension 1"), e.getMessage());
		assertTrue(e.getMessage().contains("28 voxels per side") && e.getMessage().contains("at least 60"), e.getMessage());
		VolumeModel model = new VolumeModel(UNet3d.Config.DEFAULT, VolumeModel.Task.DENOISE, Intensity.NONE, 64, null, null, new byte[] {1});
		assertThrows(IllegalArgumentException.class, () -> model.apply(ArrayImgs.floats(70, 70, 70), 40, 1));
		assertThrows(IllegalArgumentException.class, () -> model.withTile(50));
	}

	/** An impulse changes the output only within the receptive radius. */
	@Test
	void influenceStaysWithinTheReceptiveRadius() {
		UNet3d.Config c = new UNet3d.Config(2, 2, UNet3d.Normalization.NONE, false, 1, 1);
		int n = 72, centre = 36;
		long r = UNet3d.receptiveRadius(c);
		try (Model model = newModel(c, 3)) {
			float[] flat = new float[n * n * n], impulse = flat.clone();
			Random random = new Random(1);
			for (int i = 0; i < flat.length; i++) impulse[i] = flat[i] = (float) random.nextGaussian();
			impulse[(centre * n + centre) * n + centre] += 50;
			float[] a = forward(model, c, flat, n), b = forward(model, c, impulse, n);
			long reach = 0;
			int changed = 0;
			for (int z = 0; z < n; z++)
				for (int y = 0; y < n; y++)
					for (int x = 0; x < n; x++) {
						int i = (z * n + y) * n + x;
						if (a[i] != b[i]) {
							changed++;
							reach = Math.max(reach, Math.max(Math.abs(x - centre), Math.max(Math.abs(y - centre), Math.abs(z - centre))));
						}
					}
			assertTrue(changed > 1000, "the impulse should reach many voxels: " + changed);
			assertTrue(reach <= r, "reach " + reach + " beyond the receptive radius " + r);
			assertTrue(reach >= r - 4, "reach " + reach + " far below the computed radius " + r + ": the radius is too loose");
		}
	}

	/**
	 * Tiled inference (FITTED sizing, cores on multiples of 2^depth, mirrored borders) equals one
	 * pass of the network over the whole mirror-extended volume, borders included.
	 */
	@Test
	void tiledEqualsWholeVolume() throws Exception {
		tiledEqualsWholeVolume(new UNet3d.Config(1, 4, UNet3d.Normalization.NONE, false, 1, 1));
		tiledEqualsWholeVolume(new UNet3d.Config(1, 4, UNet3d.Normalization.NONE, false, 1, 1, true));
	}

	@Test
	void blindSpotBaseIsTheMeanOfTheNeighboursWithoutTheVoxel() {
		try (NDManager m = ConvKitRuntime.get().newManager()) {
			float[] v = new float[5 * 5 * 5];
			v[(2 * 5 + 2) * 5 + 2] = 26; // a spike in the middle
			float[] mean = UNet3d.neighbourMean(m.create(v, new Shape(1, 1, 5, 5, 5))).toFloatArray();
			assertEquals(0, mean[(2 * 5 + 2) * 5 + 2], 1e-6, "the voxel itself is left out");
			assertEquals(1, mean[(1 * 5 + 1) * 5 + 1], 1e-6, "a corner neighbour sees the spike / 26");
			assertEquals(1, mean[(2 * 5 + 2) * 5 + 3], 1e-6, "a face neighbour too");
			assertEquals(0, mean[(2 * 5 + 2) * 5 + 4], 1e-6, "two voxels away: nothing");
		}
		assertThrows(IllegalArgumentException.class, () -> new UNet3d.Config(1, 4, UNet3d.Normalization.NONE, false, 2, 2, true));
	}

	private static void tiledEqualsWholeVolume(UNet3d.Config c) throws Exception {
		long h = UNet3d.halo(c); // 10
		int n = 32;
		ArrayImg<FloatType, FloatArray> volume = ArrayImgs.floats(n, n, n);
		Random random = new Random(2);
		for (FloatType t : volume) t.set((float) random.nextGaussian());
		try (Model model = newModel(c, 4)) {
			VolumeModel vm = new VolumeModel(c, VolumeModel.Task.DENOISE, Intensity.NONE, 2 * h + 16, null, null, parameters(model));
			ArrayImg<FloatType, FloatArray> tiled = vm.apply(volume, 2 * h + 16, 3); // 2 x 2 x 2 tiles of core 16
			FinalInterval extended = Intervals.expand(volume, h);
			int e = n + 2 * (int) h;
			float[] padded = new float[e * e * e];
			int i = 0;
			for (FloatType t : Views.flatIterable(Views.interval(Views.extendMirrorSingle(volume), extended))) padded[i++] = t.get();
			float[] whole = forward(model, c, padded, e);
			double max = 0;
			for (int z = 0; z < n; z++)
				for (int y = 0; y < n; y++)
					for (int x = 0; x < n; x++) {
						float expected = whole[(int) (((z + h) * e + y + h) * e + x + h)];
						float got = tiled.getAt(x, y, z).get();
						max = Math.max(max, Math.abs(expected - got));
					}
			assertTrue(max < 1e-4, "tiled differs from whole by " + max);
		}
	}

	@Test
	void batchAndInstanceNormAndResidualNetworksRun() {
		for (UNet3d.Config c : new UNet3d.Config[] {new UNet3d.Config(1, 2, UNet3d.Normalization.BATCH, true, 1, 1),
			new UNet3d.Config(2, 2, UNet3d.Normalization.INSTANCE, false, 2, 3)})
		{
			try (Model model = newModel(c, 5); NDManager m = model.getNDManager().newSubManager()) {
				NDArray x = m.randomNormal(new Shape(2, c.inChannels(), 10, 12, 9));
				NDArray y = UNet3d.forward(a -> model.getBlock().forward(new ParameterStore(m, false), new NDList(a), false).singletonOrThrow(), x, c);
				assertEquals(new Shape(2, c.outChannels(), 10, 12, 9), y.getShape());
			}
		}
	}

	static Model newModel(UNet3d.Config c, int seed) {
		ConvKitRuntime runtime = ConvKitRuntime.get();
		runtime.engine().setRandomSeed(seed);
		Model model = Model.newInstance("unet3d-test", runtime.device(), runtime.engine().getEngineName());
		model.setBlock(UNet3d.build(c));
		model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, c.inChannels(), 8, 8, 8));
		return model;
	}

	static byte[] parameters(Model model) {
		return BlockParameters.toBytes(model.getBlock());
	}

	private static float[] forward(Model model, UNet3d.Config c, float[] values, int n) {
		try (NDManager m = model.getNDManager().newSubManager()) {
			NDArray x = m.create(values, new Shape(1, 1, n, n, n));
			NDArray y = UNet3d.forward(a -> model.getBlock().forward(new ParameterStore(m, false), new NDList(a), false).singletonOrThrow(), x, c);
			return y.toFloatArray();
		}
	}

	@Test
	void theEngineThatComputesTheNetworkWronglyIsRefusedBeforeAnyWork() {
		IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> UNet3d.checkEngine("PyTorch", ai.djl.Device.cpu()));
		assertEquals(UNet3d.PYTORCH_CPU, refused.getMessage());
		UNet3d.checkEngine("MXNet", ai.djl.Device.cpu()); // the default engine runs it
		UNet3d.checkEngine("PyTorch", ai.djl.Device.gpu()); // not measured wrong there
	}

	static ArrayImg<FloatType, FloatArray> img(NDArray a) {
		return Tensors.toImg(a);
	}
}
