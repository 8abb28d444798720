package org.convkit.commands.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.commands.HeadlessCommands;
import org.convkit.core.runtime.MemoryGuard;
import org.convkit.style.LossWeights;
import org.convkit.style.RandomFeatures;
import org.convkit.style.StyleMemory;
import org.junit.jupiter.api.Assumptions;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.style.FeatureNetwork;
import org.convkit.style.FeatureNetworks;
import org.convkit.style.RgbImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.module.Module;
import org.scijava.module.ModuleService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Style commands as every front end runs them: through SciJava's module service
 * ({@link CommandExecutor}), headless, with the random feature network on small generated images
 * (and the shared photos, {@code ../shared/data/style/photos}, for Top Activating Patches; skipped
 * when absent). Assertions on the images, logs and tables produced and on bad-input messages.
 */
public class StyleCommandsTest {

	private static final Path PHOTOS = Path.of("..", "shared", "data", "style", "photos");

	@RegisterExtension
	static final HeadlessCommands commands = new HeadlessCommands();

	@TempDir
	Path temp;

	/** An RGB disc on a ramp (content) or diagonal red/blue stripes (style). */
	public static ColorProcessor picture(int size, boolean stripes) {
		ColorProcessor p = new ColorProcessor(size, size);
		for (int y = 0; y < size; y++) {
			for (int x = 0; x < size; x++) {
				if (stripes) p.set(x, y, ((x + y) / 4) % 2 == 0 ? 0xE02010 : 0x1020E0);
				else p.set(x, y, Math.hypot(x - size / 2.0, y - size / 2.0) < size / 4.0 ? 0xF0C080 : (int) (30 + 150.0 * x / size) * 0x010101);
			}
		}
		return p;
	}

	private static Map<String, Object> run(String command, Object... keyValues) throws CommandFailedException {
		Map<String, Object> inputs = new HashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) inputs.put((String) keyValues[i], keyValues[i + 1]);
		return commands.run(command, inputs);
	}

	@Test
	void stylesAnImageWithProgressAndLeavesTheInputsAlone() throws CommandFailedException {
		ImagePlus content = new ImagePlus("disc.tif", picture(48, false)), style = new ImagePlus("stripes.tif", picture(40, true));
		int[] before = ((int[]) content.getProcessor().getPixels()).clone();
		Map<String, Object> out = run("Style Transfer", "content", content, "style", style, "network", "random", "iterations", 8,
			"size", 0, "show_progress", true, "progress_every", 4);
		ImagePlus output = (ImagePlus) out.get("output");
		assertEquals("disc-styled", output.getTitle());
		assertEquals(ImagePlus.COLOR_RGB, output.getType());
		assertEquals(48, output.getWidth());
		assertEquals(48, output.getHeight());
		assertArrayEquals(before, (int[]) content.getProcessor().getPixels(), "the content image is not modified");
		int changed = 0;
		int[] result = (int[]) output.getProcessor().getPixels();
		for (int i = 0; i < result.length; i++) if (result[i] != before[i]) changed++;
		assertTrue(changed > result.length / 2, changed + " of " + result.length + " pixels changed");

		ImagePlus progress = (ImagePlus) out.get("progress");
		assertEquals(2, progress.getStackSize(), "snapshots after 4 and 8 iterations");
		assertTrue(progress.getStack().getSliceLabel(1).startsWith("frame 1, iteration 4: J="), progress.getStack().getSliceLabel(1));
		assertTrue(progress.getStack().getSliceLabel(2).startsWith("frame 1, iteration 8: J="), progress.getStack().getSliceLabel(2));
		assertArrayEquals(result, (int[]) progress.getStack().getProcessor(2).getPixels(), "the last snapshot is the result");

		String log = (String) out.get("log");
		assertTrue(log.startsWith("Style Transfer: network random multi-scale features"), log);
		List<String> lines = log.lines().toList();
		// numbered as the snapshots are: after 0, 4 and 8 iterations (it was 0, 3, 7, 8)
		assertEquals(List.of("frame 1 iteration 0", "frame 1 iteration 4", "frame 1 iteration 8"),
			lines.subList(1, lines.size()).stream().map(l -> l.substring(0, l.indexOf(':'))).toList(), log);
		double first = total(lines.get(1)), last = total(lines.get(lines.size() - 1));
		assertTrue(last < first, "J fell: " + log);
	}

	@Test
	void aSizeThatCannotFitIsRefusedBeforeAnyWorkWithTheEstimateAndTheLimit() {
		long needed;
		try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
			needed = StyleMemory.nativeBytes(RandomFeatures.create(RandomFeatures.DEFAULT_SEED, manager), LossWeights.defaults(), 4096L * 4096);
		}
		Assumptions.assumeTrue(MemoryGuard.physicalAvailable() < needed, "this machine has room for a 4096x4096 style transfer");
		ImagePlus content = new ImagePlus("disc.tif", picture(48, false)), style = new ImagePlus("stripes.tif", picture(40, true));
		CommandFailedException e = assertThrows(CommandFailedException.class,
			() -> run("Style Transfer", "content", content, "style", style, "network", "random", "iterations", 10000, "size", 4096));
		assertTrue(e.getMessage().startsWith("size: style transfer at 4096x4096 with random multi-scale features"), e.getMessage());
		assertTrue(e.getMessage().matches(".* needs about \\d+\\.\\d GB \\(\\d+\\.\\d GB native, \\d+ MB Java heap\\), but this machine has .* available; lower size \\(at most about \\d+ fits\\)"), e.getMessage());
	}

	private static double total(String line) {
		String j = line.substring(line.indexOf("J=") + 2);
		return Double.parseDouble(j.substring(0, j.indexOf(' ')));
	}

	@Test
	void stylesAStackFrameByFrame() throws CommandFailedException {
		ImageStack frames = new ImageStack(32, 32);
		frames.addSlice(picture(32, false));
		ColorProcessor second = picture(32, false);
		second.flipHorizontal();
		frames.addSlice(second);
		Map<String, Object> out = run("Style Transfer", "content", new ImagePlus("movie", frames), "style", new ImagePlus("s", picture(32, true)),
			"network", "random", "iterations", 3, "size", 0, "optimizer", "lbfgs");
		ImagePlus output = (ImagePlus) out.get("output");
		assertEquals(2, output.getStackSize());
		assertEquals("frame 2", output.getStack().getSliceLabel(2));
		assertNull(out.get("progress"));
		assertEquals(3, ((String) out.get("log")).lines().count(), (String) out.get("log"));
	}

	@Test
	void resizesToTheRequestedLongestEdgeAndReadsGreyImages() throws CommandFailedException {
		ByteProcessor grey = new ByteProcessor(60, 30);
		for (int i = 0; i < 60 * 30; i++) grey.set(i, (i * 7) % 256);
		Map<String, Object> out = run("Style Transfer", "content", new ImagePlus("grey", grey), "style", new ImagePlus("s", picture(32, true)),
			"network", "random", "iterations", 2, "size", 40, "preserve_color", true);
		ImagePlus output = (ImagePlus) out.get("output");
		assertEquals(40, output.getWidth());
		assertEquals(20, output.getHeight());
	}

	@Test
	void aRunningTransferCanBeCanceled() throws Exception {
		ModuleService modules = commands.context().service(ModuleService.class);
		Map<String, Object> inputs = new HashMap<>(Map.of("content", new ImagePlus("c", picture(48, false)), "style", new ImagePlus("s", picture(48, true)),
			"network", "random", "iterations", 10000, "size", 0));
		Module module = modules.createModule(commands.executor().find("Style Transfer"));
		Future<Module> running = modules.run(module, true, inputs);
		StyleTransferCommand command = (StyleTransferCommand) module.getDelegateObject();
		Thread.sleep(2000); // some iterations run (about 30 ms each)
		command.cancel("canceled by the user");
		running.get(120, TimeUnit.SECONDS); // 10000 iterations would take minutes: returning at all shows it stopped
		assertTrue(command.isCanceled());
		assertEquals("canceled by the user", command.getCancelReason());
		assertNull(module.getOutput("output"), "no result image after a cancel");
	}

	@Test
	void badInputNamesTheParameter() {
		ImagePlus content = new ImagePlus("c", picture(32, false)), style = new ImagePlus("s", picture(32, true));
		ImageStack two = new ImageStack(32, 32);
		two.addSlice(picture(32, true));
		two.addSlice(picture(32, true));
		assertMessage("style: expected a single image, got a stack of 2", "content", content, "style", new ImagePlus("two", two), "network", "random");
		assertMessage("lambdas: expected one weight per style layer (5), got 2", "content", content, "style", style, "network", "random", "lambdas", "0.5,0.5");
		assertMessage("content_layer: no layer 'conv9_9' in random multi-scale features (VGG-shaped, 5 blocks, 32-256 channels, seed 2015); expected one of "
			+ "[conv1_1, conv1_2, pool1, conv2_1, conv2_2, pool2, conv3_1, conv3_2, pool3, conv4_1, conv4_2, pool4, conv5_1]",
			"content", content, "style", style, "network", "random", "content_layer", "conv9_9");
		assertMessage("weights: network=file needs a VGG-19 weights file, e.g. weights=/path/to/vgg19-0000.params", "content", content, "style", style, "network", "file");
		assertMessage("content: expected at least 16x16 pixels, got 8x8", "content", new ImagePlus("tiny", picture(8, false)), "style", style, "network", "random", "size", 0);
		assertMessage("lambdas: expected comma-separated numbers, e.g. 0.2,0.2,0.2,0.2,0.2, got 'a,b'", "content", content, "style", style, "network", "random", "lambdas", "a,b");
	}

	private static void assertMessage(String expected, Object... inputs) {
		CommandFailedException e = assertThrows(CommandFailedException.class, () -> run("Style Transfer", inputs));
		assertEquals(expected, e.getMessage());
	}

	@Test
	void topPatchesAreTheUnitsStrongestFields() throws CommandFailedException, IOException {
		ImageStack stack = new ImageStack(48, 48);
		stack.addSlice(picture(48, false));
		stack.addSlice(picture(48, true));
		ImagePlus images = new ImagePlus("pair", stack);
		Map<String, Object> out = run("Top Activating Patches", "images", images, "network", "random", "layer", "conv2_1", "unit", 3, "units", 2, "tile_size", 32);
		ImagePlus montage = (ImagePlus) out.get("montage");
		assertEquals(2, montage.getStackSize());
		assertEquals("conv2_1 unit 4", montage.getStack().getSliceLabel(2));
		assertEquals(3 * 34 + 2, montage.getWidth());
		ResultsTable table = (ResultsTable) out.get("patches");
		assertEquals(18, table.size());
		// conv2_1 of the random network: receptive field 10 pixels.
		for (int row = 0; row < 18; row++) assertEquals(10, table.getValue("size", row));
		// Rank 1 of each unit is the unit's maximum over both images, computed here directly.
		FeatureNetwork network = FeatureNetworks.get(ConvKitRuntime.get(), "random", null);
		List<ArrayImg<FloatType, FloatArray>> planes = StyleImages.planes(images, "images");
		for (int unit : new int[] { 3, 4 }) {
			double max = 0;
			try (NDManager manager = ConvKitRuntime.get().newManager()) {
				for (ArrayImg<FloatType, FloatArray> plane : planes) {
					NDArray a = network.features(RgbImages.toNDArray(plane, manager), List.of("conv2_1")).get("conv2_1");
					float[] v = a.toFloatArray();
					int area = (int) (a.getShape().get(2) * a.getShape().get(3));
					for (int p = unit * area; p < (unit + 1) * area; p++) max = Math.max(max, v[p]);
				}
			}
			int first = (unit - 3) * 9;
			assertEquals(unit, (int) table.getValue("unit", first));
			assertEquals(max, table.getValue("activation", first), 1e-4 * max);
			for (int rank = 1; rank < 9; rank++)
				assertTrue(table.getValue("activation", first + rank) <= table.getValue("activation", first + rank - 1));
		}
		assertTrue(table.getStringValue("image", 0).startsWith("pair:"), table.getStringValue("image", 0));
	}

	@Test
	void layerGridOnRealPhotosFromAFolder() throws CommandFailedException, IOException {
		assumeTrue(Files.isDirectory(PHOTOS), "style photos not found at " + PHOTOS.toAbsolutePath().normalize()
			+ " (../shared/data/style/photos next to the project): the real-photo case is not tested");
		Path folder = Files.createDirectories(temp.resolve("photos"));
		try (Stream<Path> files = Files.list(PHOTOS)) {
			for (Path file : files.filter(f -> f.toString().endsWith(".png")).toList()) {
				// Smaller copies keep the test fast; the receptive fields stay the network's.
				ImagePlus photo = IJ.openImage(file.toString());
				photo.setProcessor(photo.getProcessor().resize(photo.getWidth() / 4, photo.getHeight() / 4, true));
				assertTrue(new FileSaver(photo).saveAsPng(folder.resolve(file.getFileName()).toString()));
			}
		}
		Files.writeString(folder.resolve("readme.txt"), "not an image");
		Map<String, Object> out = run("Top Activating Patches", "folder", folder.toFile(), "network", "random", "mode", "layer_grid", "units", 2, "tile_size", 24);
		ImagePlus montage = (ImagePlus) out.get("montage");
		assertEquals(5, montage.getStackSize());
		assertEquals("conv5_1 units 0-1", montage.getStack().getSliceLabel(5));
		assertEquals(2 * (3 * 26 + 2), montage.getWidth());
		ResultsTable table = (ResultsTable) out.get("patches");
		assertEquals(5 * 2 * 9, table.size());
		// Real photos give different places: the nine patches of a unit are not all in one image at one spot.
		for (int start = 0; start < table.size(); start += 9) {
			java.util.Set<String> places = new java.util.HashSet<>();
			for (int r = start; r < start + 9; r++) places.add(table.getStringValue("image", r) + "@" + table.getValue("x", r) + "," + table.getValue("y", r));
			assertEquals(9, places.size(), "unit rows from " + start);
			assertTrue(table.getStringValue("image", start).endsWith(".png"));
		}
		assertEquals(108, table.getValue("size", table.size() - 1), "conv5_1 field");
	}

	@Test
	void topPatchesBadInput() {
		CommandFailedException none = assertThrows(CommandFailedException.class, () -> run("Top Activating Patches", "network", "random"));
		assertEquals(TopActivatingPatchesCommand.NO_IMAGES, none.getMessage());
		CommandFailedException unit = assertThrows(CommandFailedException.class, () -> run("Top Activating Patches",
			"images", new ImagePlus("c", picture(32, false)), "network", "random", "layer", "conv1_1", "unit", 30, "units", 4));
		assertEquals("unit: layer conv1_1 has units 0 to 31; asked for 4 from 30", unit.getMessage());
		CommandFailedException layer = assertThrows(CommandFailedException.class, () -> run("Top Activating Patches",
			"images", new ImagePlus("c", picture(32, false)), "network", "random", "layer", "fc7"));
		assertTrue(layer.getMessage().startsWith("layer: no layer 'fc7' in random multi-scale features"), layer.getMessage());
		CommandFailedException empty = assertThrows(CommandFailedException.class, () -> run("Top Activating Patches",
			"folder", temp.toFile(), "network", "random"));
		assertEquals("folder: " + temp + " holds no image ImageJ can read", empty.getMessage());
	}
}
