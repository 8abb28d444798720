package org.convkit.cli;

import ij.IJ;
import ij.ImagePlus;
import ij.process.StackStatistics;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.filter.ConvolutionFilter;
import org.convkit.filter.ConvolutionFilterModel;
import org.convkit.filter.FilterKind;
import org.convkit.ij.ImagePlusImgs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code convkit macro} end to end: the launcher runs in a child JVM, as a user runs it, on the
 * macros shipped in {@code macros/} and the images in {@code test-data/blobs}. Every child is
 * bounded by a timeout, because an ImageJ dialog on a (virtual) display waits for a click forever.
 */
class MacroToolTest {

	private static final Path FILTER_FOLDER = Path.of("macros", "filter_folder.ijm");
	private static final Path CONVKIT_INFO = Path.of("macros", "convkit_info.ijm");
	private static final Path BLOBS = Path.of("test-data", "blobs");
	/** What filter_folder.ijm runs, as ConvolutionFilterCommand builds it (default tile size). */
	private static final ConvolutionFilterModel LOG_2D = new ConvolutionFilterModel(FilterKind.LAPLACIAN_OF_GAUSSIAN, 2, 2);
	private static final int TILE_SIZE = 128;

	@TempDir
	Path temp;

	@BeforeAll
	static void headless() {
		// This JVM only opens images to check them; it must never try a display.
		System.setProperty("java.awt.headless", "true");
	}

	// (a) No DISPLAY: the launcher starts Xvfb and runs the macro again in a child JVM on it.
	@Test
	void filterFolderOnVirtualDisplay() throws Exception {
		assumeTrue(VirtualDisplay.executable().isPresent(),
			"Xvfb is not installed (Debian/Ubuntu: apt-get install xvfb): the launcher's virtual-display path is not tested");
		Path input = copyOfBlobs("blobs in");
		Path output = temp.resolve("filtered");
		LauncherProcess.Result result = launch("macro", FILTER_FOLDER.toString(), "input=[" + input + "] output=[" + output + "]");
		assertFalse(result.stderr().contains(MacroTool.NO_XVFB), "expected the Xvfb path, got the headless fallback\n" + result);
		assertFilteredFolder(result, input, output);
	}

	// (b) --headless: no display at all; ConvKit commands and built-in macro functions only.
	@Test
	void filterFolderHeadless() throws Exception {
		Path input = copyOfBlobs("blobs in");
		Path output = temp.resolve("filtered");
		LauncherProcess.Result result = launch("macro", "--headless", FILTER_FOLDER.toString(), "input=[" + input + "] output=[" + output + "]");
		assertFilteredFolder(result, input, output);
	}

	// (c) Errors: exit status 2 and the command's message on stderr; a macro stops at its first error.
	// These run on the virtual display where there is one (where a dialog would hang), else headless.
	@Test
	void aCommandsBadValueFailsTheMacroWithItsMessage() throws Exception {
		Path macro = macro("open(getArgument());\n" +
			"run(\"Convolution Filter\", \"image=[blobs-a.tif] sigma=100\");\n" +
			"print(\"not reached\");\n");
		LauncherProcess.Result result = launch("macro", macro.toString(), BLOBS.resolve("blobs-a.tif").toAbsolutePath().toString());
		assertEquals(2, result.exitCode(), result.toString());
		assertTrue(result.stderr().contains("Convolution Filter: sigma: expected a number from 0.5 to 16.0, got 100"), result.toString());
		assertTrue(result.stderr().contains("(line 2)"), result.toString());
		assertFalse(result.stdout().contains("not reached"), result.toString());
	}

	@Test
	void anUnknownOptionIsNamed() throws Exception {
		Path macro = macro("open(getArgument());\n" +
			"run(\"Convolution Filter\", \"image=[blobs-a.tif] sigma=2 radius=3\");\n");
		LauncherProcess.Result result = launch("macro", macro.toString(), BLOBS.resolve("blobs-a.tif").toAbsolutePath().toString());
		assertEquals(2, result.exitCode(), result.toString());
		assertTrue(result.stderr().contains("radius: not an option of 'Convolution Filter'; expected one of [image, filter, sigma, dimensions, tile_size]"),
			result.toString());
	}

	@Test
	void anUnknownCommandFailsInsteadOfWaitingForADialog() throws Exception {
		Path macro = macro("print(\"before\");\nrun(\"No Such Command\", \"x=1\");\nprint(\"after\");\n");
		LauncherProcess.Result result = launch("macro", macro.toString());
		assertEquals(2, result.exitCode(), result.toString());
		assertTrue(result.stderr().contains("Unrecognized command: \"No Such Command\""), result.toString());
		assertTrue(result.stdout().contains("before") && !result.stdout().contains("after"), result.toString());
	}

	@Test
	void aMacroLanguageErrorStopsTheMacro() throws Exception {
		// ImageJ, told to ignore errors (no dialog), would otherwise run on after the error.
		Path macro = macro("print(\"before\");\nx = undefined_variable + 1;\nprint(\"after\");\n");
		LauncherProcess.Result result = launch("macro", "--headless", macro.toString());
		assertEquals(2, result.exitCode(), result.toString());
		assertTrue(result.stderr().contains("(line 2): Undefined variable"), result.toString());
		assertTrue(result.stdout().contains("before") && !result.stdout().contains("after"), result.toString());
	}

	@Test
	void saveAsWritesTheCommonFormatsWithoutADisplay() throws Exception {
		// Without a display ImageJ has no File > Save As commands: saveAs("PNG", f) failed with
		// 'Unrecognized command: "PNG..."' (TIFF and JPEG, special-cased by ImageJ, worked).
		Path out = Files.createDirectories(temp.resolve("saved"));
		StringBuilder code = new StringBuilder("newImage(\"ramp\", \"8-bit ramp\", 40, 30, 1);\n");
		List<String> formats = List.of("PNG", "Gif", "ZIP", "BMP", "PGM", "Tiff", "Jpeg", "Text Image");
		List<String> files = List.of("a.png", "a.gif", "a.zip", "a.bmp", "a.pgm", "a.tif", "a.jpg", "a.txt");
		for (int i = 0; i < formats.size(); i++) code.append("saveAs(\"").append(formats.get(i)).append("\", \"").append(out.resolve(files.get(i))).append("\");\n");
		code.append("setResult(\"mean\", 0, getValue(\"Mean\"));\nupdateResults();\nsaveAs(\"Results\", \"").append(out.resolve("results.csv")).append("\");\n");
		LauncherProcess.Result result = launch("macro", "--headless", macro(code.toString()).toString());
		assertEquals(0, result.exitCode(), result.toString());
		for (String file : files.subList(0, 7)) {
			ij.ImagePlus image = ij.IJ.openImage(out.resolve(file).toString());
			assertNotNull(image, file + " is not a readable image\n" + result);
			assertEquals(40, image.getWidth(), file);
			assertEquals(30, image.getHeight(), file);
		}
		assertEquals(30, Files.readAllLines(out.resolve("a.txt")).size(), "a text image has a line per row");
		assertTrue(Files.readString(out.resolve("results.csv")).lines().count() >= 2, "the results table has a header and a row");
	}

	@Test
	void exitEndsTheMacroNormally() throws Exception {
		// As in ImageJ's own batch mode: exit() stops the macro, it is not a failure.
		Path macro = macro("print(\"before\");\nexit(\"nothing to do\");\nprint(\"after\");\n");
		LauncherProcess.Result result = launch("macro", "--headless", macro.toString());
		assertEquals(0, result.exitCode(), result.toString());
		assertTrue(result.stdout().contains("before\nnothing to do") && !result.stdout().contains("after"), result.toString());
	}

	@Test
	void aMissingMacroFileIsBadUsage() throws Exception {
		LauncherProcess.Result result = launch("macro", "--headless", temp.resolve("missing.ijm").toString());
		assertEquals(2, result.exitCode(), result.toString());
		assertTrue(result.stderr().contains("macro: file not found"), result.toString());
	}

	@Test
	void imageJCommandsNeedTheVirtualDisplay() throws Exception {
		// The reason the launcher starts Xvfb: ImageJ builds its own commands only with a display.
		Path macro = macro("newImage(\"x\", \"8-bit ramp\", 32, 32, 1);\nrun(\"Invert\");\nprint(\"pixel \" + getPixel(0, 0));\n");
		LauncherProcess.Result headless = launch("macro", "--headless", macro.toString());
		assertEquals(2, headless.exitCode(), headless.toString());
		assertTrue(headless.stderr().contains("Unrecognized command: \"Invert\""), headless.toString());
		assumeTrue(VirtualDisplay.executable().isPresent(), "Xvfb is not installed: the virtual-display half is not tested");
		LauncherProcess.Result display = launch("macro", macro.toString());
		assertEquals(0, display.exitCode(), display.toString());
		assertTrue(display.stdout().contains("pixel 255"), display.toString());
	}

	// (d) The info macro, on the virtual display (where an option-less run() once opened a dialog) and headless.
	@Test
	void infoMacroPrintsTheEngine() throws Exception {
		for (List<String> mode : List.of(List.<String>of(), List.of("--headless"))) {
			List<String> args = new ArrayList<>(List.of("macro"));
			args.addAll(mode);
			args.add(CONVKIT_INFO.toString());
			LauncherProcess.Result result = launch(args.toArray(String[]::new));
			assertEquals(0, result.exitCode(), result.toString());
			assertTrue(result.stdout().contains("engine:") && result.stdout().contains("MXNet"), result.toString());
			assertTrue(result.stdout().contains("convkit_info: ImageJ 1."), result.toString());
		}
	}

	// (d) The Fiji script plugins in plugins/Scripts/Plugins/ConvKit (Plugins > ConvKit > Batch > ...)
	// run the macros of macros/, found as Fiji finds them (getDirectory("macros")).
	@Test
	void theFijiMenuScriptRunsTheBatchMacro() throws Exception {
		Path input = copyOfBlobs("blobs in");
		Path output = temp.resolve("filtered");
		Path script = Path.of("plugins", "Scripts", "Plugins", "ConvKit", "Batch", "Filter_Folder.ijm");
		LauncherProcess.Result result = launch("macro", "--headless", script.toString(), "input=[" + input + "] output=[" + output + "]");
		assertFilteredFolder(result, input, output);
	}

	@Test
	void everyFijiMenuScriptFindsItsMacro() throws Exception {
		Path scripts = Path.of("plugins", "Scripts", "Plugins", "ConvKit", "Batch");
		List<Path> all;
		try (var files = Files.list(scripts)) {
			all = files.filter(f -> f.toString().endsWith(".ijm")).sorted().toList();
		}
		java.util.Set<String> run = new java.util.TreeSet<>();
		for (Path script : all) {
			String macro = Files.readString(script).replaceAll("(?s).*getDirectory\\(\"macros\"\\) \\+ \"([^\"]+)\".*", "$1");
			assertTrue(Files.isRegularFile(Path.of("macros", macro)), script + " runs macros/" + macro);
			run.add(macro);
		}
		// every folder batch of macros/ is on the menu
		try (var macros = Files.list(Path.of("macros"))) {
			for (Path folderBatch : macros.filter(f -> f.getFileName().toString().endsWith("_folder.ijm")).toList()) {
				assertTrue(run.contains(folderBatch.getFileName().toString()), folderBatch + " has no menu script in " + scripts + ": " + run);
			}
		}
		// With an argument the script hands it on: the macro's own message for a bad one proves it ran.
		LauncherProcess.Result result = launch("macro", "--headless", scripts.resolve("Classify_ECG_Folder.ijm").toString(), "records=[] output=[]");
		assertTrue(result.stdout().contains("ecg_classify_folder: records and output are both needed") || result.stderr().contains("ecg_classify_folder: records and output are both needed"),
			result.toString());
	}

	/** Checks what filter_folder.ijm made from every image in {@code input}. */
	private static void assertFilteredFolder(LauncherProcess.Result result, Path input, Path output) throws IOException {
		assertEquals(0, result.exitCode(), result.toString());
		List<Path> sources = tiffs(input);
		assertEquals(3, sources.size());
		assertTrue(result.stdout().contains("filter_folder: 3 images filtered"), result.toString());

		List<String> summary = Files.readAllLines(output.resolve("summary.csv"));
		assertEquals("file,slices,mean,max", summary.get(0));
		assertEquals(sources.size() + 1, summary.size(), "one summary row per input image: " + summary);
		for (int i = 0; i < sources.size(); i++) {
			Path source = sources.get(i);
			String name = source.getFileName().toString();
			Path filtered = output.resolve(name.replaceFirst("\\.tif$", "_LoG.tif"));
			assertTrue(Files.isRegularFile(filtered), "no output for " + name + " in " + output + "\n" + result);
			ImagePlus in = IJ.openImage(source.toString());
			ImagePlus out = IJ.openImage(filtered.toString());
			assertEquals(32, out.getBitDepth(), name);
			assertArrayEquals(in.getDimensions(), out.getDimensions(), name + ": width, height, channels, slices, frames");

			// The very values ConvKit's filter computes in this JVM, plane by plane.
			PlanarImg<FloatType, FloatArray> expected = new ConvolutionFilter(ConvKitRuntime.get(), LOG_2D, TILE_SIZE)
				.apply(ImagePlusImgs.wrapReal(in, "image"));
			for (int plane = 0; plane < out.getStackSize(); plane++) {
				assertClose(expected.getPlane(plane).getCurrentStorageArray(), (float[]) out.getStack().getPixels(plane + 1),
					name + " plane " + (plane + 1));
			}
			// A LoG's signature: zero-sum kernel, so a mean near 0, with positive blob peaks and negative rims.
			StackStatistics stats = new StackStatistics(out);
			assertTrue(stats.min < 0 && stats.max > 100, name + ": min " + stats.min + ", max " + stats.max);
			assertTrue(Math.abs(stats.mean) < 0.01 * stats.max, name + ": mean " + stats.mean + ", max " + stats.max);

			String[] row = summary.get(i + 1).split(",");
			assertEquals(name, row[0], "rows in file order");
			assertEquals(out.getStackSize(), Integer.parseInt(row[1]), name + " slices");
			assertEquals(stats.mean, Double.parseDouble(row[2]), 1e-5, name + " mean");
			assertEquals(stats.max, Double.parseDouble(row[3]), 1e-5, name + " max");
		}
	}

	private static void assertClose(float[] expected, float[] actual, String what) {
		assertEquals(expected.length, actual.length, what);
		for (int i = 0; i < expected.length; i++) {
			// Same engine and kernel; only the summation order of a differently threaded run may differ.
			double tolerance = 1e-4 * Math.max(1, Math.abs(expected[i]));
			if (Math.abs(expected[i] - actual[i]) > tolerance) {
				fail(what + ": pixel " + i + " is " + actual[i] + ", expected " + expected[i]);
			}
		}
	}

	/** The blob images in a fresh folder (a name with a space, as users have), plus a file to skip. */
	private Path copyOfBlobs(String name) throws IOException {
		Path copy = Files.createDirectories(temp.resolve(name));
		for (Path tiff : tiffs(BLOBS)) Files.copy(tiff, copy.resolve(tiff.getFileName()));
		Files.writeString(copy.resolve("notes.txt"), "not an image: the macro must skip it\n");
		return copy;
	}

	private static List<Path> tiffs(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.filter(f -> f.getFileName().toString().endsWith(".tif")).sorted().toList();
		}
	}

	private Path macro(String code) throws IOException {
		return Files.writeString(Files.createTempFile(temp, "test", ".ijm"), code);
	}

	private LauncherProcess.Result launch(String... args) throws IOException, InterruptedException {
		return LauncherProcess.launch(temp, args);
	}
}
