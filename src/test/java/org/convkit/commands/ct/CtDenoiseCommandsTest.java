package org.convkit.commands.ct;

import static org.junit.jupiter.api.Assertions.*;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.measure.ResultsTable;

import java.io.FileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import org.convkit.commands.HeadlessCommands;
import org.convkit.commands.ModelFolders;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.ct.CtData;
import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.convkit.ct.VolumeGeometry;
import org.convkit.ct.denoise.ImageQuality;
import org.convkit.ct.io.NiftiFiles;
import org.convkit.ct.net.VolumeModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import net.imglib2.FinalInterval;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.view.Views;

/**
 * Train Denoiser and Denoise Volume as every front end runs them: on a real CT crop with added
 * noise (48 x 48 x 32 of example_ct, sigma 50 HU), on a 2-D + time stack, and on bad input.
 * Trainings are short (seconds); the denoiser's quality at its defaults is `convkit evaluate ct-denoise`'s.
 */
class CtDenoiseCommandsTest {

	@RegisterExtension
	static final HeadlessCommands commands = new HeadlessCommands();

	@TempDir
	static Path shared;

	@TempDir
	Path dir;

	/** A model trained once on the noisy crop (the first test checks it), used by the others. */
	static Path model;
	static ImagePlus clean, noisy;

	@BeforeAll
	static void trainOnce() throws Exception {
		Volume v = NiftiFiles.read(CtData.ct());
		var crop = Views.zeroMin(Views.interval(v.voxels(), new FinalInterval(new long[] {37, 26, 40}, new long[] {84, 73, 71})));
		PlanarImg<net.imglib2.type.numeric.real.FloatType, net.imglib2.img.basictypeaccess.array.FloatArray> cleanVoxels = Volume.allocate(48, 48, 32),
			noisyVoxels = Volume.allocate(48, 48, 32);
		var c = Views.flatIterable(crop).cursor();
		var a = Views.flatIterable(cleanVoxels).cursor();
		var b = Views.flatIterable(noisyVoxels).cursor();
		Random random = new Random(7);
		while (c.hasNext()) {
			float value = c.next().getRealFloat();
			a.next().set(value);
			b.next().set((float) (value + 50 * random.nextGaussian()));
		}
		VolumeGeometry g = v.geometry();
		clean = CtImages.toImagePlus(new Volume(cleanVoxels, g, ValueKind.HOUNSFIELD, "clean crop", List.of()), "clean", null);
		noisy = CtImages.toImagePlus(new Volume(noisyVoxels, g, ValueKind.HOUNSFIELD, "noisy crop", List.of()), "noisy", null);
		model = shared.resolve("model");
		trained = commands.run("Train Denoiser", Map.of("image", noisy, "model", model.toFile(), "epochs", 4, "steps_per_epoch", 10, "patch_size", 32,
			"patch_depth", 24, "batch_size", 2));
		denoised = (ImagePlus) commands.run("Denoise Volume", Map.of("image", noisy, "model", model.toFile())).get("denoised");
	}

	static ImagePlus denoised;

	static Map<String, Object> trained;

	@Test
	void trainsOnTheNoisyVolumeItselfAndSavesAModelFolder() throws Exception {
		assertTrue(Files.isRegularFile(model.resolve(VolumeModel.PARAMETERS)));
		Properties p = new Properties();
		try (FileReader r = new FileReader(model.resolve(VolumeModel.PROPERTIES).toFile())) {
			p.load(r);
		}
		assertEquals("denoise", p.getProperty("task"));
		assertEquals("112", p.getProperty("tile"));
		assertEquals("HOUNSFIELD", p.getProperty(CtModels.VALUES));
		assertEquals("z", p.getProperty(CtModels.THIRD_AXIS));
		assertEquals("32x32x24", p.getProperty("recipe.patch"));
		assertEquals("3.0,3.0,3.0", p.getProperty("spacing"));
		ResultsTable table = (ResultsTable) trained.get("training");
		assertEquals(4, table.size(), "one row per epoch");
		assertEquals(40, table.getValue("step", 3));
		assertTrue(table.getValue("voxels_per_s", 3) > 0);
		String summary = (String) trained.get("summary");
		assertTrue(summary.startsWith("trained a denoiser on 'noisy' (48x48x32, 1 channel) for 4 epochs of 10 steps"), summary);
	}

	@Test
	void denoisesWithTheInputsGeometryAndGainsOverTheNoisyInput() throws Exception {
		assertEquals("noisy-denoised", denoised.getTitle());
		assertArrayEquals(noisy.getDimensions(), denoised.getDimensions());
		Calibration cal = denoised.getCalibration();
		assertEquals(3, cal.pixelWidth);
		assertEquals(3, cal.pixelDepth);
		assertEquals("mm", cal.getUnit());
		assertEquals("HU", cal.getValueUnit());
		assertEquals(noisy.getProp(CtImages.GEOMETRY), denoised.getProp(CtImages.GEOMETRY));
		assertEquals("HOUNSFIELD", denoised.getProp(CtImages.VALUES));
		var reference = CtImages.toVolume(clean, "clean").voxels();
		double range = ImageQuality.range(reference);
		double before = ImageQuality.psnr(reference, CtImages.toVolume(noisy, "noisy").voxels(), range);
		double after = ImageQuality.psnr(reference, CtImages.toVolume(denoised, "denoised").voxels(), range);
		// a short training: DenoiseRealDataTest measured +1.44 dB on this crop with 40 steps
		assertTrue(after > before + 0.8, "PSNR " + before + " dB noisy, " + after + " dB denoised");
	}

	@Test
	void runsAsAModelFolderThroughRun3dModel() throws Exception {
		Map<String, Object> out = commands.run("Run 3D Model", Map.of("image", noisy, "model", model.toFile()));
		ImagePlus values = (ImagePlus) out.get("result");
		assertEquals("noisy-values", values.getTitle());
		assertArrayEquals((float[]) denoised.getStack().getPixels(9), (float[]) values.getStack().getPixels(9), 1e-3f);
		assertTrue(((String) out.get("info")).startsWith("values of 'noisy' (48x48x32, 1 channel) by unet3d"), (String) out.get("info"));
	}

	@Test
	void trainsAndDenoisesA2dPlusTimeStackWithTimeAsTheThirdAxis() throws Exception {
		int w = 32, h = 32, t = 24;
		ImageStack stack = new ImageStack(w, h);
		Random random = new Random(3);
		for (int f = 0; f < t; f++) {
			float[] plane = new float[w * h];
			for (int i = 0; i < plane.length; i++) {
				int x = i % w, y = i / w;
				plane[i] = (float) (((x - 8 - f / 2) * (x - 8 - f / 2) + (y - 16) * (y - 16) < 40 ? 100 : 0) + 10 * random.nextGaussian());
			}
			stack.addSlice(null, plane);
		}
		ImagePlus movie = new ImagePlus("movie", stack);
		movie.setDimensions(1, 1, t);
		movie.getCalibration().frameInterval = 0.5;
		movie.getCalibration().setTimeUnit("s");
		Path folder = dir.resolve("movie-model");
		Map<String, Object> trainedMovie = commands.run("Train Denoiser", Map.of("image", movie, "model", folder.toFile(), "epochs", 1,
			"steps_per_epoch", 2, "patch_size", 16, "patch_depth", 16, "batch_size", 1));
		assertTrue(((String) trainedMovie.get("summary")).contains("(32x32, 24 frames as the third axis, 1 channel)"), (String) trainedMovie.get("summary"));
		Properties p = new Properties();
		try (FileReader r = new FileReader(folder.resolve(VolumeModel.PROPERTIES).toFile())) {
			p.load(r);
		}
		assertEquals("t", p.getProperty(CtModels.THIRD_AXIS));
		assertEquals("1.0,1.0,0.5", p.getProperty("spacing"), "x and y in pixels (no calibration), t in seconds");
		ImagePlus result = (ImagePlus) commands.run("Denoise Volume", Map.of("image", movie, "model", folder.toFile())).get("denoised");
		assertArrayEquals(new int[] {32, 32, 1, 1, 24}, result.getDimensions());
		assertEquals(0.5, result.getCalibration().frameInterval);
		float[] first = (float[]) result.getStack().getPixels(1);
		assertTrue(first[16 * w + 8] > 50 && Math.abs(first[2 * w + 28]) < 50, "the disc stays, the background stays near 0");
	}

	@Test
	void badInputIsRefusedWithAMessageNamingTheMismatch() throws Exception {
		// another channel count than the model's
		ImageStack two = new ImageStack(48, 48);
		for (int i = 0; i < 2 * 32; i++) two.addSlice(null, noisy.getStack().getPixels(i / 2 + 1));
		ImagePlus channels = new ImagePlus("two channels", two);
		channels.setDimensions(2, 32, 1);
		channels.setCalibration(noisy.getCalibration().copy());
		channels.setProp(CtImages.GEOMETRY, noisy.getProp(CtImages.GEOMETRY));
		channels.setProp(CtImages.VALUES, "HOUNSFIELD");
		assertEquals("model: " + model + " expects 1 input channel(s), but the volume has 2", fail("Denoise Volume", Map.of("image", channels, "model", model.toFile())));
		assertEquals("model: " + model + " expects 1 input channel(s), but the volume has 2", fail("Run 3D Model", Map.of("image", channels, "model", model.toFile())));
		assertEquals(String.format(TrainDenoiserCommand.CHANNELS, "two channels", 2),
			fail("Train Denoiser", Map.of("image", channels, "model", dir.resolve("m2").toFile())));

		// a tile smaller than the receptive field
		String small = fail("Denoise Volume", Map.of("image", noisy, "model", model.toFile(), "tile_size", 40));
		assertTrue(small.startsWith("tile_size: 40 in dimension 0 is too small for unet3d") && small.endsWith("(28 voxels per side for its receptive field), at least 60"),
			small);
		assertEquals(small, fail("Train Denoiser", Map.of("image", noisy, "model", dir.resolve("m3").toFile(), "tile_size", 40)));
		assertEquals(String.format(RunModel3dCommand.SMALL_OVERLAP, 8, model, 28, 28),
			fail("Run 3D Model", Map.of("image", noisy, "model", model.toFile(), "overlap", 8)));

		// not CT: intensities (no HU calibration), e.g. MR
		ImagePlus mr = noisy.duplicate();
		mr.setTitle("mr");
		mr.setProp(CtImages.VALUES, "INTENSITY");
		mr.getCalibration().setValueUnit("");
		assertEquals(String.format(CtModels.OTHER_VALUES, "mr", "intensities, not HU", model, "CT values (HU)"),
			fail("Denoise Volume", Map.of("image", mr, "model", model.toFile())));
		assertEquals(String.format(RunModel3dCommand.NOT_HU, "mr", "intensities without a HU calibration"),
			fail("Run 3D Model", Map.of("image", mr, "model", dir.toFile(), "normalisation", "hu_window")));

		// a denoiser gives values, not classes
		assertEquals(String.format(RunModel3dCommand.VALUES_ONLY, model), fail("Run 3D Model", Map.of("image", noisy, "model", model.toFile(), "output", "labels")));

		// one plane is no volume
		ImagePlus plane = new ImagePlus("plane", noisy.getStack().getProcessor(1));
		assertEquals(String.format(VolumeStacks.TOO_THIN, "image", "plane", "a single plane"), fail("Denoise Volume", Map.of("image", plane, "model", model.toFile())));

		// the model folder: not a model, a non-empty folder without overwrite, a file in its place
		Path empty = Files.createDirectories(dir.resolve("empty"));
		assertEquals("model: expected a folder holding " + VolumeModel.PARAMETERS + " and " + VolumeModel.PROPERTIES
			+ " (written by ConvKit's CT training), got " + empty, fail("Denoise Volume", Map.of("image", noisy, "model", empty.toFile())));
		assertEquals(String.format(ModelFolders.NOT_EMPTY, "model", model, "convkit-model.properties, unet3d.params",
			VolumeModel.PARAMETERS + " and " + VolumeModel.PROPERTIES), fail("Train Denoiser", Map.of("image", noisy, "model", model.toFile())));
		Path file = Files.writeString(dir.resolve("file"), "x");
		assertEquals(String.format(ModelFolders.IS_FILE, "model", file), fail("Train Denoiser", Map.of("image", noisy, "model", file.toFile())));
		// what cannot fit is refused before training, naming the option to lower
		ImageStack big = new ImageStack(256, 256);
		for (int z = 0; z < 256; z++) big.addSlice(null, new float[256 * 256]);
		String memory = fail("Train Denoiser", Map.of("image", new ImagePlus("big", big), "model", dir.resolve("m5").toFile(), "patch_size", 256,
			"patch_depth", 256, "batch_size", 64));
		assertTrue(memory.startsWith("patch_size: training a denoiser on 256x256x256, 1 channel with 64 patches of 256x256x256 per step needs about ")
			&& memory.contains("lower patch_size (use smaller patches or batch_size)"), memory);
		assertFalse(Files.exists(dir.resolve("m5")), "nothing written");
		// too small to train on
		ImageStack eight = new ImageStack(48, 48);
		for (int z = 0; z < 8; z++) eight.addSlice(null, noisy.getStack().getPixels(z + 1));
		ImagePlus thin = new ImagePlus("thin", eight);
		assertEquals(String.format(TrainDenoiserCommand.TOO_SMALL, "thin", "48x48x8, 1 channel", 16), fail("Train Denoiser", Map.of("image", thin, "model",
			dir.resolve("m4").toFile())));
	}

	private static String fail(String title, Map<String, Object> inputs) {
		return assertThrows(CommandFailedException.class, () -> commands.run(title, new HashMap<>(inputs))).getMessage();
	}
}
