package org.convkit.ct.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ct.denoise.Noise2Void;
import org.convkit.ct.net.Intensity;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeTrainerTest {

	static final UNet3d.Config NET = new UNet3d.Config(1, 4, UNet3d.Normalization.NONE, false, 1, 1);
	static final VolumeTrainer.Config TRAIN = new VolumeTrainer.Config(16, 16, 4, 3, 8, 1e-2f, 5, 0.2, true, true, 0.1, 0.1);

	/** Smooth blobs plus noise: something a denoiser can learn. */
	static ArrayImg<FloatType, FloatArray> synthetic(int n, long seed) {
		ArrayImg<FloatType, FloatArray> v = ArrayImgs.floats(n, n, n);
		Random random = new Random(seed);
		double[][] blobs = new double[6][];
		for (int b = 0; b < blobs.length; b++) blobs[b] = new double[] {random.nextDouble() * n, random.nextDouble() * n, random.nextDouble() * n, 3 + 4 * random.nextDouble()};
		float[] data = v.update(null).getCurrentStorageArray();
		int i = 0;
		for (int z = 0; z < n; z++)
			for (int y = 0; y < n; y++)
				for (int x = 0; x < n; x++) {
					double s = 0;
					for (double[] b : blobs) {
						double d2 = Math.pow(x - b[0], 2) + Math.pow(y - b[1], 2) + Math.pow(z - b[2], 2);
						s += 100 * Math.exp(-d2 / (2 * b[3] * b[3]));
					}
					data[i++] = (float) (s + 20 * random.nextGaussian());
				}
		return v;
	}

	@Test
	void trainingLowersTheLossAndIsReproducible() {
		ArrayImg<FloatType, FloatArray> volume = synthetic(32, 1);
		List<VolumeTrainer.Progress> log = new ArrayList<>();
		// the identity (input = target, every voxel in the loss) is quick to learn: 24 steps show the loss falling
		VolumeTrainer.Objective identity = new VolumeTrainer.Objective() {
			@Override
			public void prepare(float[] patch, int[] shape, float[] input, float[] target, float[] weight, Random random) {
				System.arraycopy(patch, 0, input, 0, patch.length);
				System.arraycopy(patch, 0, target, 0, patch.length);
				java.util.Arrays.fill(weight, 1f);
			}

			@Override
			public String describe() {
				return "identity";
			}
		};
		VolumeTrainer trainer = new VolumeTrainer(NET, TRAIN, identity);
		VolumeTrainer.Result a = trainer.train(List.of(volume), Intensity.zscore(volume), VolumeModel.Task.DENOISE, 36, new double[] {1, 1, 2}, log::add);
		assertEquals(TRAIN.epochs() * TRAIN.stepsPerEpoch(), log.size());
		assertEquals(TRAIN.epochs(), a.validationLosses().size());
		double first = a.validationLosses().get(0), best = a.validationLosses().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
		double start = log.get(0).loss();
		assertTrue(best < 0.5 * start && a.validationLosses().get(2) < first, "the loss should fall from " + start + ": " + a.validationLosses());
		assertEquals(best, a.validationLosses().get(a.bestEpoch() - 1));
		assertTrue(log.get(log.size() - 1).voxelsPerSecond() > 0);
		VolumeTrainer.Result b = trainer.train(List.of(volume), Intensity.zscore(volume), VolumeModel.Task.DENOISE, 36, new double[] {1, 1, 2}, null);
		assertEquals(a.validationLosses(), b.validationLosses(), "the same seed gives the same run");
	}

	@Test
	void cancelStopsTraining() {
		ArrayImg<FloatType, FloatArray> volume = synthetic(24, 2);
		int[] steps = {0};
		VolumeTrainer.Listener listener = new VolumeTrainer.Listener() {
			@Override
			public void progress(VolumeTrainer.Progress p) {
				steps[0]++;
			}

			@Override
			public boolean cancelled() {
				return steps[0] >= 2;
			}
		};
		assertThrows(CancellationException.class, () -> new VolumeTrainer(NET, TRAIN, new Noise2Void()).train(List.of(volume), Intensity.NONE,
			VolumeModel.Task.DENOISE, 36, null, listener));
		assertEquals(2, steps[0]);
	}

	@Test
	void validationPatchesCoverTheWholeSlabInPlane() {
		// 122 voxels in patches of 64: two, the second flush with the edge (a corner patch alone left half the slab unvalidated)
		assertArrayEquals(new int[] {0, 58}, VolumeTrainer.starts(122, 64));
		assertArrayEquals(new int[] {0, 64}, VolumeTrainer.starts(128, 64));
		assertArrayEquals(new int[] {0}, VolumeTrainer.starts(64, 64));
		assertArrayEquals(new int[] {0, 32, 48}, VolumeTrainer.starts(80, 32));
	}

	@Test
	void validationSlabsAreNeverSampledForTraining() {
		// NaN in the validation slab (the last 20% of slices, 8 of 40 here) would make any training loss that touched it NaN.
		ArrayImg<FloatType, FloatArray> volume = synthetic(40, 3);
		float[] v = volume.update(null).getCurrentStorageArray();
		VolumeTrainer trainer = new VolumeTrainer(NET, TRAIN.withEpochs(1, 8), new Noise2Void());
		assertEquals(8, trainer.validationSlices(40));
		for (int i = 32 * 40 * 40; i < v.length; i++) v[i] = Float.NaN;
		List<Double> losses = new ArrayList<>();
		VolumeTrainer.Result r = trainer.train(List.of(volume), new Intensity(Intensity.Mode.ZSCORE, 0, 50), VolumeModel.Task.DENOISE, 36, null,
			p -> losses.add(p.loss()));
		assertEquals(8, losses.size());
		for (double l : losses) assertTrue(Double.isFinite(l), "a training patch reached the validation slab: " + losses);
		assertTrue(Double.isNaN(r.validationLosses().get(0)), "the validation slab is what validation reads");
	}

	@Test
	void tiltAndZoomKeepLeftAndRight() {
		// image value = x (a ramp), labels 1 left of x = 23.5 and 2 right of it; NaN in the validation slabs (z >= 20)
		int nx = 48, ny = 40, nz = 24;
		ArrayImg<FloatType, FloatArray> image = ArrayImgs.floats(nx, ny, nz), labels = ArrayImgs.floats(nx, ny, nz);
		float[] v = image.update(null).getCurrentStorageArray(), l = labels.update(null).getCurrentStorageArray();
		for (int i = 0; i < v.length; i++) {
			int x = i % nx, z = i / (nx * ny);
			v[i] = z >= 20 ? Float.NaN : x;
			l[i] = x < 24 ? 1 : 2;
		}
		List<float[][]> patches = new ArrayList<>();
		VolumeTrainer.Objective recording = new VolumeTrainer.Objective() {
			@Override
			public void prepare(float[] patch, int[] shape, float[] input, float[] target, float[] weight, Random random) {
				throw new AssertionError("labels expected");
			}

			@Override
			public void prepare(float[] patch, float[] labels, int[] shape, float[] input, float[] target, float[] weight, Random random) {
				if (shape[0] == 8) patches.add(new float[][] {patch.clone(), labels.clone()}); // training patches (validation: 4 slices)
				Arrays.fill(input, 0f);
				System.arraycopy(labels, 0, target, 0, labels.length);
				Arrays.fill(weight, 1f);
			}

			@Override
			public String describe() {
				return "recording";
			}
		};
		VolumeTrainer.Config config = new VolumeTrainer.Config(16, 8, 2, 1, 20, 1e-3f, 3, 0.2, false, false, 0, 0).withTiltAndZoom(10, 0.1);
		new VolumeTrainer(NET, config, recording).train(List.of(image), List.of(labels), Intensity.NONE, VolumeModel.Task.SEGMENT, 36, null, null);
		assertEquals(40, patches.size());
		boolean tilted = false, zoomed = false;
		for (float[][] p : patches) {
			for (int i = 0; i < p[0].length; i++) {
				assertTrue(Float.isFinite(p[0][i]), "a training patch read the validation slabs");
				assertEquals(p[0][i] < 23.5f ? 1f : 2f, p[1][i], "image and labels resampled alike");
			}
			for (int row = 0; row < 8 * 16; row++)
				for (int x = 1; x < 16; x++) assertTrue(p[0][row * 16 + x] >= p[0][row * 16 + x - 1], "left stays left of right along every row");
			float corner = p[0][0], below = p[0][15 * 16], end = p[0][15];
			tilted |= Math.abs(corner - below) > 0.5; // a rotation about z: x changes along y
			zoomed |= Math.abs(Math.abs(end - corner) - 15) > 0.5 && end < nx - 1 && corner > 0;
		}
		assertTrue(tilted && zoomed, "patches are rotated and scaled: tilted " + tilted + ", zoomed " + zoomed);
	}

	@Test
	void aDeeperNetworkKeepsAValidationSlab() {
		// 20 training slices (two thirds of a 30-slice volume): 4 for validation at depth 2 and at depth 3 (stride 8 rounded it to 0)
		for (int depth : new int[] {2, 3}) {
			VolumeTrainer trainer = new VolumeTrainer(NET.withDepth(depth), TRAIN, new Noise2Void());
			assertEquals(4, trainer.validationSlices(20), "depth " + depth);
			assertEquals(8, trainer.validationSlices(40), "depth " + depth);
		}
	}

	@Test
	void weightedLossCountsOnlyWeightedVoxels() {
		try (NDManager m = ConvKitRuntime.get().newManager()) {
			NDArray out = m.create(new float[] {1, 2, 3, 4}, new Shape(4)), y = m.create(new float[] {0, 0, 0, 0}, new Shape(4));
			NDArray w = m.create(new float[] {0, 1, 0, 1}, new Shape(4));
			assertEquals((4 + 16) / 2.0, VolumeTrainer.weightedMse(out, y, w).getFloat(), 1e-6);
		}
	}

	@Test
	void modelFolderRoundTripAndMismatches(@TempDir Path dir) throws Exception {
		ArrayImg<FloatType, FloatArray> volume = synthetic(24, 4);
		VolumeTrainer.Result r = new VolumeTrainer(NET, TRAIN.withEpochs(1, 2), new Noise2Void()).train(List.of(volume), Intensity.zscore(volume),
			VolumeModel.Task.DENOISE, 36, new double[] {0.8, 0.8, 3}, null);
		Path folder = dir.resolve("model");
		r.model().save(folder);
		assertTrue(Files.isRegularFile(folder.resolve(VolumeModel.PARAMETERS)) && Files.isRegularFile(folder.resolve(VolumeModel.PROPERTIES)));
		VolumeModel loaded = VolumeModel.open(folder, VolumeModel.Task.DENOISE, 1);
		assertEquals(r.model().config(), loaded.config());
		assertEquals(r.model().intensity(), loaded.intensity());
		assertArrayEquals(new double[] {0.8, 0.8, 3}, loaded.spacing());
		assertEquals(36, loaded.tile());
		assertEquals(r.model().recipe(), loaded.recipe());
		float[] a = r.model().apply(volume).update(null).getCurrentStorageArray(), b = loaded.apply(volume).update(null).getCurrentStorageArray();
		assertArrayEquals(a, b, 0f);
		String text = Files.readString(folder.resolve(VolumeModel.PROPERTIES));
		assertTrue(text.contains("task=denoise") && text.contains("normalisation=zscore") && text.contains("architecture=unet3d"), text);

		IllegalArgumentException task = assertThrows(IllegalArgumentException.class, () -> VolumeModel.open(folder, VolumeModel.Task.SEGMENT, 1));
		assertTrue(task.getMessage().contains(folder.toString()) && task.getMessage().contains("denoise model")
			&& task.getMessage().contains("segment model is needed"), task.getMessage());
		IllegalArgumentException channels = assertThrows(IllegalArgumentException.class, () -> VolumeModel.open(folder, VolumeModel.Task.DENOISE, 2));
		assertTrue(channels.getMessage().contains(folder.toString()) && channels.getMessage().contains("expects 1 input channel(s), but the volume has 2"),
			channels.getMessage());
		// a probabilistic denoiser keeps its noise variance
		VolumeModel posterior = new VolumeModel(NET.withChannels(1, 2).withBlindSpotBase(true), VolumeModel.Task.DENOISE, Intensity.window(-1000, 1000), 40, null, null,
			new byte[] {1, 2, 3}, 0.0123);
		posterior.save(dir.resolve("posterior"));
		VolumeModel reopened = VolumeModel.open(dir.resolve("posterior"), VolumeModel.Task.DENOISE, 1);
		assertTrue(reopened.posterior());
		assertTrue(reopened.config().blindSpotBase());
		assertEquals(0.0123, reopened.noiseVariance());
		assertEquals(Intensity.window(-1000, 1000), reopened.intensity());
		assertArrayEquals(new byte[] {1, 2, 3}, reopened.parameters());
		IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> VolumeModel.open(dir.resolve("none")));
		assertTrue(missing.getMessage().startsWith("model: expected a folder holding"), missing.getMessage());
	}

	@Test
	void earlyStoppingStopsAfterThePatienceAndKeepsTheBestEpoch() {
		ArrayImg<FloatType, FloatArray> volume = synthetic(24, 6);
		VolumeTrainer.Config config = TRAIN.withEpochs(12, 2).withLearningRate(3e-2f).withPatience(2);
		VolumeTrainer.Result r = new VolumeTrainer(NET, config, new Noise2Void()).train(List.of(volume), Intensity.zscore(volume), VolumeModel.Task.DENOISE,
			36, null, null);
		List<Double> losses = r.validationLosses();
		int trained = Integer.parseInt(r.model().recipe().getProperty(VolumeTrainer.EPOCHS_TRAINED));
		assertEquals(losses.size(), trained, "one validation per epoch trained");
		assertTrue(trained < 12, "stopped early: " + losses);
		int best = 0;
		for (int e = 1; e < losses.size(); e++) if (losses.get(e) < losses.get(best)) best = e;
		assertEquals(best + 1, r.bestEpoch(), "the best epoch is kept: " + losses);
		assertEquals(r.bestEpoch() + 2, trained, "two epochs without improvement, then stop: " + losses);
		assertEquals("2", r.model().recipe().getProperty("recipe.patience"));

		// without validation there is nothing to stop on
		VolumeTrainer plain = new VolumeTrainer(NET, config, new Noise2Void());
		assertFalse(plain.stopEarly(11, 0, false));
		assertTrue(plain.stopEarly(5, 3, true));
		assertFalse(plain.stopEarly(4, 3, true));
		assertFalse(new VolumeTrainer(NET, config.withPatience(0), new Noise2Void()).stopEarly(11, 1, true));
	}

	@Test
	void noEpochOfTheWarmUpIsKept() {
		ArrayImg<FloatType, FloatArray> volume = synthetic(24, 6);
		VolumeTrainer.Config config = TRAIN.withEpochs(4, 2).withWarmUp(0.5);
		assertEquals(3, config.firstKept());
		VolumeTrainer.Result r = new VolumeTrainer(NET, config, new Noise2Void()).train(List.of(volume), Intensity.zscore(volume), VolumeModel.Task.DENOISE,
			36, null, null);
		List<Double> losses = r.validationLosses();
		assertEquals(4, losses.size(), "every epoch is validated");
		assertEquals(losses.get(2) <= losses.get(3) ? 3 : 4, r.bestEpoch(), "the better of epochs 3 and 4, whatever epochs 1 and 2 scored: " + losses);
		assertEquals("0.5", r.model().recipe().getProperty("recipe.warm_up"));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TRAIN.withWarmUp(1));
		assertEquals("warm_up: expected a fraction of the epochs in [0, 1), got 1.0", e.getMessage());
	}

	@Test
	void noiseHasTheAskedStdAndBadSettingsAreRefused() {
		float[] patch = new float[200_000];
		VolumeTrainer.addNoise(patch, 0.25, new Random(1));
		double sum = 0, sq = 0;
		for (float v : patch) {
			sum += v;
			sq += v * v;
		}
		double mean = sum / patch.length;
		assertEquals(0, mean, 0.005);
		assertEquals(0.25, Math.sqrt(sq / patch.length - mean * mean), 0.005);

		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TRAIN.withNoise(-0.1));
		assertEquals("noise: expected a noise std in [0, 1] (normalised units), got -0.1", e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> TRAIN.withWeightDecay(0.5f));
		assertEquals("weight_decay: expected in [0, 0.1], got 0.5", e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> TRAIN.withPatience(-1));
		assertEquals("patience: expected 0 (no early stopping) or a number of epochs, got -1", e.getMessage());
	}
}
