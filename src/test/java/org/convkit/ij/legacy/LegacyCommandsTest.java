package org.convkit.ij.legacy;

import ij.IJ;
import ij.ImagePlus;
import ij.Menus;
import ij.macro.Interpreter;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.filter.ConvolutionFilter;
import org.convkit.filter.ConvolutionFilterModel;
import org.convkit.filter.FilterKind;
import org.convkit.ij.ImagePlusImgs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The bridge into ImageJ 1.x, in this JVM and without a display: the ConvKit commands in
 * ImageJ's command table, and macros that call them with run().
 */
class LegacyCommandsTest {

	/**
	 * One context for the whole JVM: LegacyCommands keeps the context it installed and refuses
	 * another, so it is never closed here (the JVM's end releases it).
	 */
	private static Context context;

	@TempDir
	Path temp;

	@BeforeAll
	static void install() {
		System.setProperty("java.awt.headless", "true");
		context = new Context();
		LegacyCommands.install(context);
	}

	@AfterEach
	void closeImages() {
		// Macros run with run(code, arg) keep their batch-mode images and batch mode itself.
		runMacro("close(\"*\");");
		Interpreter.batchMode = false;
	}

	@Test
	void installRegistersEachConvKitCommandOnce() {
		List<CommandInfo> commands = new CommandExecutor(context).convKitCommands();
		Set<String> titles = new TreeSet<>();
		for (CommandInfo info : commands) titles.add(CommandExecutor.title(info));
		assertTrue(titles.containsAll(Set.of("ConvKit Info", "Convolution Filter")), titles.toString());
		assertEquals(commands.size(), titles.size(), "two ConvKit commands share a title: " + titles);

		Map<String, String> table = convKitEntries();
		assertEquals(titles, table.keySet(), "ConvKit entries in ImageJ's command table");
		for (CommandInfo info : commands) {
			// ImageJ runs the plug-in with the command class as its argument.
			assertEquals(ConvKitPlugIn.class.getName() + "(\"" + info.getClassName() + "\")", table.get(CommandExecutor.title(info)));
		}

		int size = Menus.getCommands().size();
		assertEquals(List.of(), LegacyCommands.install(context), "a second install adds nothing");
		assertEquals(size, Menus.getCommands().size());
		assertEquals(table, convKitEntries());
	}

	@Test
	void anotherContextIsRefused() {
		try (Context other = new Context()) {
			IllegalStateException e = assertThrows(IllegalStateException.class, () -> LegacyCommands.install(other));
			assertTrue(e.getMessage().contains("another SciJava context"), e.getMessage());
		}
	}

	@Test
	void aMacroFiltersWithTheSameValuesAsTheLibrary() throws Exception {
		Path input = temp.resolve("input.tif");
		Path output = temp.resolve("output.tif");
		// A 3-slice 16-bit image with structure in x, y and z, built by the macro itself.
		String macro = String.join("\n",
			"newImage(\"x\", \"16-bit black\", 64, 48, 3);",
			"for (z = 1; z <= nSlices; z++) {",
			"  setSlice(z);",
			"  for (y = 0; y < getHeight(); y++)",
			"    for (x = 0; x < getWidth(); x++)",
			"      setPixel(x, y, (x * x + 7 * y * z) % 97 * 10);",
			"}",
			"saveAs(\"Tiff\", \"" + input + "\");",
			"rename(\"x\");",
			"run(\"Convolution Filter\", \"image=[x] filter=gaussian sigma=1.5 dimensions=2D\");",
			"title = getTitle();",
			"saveAs(\"Tiff\", \"" + output + "\");",
			"return title + \" \" + nImages;");
		Run run = runMacro(macro);
		assertNull(run.error, run.error);
		// The output is a new image, the current one, named after its source and filter.
		assertEquals("x-gaussian 2", run.returned);

		ImagePlus source = IJ.openImage(input.toString());
		ImagePlus filtered = IJ.openImage(output.toString());
		assertArrayEquals(new int[] { 64, 48, 1, 3, 1 }, filtered.getDimensions());
		assertEquals(32, filtered.getBitDepth());
		PlanarImg<FloatType, FloatArray> expected = new ConvolutionFilter(ConvKitRuntime.get(),
			new ConvolutionFilterModel(FilterKind.GAUSSIAN, 1.5, 2), 128).apply(ImagePlusImgs.wrapReal(source, "image"));
		for (int plane = 0; plane < 3; plane++) {
			float[] want = expected.getPlane(plane).getCurrentStorageArray();
			float[] got = (float[]) filtered.getStack().getPixels(plane + 1);
			for (int i = 0; i < want.length; i++) {
				assertEquals(want[i], got[i], 1e-4 * Math.max(1, Math.abs(want[i])), "plane " + (plane + 1) + " pixel " + i);
			}
		}
		// Smoothing keeps the mean away from the borders, a sanity check on the reference itself.
		assertTrue(source.getStack().getProcessor(2).getStatistics().mean > 100);
	}

	@Test
	void anImageThatIsNotOpenIsNamedWithTheOpenOnes() {
		Run run = runMacro(String.join("\n",
			"newImage(\"cells\", \"8-bit ramp\", 32, 32, 1);",
			"newImage(\"nuclei\", \"8-bit ramp\", 32, 32, 1);",
			"run(\"Convolution Filter\", \"image=[missing] sigma=2\");",
			"return \"not reached\";"));
		assertEquals("Convolution Filter: image: no open image is titled 'missing'; open images: [cells, nuclei]", run.error);
		assertNull(run.returned);
	}

	@Test
	void anOptionLessRunWithoutImageJsWindowUsesTheDefaults() {
		// No dialog can be answered here: the current image and the documented defaults are used.
		Run run = runMacro(String.join("\n",
			"newImage(\"plain\", \"32-bit ramp\", 40, 30, 1);",
			"run(\"Convolution Filter\");",
			"return getTitle();"));
		assertNull(run.error, run.error);
		assertEquals("plain-gaussian", run.returned);
	}

	@Test
	void anOptionalImageLeftAsNoneIsNotReplacedByTheCurrentImage() throws Exception {
		// Top Activating Patches reads a stack or a folder; "(none)", the dialog's empty choice, means the folder.
		Path folder = java.nio.file.Files.createDirectories(temp.resolve("photos"));
		ij.process.ColorProcessor picture = new ij.process.ColorProcessor(48, 40);
		for (int y = 0; y < 40; y++) for (int x = 0; x < 48; x++) picture.set(x, y, ((x * 5) << 16) | ((y * 6) << 8) | ((x ^ y) & 0xff));
		javax.imageio.ImageIO.write(picture.getBufferedImage(), "png", folder.resolve("a.png").toFile());
		Run run = runMacro(String.join("\n",
			"newImage(\"open photo\", \"RGB ramp\", 64, 64, 1);",
			"run(\"Top Activating Patches\", \"images=[" + ConvKitPlugIn.NO_IMAGE + "] folder=[" + folder + "] network=random layer=conv1_1 unit=0 units=1\");",
			"return getResultString(\"image\", 0);"));
		assertNull(run.error, run.error);
		assertEquals("a.png", run.returned);
	}

	/** Entries of ImageJ's command table that run ConvKit's plug-in. */
	private static Map<String, String> convKitEntries() {
		Map<String, String> entries = new HashMap<>();
		Menus.getCommands().forEach((title, target) -> {
			if (target.toString().startsWith(ConvKitPlugIn.class.getName())) entries.put(title.toString(), target.toString());
		});
		return entries;
	}

	private record Run(String returned, String error) {}

	/**
	 * Runs a macro in batch mode as the launcher does (errors recorded, no error dialog), on a thread
	 * of its own as ImageJ runs macros: IJ.run() renames the thread it runs on once and keeps the
	 * macro options per thread.
	 */
	private static Run runMacro(String code) {
		Run[] result = new Run[1];
		RuntimeException[] failure = new RuntimeException[1];
		Thread thread = new Thread(() -> {
			try {
				Interpreter.batchMode = true;
				Interpreter interpreter = new Interpreter();
				interpreter.setIgnoreErrors(true);
				String returned = interpreter.run(code, "");
				result[0] = new Run(returned, interpreter.getErrorMessage());
			}
			catch (RuntimeException e) {
				failure[0] = e;
			}
		}, "test macro");
		thread.start();
		try {
			thread.join(60_000);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		if (thread.isAlive()) fail("the macro still ran after 60 s:\n" + code);
		if (failure[0] != null) throw failure[0];
		return result[0];
	}
}
