package org.convkit.commands.ct;

import static org.junit.jupiter.api.Assertions.*;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.convkit.commands.HeadlessCommands;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.convkit.ct.VolumeGeometry;
import org.convkit.ct.net.Intensity;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;
import org.convkit.ct.segment.Segmenter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.module.Module;
import org.scijava.module.ModuleService;

import net.imglib2.img.planar.PlanarImg;

/** Train Segmenter, Segment Volume and Evaluate Segmentation as every front end runs them: geometry kept, bad input refused by name. */
class SegmentCommandsTest {

	@RegisterExtension
	static final HeadlessCommands commands = new HeadlessCommands();

	@TempDir
	Path dir;

	static final VolumeGeometry GEOMETRY = new VolumeGeometry(new double[] {2, 2, 3}, new double[] {-10, 20, 35.5}, new double[] {-1, 0, 0, 0, -1, 0, 0, 0, 1});

	/** A 32x28x16 volume: a bright box (label 4) and a darker one (label 9) in tissue. */
	static ImagePlus[] volumeAndLabels(VolumeGeometry labelGeometry) {
		PlanarImg<net.imglib2.type.numeric.real.FloatType, net.imglib2.img.basictypeaccess.array.FloatArray> img = Volume.allocate(32, 28, 16),
			lab = Volume.allocate(32, 28, 16);
		for (int z = 0; z < 16; z++) {
			float[] v = img.getPlane(z).getCurrentStorageArray(), l = lab.getPlane(z).getCurrentStorageArray();
			for (int y = 0; y < 28; y++)
				for (int x = 0; x < 32; x++) {
					int i = y * 32 + x;
					v[i] = 40 + (x * 7 + y * 13 + z * 3) % 11;
					if (x >= 4 && x < 14 && y >= 5 && y < 15 && z >= 3 && z < 12) {
						v[i] = 150;
						l[i] = 4;
					}
					if (x >= 20 && x < 26 && y >= 16 && y < 24 && z >= 6 && z < 10) {
						v[i] = -80;
						l[i] = 9;
					}
				}
		}
		ImagePlus image = CtImages.toImagePlus(new Volume(img, GEOMETRY, ValueKind.HOUNSFIELD, "test", List.of()), "body", null);
		ImagePlus labels = CtImages.toImagePlus(new Volume(lab, labelGeometry, ValueKind.LABELS, "test", List.of()), "body-seg", null);
		return new ImagePlus[] {image, labels};
	}

	@Test
	void trainSegmentAndEvaluateKeepTheInputsGeometryAndCountMillilitres() throws Exception {
		ImagePlus[] in = volumeAndLabels(GEOMETRY);
		Path model = dir.resolve("model");
		Map<String, Object> trained = commands.run("Train Segmenter", Map.of("image", in[0], "labels", in[1], "model", model.toFile(), "epochs", 2,
			"steps_per_epoch", 2, "patch_xy", 16, "patch_z", 8, "label_values", "9, 4", "members", 1));
		assertTrue(((String) trained.get("summary")).contains("labels 9,4"), (String) trained.get("summary"));
		Properties p = new Properties();
		try (var r = Files.newBufferedReader(model.resolve(VolumeModel.PROPERTIES))) {
			p.load(r);
		}
		assertEquals("segment", p.getProperty("task"));
		assertEquals("9,4", p.getProperty(Segmenter.LABEL_VALUES));
		assertEquals("3", p.getProperty("out_channels"));
		assertEquals("2.0,2.0,3.0", p.getProperty("spacing"));
		assertEquals(2, ((ResultsTable) trained.get("training")).size());

		Map<String, Object> out = commands.run("Segment Volume", Map.of("image", in[0], "model", model.toFile(), "probabilities", true));
		ImagePlus seg = (ImagePlus) out.get("segmentation");
		assertArrayEquals(new int[] {32, 28, 1, 16, 1}, seg.getDimensions());
		assertEquals("body-labels", seg.getTitle());
		assertEquals(3, seg.getCalibration().pixelDepth);
		assertEquals("mm", seg.getCalibration().getUnit());
		assertTrue(GEOMETRY.approximatelyEquals(VolumeGeometry.parse(seg.getProp(CtImages.GEOMETRY)), 1e-12));
		assertEquals("LABELS", seg.getProp(CtImages.VALUES));
		ImagePlus prob = (ImagePlus) out.get("probability_map");
		assertArrayEquals(new int[] {32, 28, 3, 16, 1}, prob.getDimensions());
		ResultsTable table = (ResultsTable) out.get("volumes");
		assertEquals(2, table.size());
		assertEquals(9, table.getValue("label", 0));
		for (int row = 0; row < 2; row++)
			assertEquals(table.getValue("voxels", row) * 12 / 1000, table.getValue("volume_mL", row), 1e-9); // 2 x 2 x 3 mm = 12 mm^3

		// the reference against itself: Dice 1, HD95 0, the hand-counted volumes: label 4 is 10 x 10 x 9 voxels, label 9 6 x 8 x 4
		Map<String, Object> scored = commands.run("Evaluate Segmentation", Map.of("segmentation", in[1], "reference", in[1]));
		ResultsTable scores = (ResultsTable) scored.get("scores");
		assertEquals(4, scores.getValue("label", 0));
		assertEquals(1, scores.getValue("dice", 0));
		assertEquals(0, scores.getValue("hd95_mm", 0));
		assertEquals(900 * 12 / 1000.0, scores.getValue("reference_mL", 0), 1e-9);
		assertEquals(192 * 12 / 1000.0, scores.getValue("reference_mL", 1), 1e-9);
		Map<String, Object> scoredSeg = commands.run("Evaluate Segmentation", Map.of("segmentation", seg, "reference", in[1], "label_values", "4"));
		assertEquals(1, ((ResultsTable) scoredSeg.get("scores")).size());
	}

	@Test
	void anEnsembleWithEarlyStoppingTrainsIntoOneFolderThatSegmentVolumeReads() throws Exception {
		ImagePlus[] in = volumeAndLabels(GEOMETRY);
		Path model = dir.resolve("ensemble");
		Map<String, Object> options = new HashMap<>(Map.of("image", in[0], "labels", in[1], "model", model.toFile(), "epochs", 2, "steps_per_epoch", 2,
			"patch_xy", 16, "patch_z", 8));
		options.putAll(Map.of("members", 2, "patience", 1, "noise", 0.1, "weight_decay", 1e-4));
		Map<String, Object> trained = commands.run("Train Segmenter", options);
		String summary = (String) trained.get("summary");
		assertTrue(summary.contains("for up to 2 epochs (2 members (seeds 42,43), best epochs "), summary);
		Properties p = new Properties();
		try (var r = Files.newBufferedReader(model.resolve(VolumeModel.PROPERTIES))) {
			p.load(r);
		}
		assertEquals("2", p.getProperty(VolumeModel.MEMBERS));
		assertEquals("42,43", p.getProperty(Segmenter.MEMBER_SEEDS));
		assertEquals("1.0E-4", p.getProperty("recipe.weight_decay"));
		assertEquals("1", p.getProperty("recipe.patience"));
		assertTrue(p.getProperty("recipe.augmentation").contains("noise=0.1"), p.getProperty("recipe.augmentation"));
		assertTrue(Files.isRegularFile(model.resolve("unet3d-member2.params")));
		ResultsTable table = (ResultsTable) trained.get("training");
		assertEquals(1, table.getValue("member", 0));
		assertEquals(2, table.getValue("member", table.size() - 1));

		Map<String, Object> out = commands.run("Segment Volume", Map.of("image", in[0], "model", model.toFile()));
		assertArrayEquals(new int[] {32, 28, 1, 16, 1}, ((ImagePlus) out.get("segmentation")).getDimensions());
	}

	@Test
	void badInputIsRefusedNamingTheFilesAndTheMismatch() throws Exception {
		ImagePlus[] in = volumeAndLabels(GEOMETRY);
		Path model = dir.resolve("m");
		CommandFailedException e = assertThrows(CommandFailedException.class,
			() -> commands.run("Train Segmenter", Map.of("image", in[0], "labels", in[1], "model", model.toFile(), "label_values", "4,7")));
		assertEquals("label_values: 7 does not occur in 'body-seg' (it holds 4,9)", e.getMessage());
		e = assertThrows(CommandFailedException.class,
			() -> commands.run("Train Segmenter", Map.of("image", in[0], "labels", in[1], "model", model.toFile(), "label_values", "4,x")));
		assertEquals("label_values: expected comma-separated whole numbers other than 0 (e.g. 5,1,2), got '4,x'", e.getMessage());

		ImagePlus shifted = volumeAndLabels(new VolumeGeometry(new double[] {2, 2, 3}, new double[] {-10, 20, 38.5}, GEOMETRY.direction()))[1];
		shifted.setTitle("other-seg");
		e = assertThrows(CommandFailedException.class, () -> commands.run("Train Segmenter", Map.of("image", in[0], "labels", shifted, "model", model.toFile())));
		assertTrue(e.getMessage().startsWith("labels: 'other-seg' (spacing 2 x 2 x 3 mm, origin (-10, 20, 38.5)"), e.getMessage());
		assertTrue(e.getMessage().contains("does not lie on the grid of 'body' (spacing 2 x 2 x 3 mm, origin (-10, 20, 35.5)"), e.getMessage());

		ImageStack small = new ImageStack(32, 28);
		for (int z = 0; z < 15; z++) small.addSlice(new ij.process.FloatProcessor(32, 28));
		ImagePlus smaller = new ImagePlus("short-seg", small);
		e = assertThrows(CommandFailedException.class, () -> commands.run("Train Segmenter", Map.of("image", in[0], "labels", smaller, "model", model.toFile())));
		assertEquals("labels: 'short-seg' is 32x28x15 voxels but 'body' is 32x28x16; a label volume must have its image's size", e.getMessage());

		ImagePlus empty = volumeAndLabels(GEOMETRY)[1];
		for (int z = 1; z <= 16; z++) empty.getStack().getProcessor(z).set(0);
		e = assertThrows(CommandFailedException.class, () -> commands.run("Train Segmenter", Map.of("image", in[0], "labels", empty, "model", model.toFile())));
		assertEquals("labels: 'body-seg' holds no label (every voxel is 0)", e.getMessage());

		// a denoising model is not a segmenter; a folder without a model is named
		UNet3d.Config net = new UNet3d.Config(1, 2, UNet3d.Normalization.NONE, false, 1, 1);
		VolumeModel denoiser = new VolumeModel(net, VolumeModel.Task.DENOISE, Intensity.NONE, UNet3d.minimumTile(net), null, null, parameters(net));
		Path denoise = dir.resolve("denoiser");
		denoiser.save(denoise);
		e = assertThrows(CommandFailedException.class, () -> commands.run("Segment Volume", Map.of("image", in[0], "model", denoise.toFile())));
		assertEquals("model: " + denoise + " holds a denoise model, but a segment model is needed here", e.getMessage());
		e = assertThrows(CommandFailedException.class, () -> commands.run("Segment Volume", Map.of("image", in[0], "model", dir.toFile())));
		assertTrue(e.getMessage().startsWith("model: expected a folder holding unet3d.params"), e.getMessage());

		// what cannot fit is refused before training, naming the option to change
		e = assertThrows(CommandFailedException.class,
			() -> commands.run("Train Segmenter", Map.of("image", in[0], "labels", in[1], "model", model.toFile(), "spacing", "0.02")));
		assertTrue(e.getMessage().startsWith("spacing: training a segmenter on 32x28x16 resampled to 0.02000x0.02000x0.02000 mm (3200x2800x2400 voxels) needs about "),
			e.getMessage());
		assertTrue(e.getMessage().endsWith("; raise spacing (a coarser working spacing)"), e.getMessage());
		// an existing model folder is not replaced without overwrite, and a refused training writes nothing
		e = assertThrows(CommandFailedException.class, () -> commands.run("Train Segmenter", Map.of("image", in[0], "labels", in[1], "model", denoise.toFile())));
		assertTrue(e.getMessage().startsWith("model: " + denoise + " exists and is not empty"), e.getMessage());
		assertFalse(Files.exists(model));
	}

	@Test
	void onlyTheLabelledSlicesAreLearntFromAndOnlyTheChosenSlicesScored() throws Exception {
		ImagePlus[] in = volumeAndLabels(GEOMETRY);
		// the same labels with slices 13-16 wrong (all label 4): labels a user has not drawn yet
		ImagePlus wrong = volumeAndLabels(GEOMETRY)[1];
		for (int z = 13; z <= 16; z++) wrong.getStack().getProcessor(z).set(4);
		Map<String, Object> options = new HashMap<>(Map.of("image", in[0], "epochs", 2, "steps_per_epoch", 2, "patch_xy", 16, "patch_z", 8,
			"label_values", "4,9", "members", 1));
		Path right = dir.resolve("right"), ignored = dir.resolve("ignored"), learnt = dir.resolve("learnt");
		options.putAll(Map.of("labels", in[1], "model", right.toFile(), "labelled_slices", "1-12"));
		String summary = (String) commands.run("Train Segmenter", options).get("summary");
		assertTrue(summary.contains("(32x28x16, labels 4,9, slices 1-12)"), summary);
		options.putAll(Map.of("labels", wrong, "model", ignored.toFile()));
		commands.run("Train Segmenter", options);
		options.putAll(Map.of("model", learnt.toFile(), "labelled_slices", ""));
		commands.run("Train Segmenter", options);
		byte[] a = Files.readAllBytes(right.resolve(VolumeModel.PARAMETERS));
		assertArrayEquals(a, Files.readAllBytes(ignored.resolve(VolumeModel.PARAMETERS)), "labels outside labelled_slices play no part");
		assertFalse(java.util.Arrays.equals(a, Files.readAllBytes(learnt.resolve(VolumeModel.PARAMETERS))), "without labelled_slices they are learnt");
		Properties p = new Properties();
		try (var r = Files.newBufferedReader(right.resolve(VolumeModel.PROPERTIES))) {
			p.load(r);
		}
		assertEquals("1-12", p.getProperty(Segmenter.LABELLED_SLICES));

		// scored on slices 1-12 the wrong slices do not count; on 1-6 only label 4's first 3 slices are there (10 x 10 x 3 voxels of 12 mm^3)
		ResultsTable all = (ResultsTable) commands.run("Evaluate Segmentation", Map.of("segmentation", wrong, "reference", in[1])).get("scores");
		assertTrue(all.getValue("dice", 0) < 0.9, "label 4 over every slice: " + all.getValue("dice", 0));
		Map<String, Object> part = commands.run("Evaluate Segmentation", Map.of("segmentation", wrong, "reference", in[1], "slices", "1-12"));
		ResultsTable scored = (ResultsTable) part.get("scores");
		assertEquals(1, scored.getValue("dice", 0));
		assertEquals(0, scored.getValue("hd95_mm", 0));
		assertTrue(((String) part.get("summary")).startsWith("'body-seg' against 'body-seg' on slices 1-12:"), (String) part.get("summary"));
		scored = (ResultsTable) commands.run("Evaluate Segmentation", Map.of("segmentation", wrong, "reference", in[1], "slices", "1-6")).get("scores");
		assertEquals(1, scored.size());
		assertEquals(4, scored.getValue("label", 0));
		assertEquals(300 * 12 / 1000.0, scored.getValue("reference_mL", 0), 1e-9);

		// bad ranges are refused naming the option, the image and what was expected; nothing is written
		Path none = dir.resolve("none");
		Map<String, Object> bad = new HashMap<>(Map.of("image", in[0], "labels", in[1], "model", none.toFile(), "label_values", "4,9"));
		bad.put("labelled_slices", "1-17");
		CommandFailedException e = assertThrows(CommandFailedException.class, () -> commands.run("Train Segmenter", bad));
		assertEquals("labelled_slices: slice 17 is outside 'body-seg', which has slices 1 to 16", e.getMessage());
		bad.put("labelled_slices", "0-5");
		e = assertThrows(CommandFailedException.class, () -> commands.run("Train Segmenter", bad));
		assertEquals("labelled_slices: expected slice ranges numbered as in Fiji, from 1 (e.g. 1-20 or 1-20,41-60), got '0-5'", e.getMessage());
		bad.put("labelled_slices", "1-5");
		e = assertThrows(CommandFailedException.class, () -> commands.run("Train Segmenter", bad));
		assertEquals("label_values: 9 does not occur in 'body-seg' (slices 1-5) (it holds 4)", e.getMessage());
		bad.put("labelled_slices", "1-12,15-16");
		e = assertThrows(CommandFailedException.class, () -> commands.run("Train Segmenter", bad));
		assertEquals("image: 'body' slices 15-16 (32x28x2 voxels at the working spacing) is too small to train on; each side needs at least 8 voxels",
			e.getMessage());
		e = assertThrows(CommandFailedException.class,
			() -> commands.run("Evaluate Segmentation", Map.of("segmentation", wrong, "reference", in[1], "slices", "12-3")));
		assertEquals("slices: expected slice ranges numbered as in Fiji, from 1 (e.g. 1-20 or 1-20,41-60), got '12-3'", e.getMessage());
		assertFalse(Files.exists(none));
	}

	@Test
	void aRunningTrainingCanBeCanceledAndSavesNothing() throws Exception {
		ImagePlus[] in = volumeAndLabels(GEOMETRY);
		Path model = dir.resolve("canceled");
		ModuleService modules = commands.context().service(ModuleService.class);
		Map<String, Object> inputs = new HashMap<>(Map.of("image", in[0], "labels", in[1], "model", model.toFile(), "epochs", 1000, "steps_per_epoch", 1000,
			"patch_xy", 16, "patch_z", 8));
		Module module = modules.createModule(commands.executor().find("Train Segmenter"));
		Future<Module> running = modules.run(module, true, inputs);
		TrainSegmenterCommand command = (TrainSegmenterCommand) module.getDelegateObject();
		Thread.sleep(1500); // some steps run (tens of ms each)
		command.cancel("canceled by the user");
		running.get(120, TimeUnit.SECONDS); // 10^6 steps would take hours: returning at all shows it stopped
		assertTrue(command.isCanceled());
		assertEquals("canceled by the user", command.getCancelReason());
		assertNull(module.getOutput("summary"));
		assertFalse(Files.exists(model.resolve(VolumeModel.PARAMETERS)), "no model after a cancel");
		assertFalse(Files.exists(model.resolve(VolumeModel.PROPERTIES)));
	}

	private static byte[] parameters(UNet3d.Config net) throws Exception {
		try (ai.djl.Model m = ai.djl.Model.newInstance("t")) {
			m.setBlock(UNet3d.build(net));
			m.getBlock().initialize(m.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 1, 2, 2, 2));
			return org.convkit.core.runtime.BlockParameters.toBytes(m.getBlock());
		}
	}
}
