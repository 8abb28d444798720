package org.convkit.cli;

import ij.IJ;
import ij.ImagePlus;
import org.convkit.demo.SyntheticBlobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.convkit.core.io.OutputFiles;

import static org.junit.jupiter.api.Assertions.*;

/** {@code convkit run}: in this JVM, as the launcher calls it, capturing what it prints. */
class RunToolTest {

	record Result(int status, String out, String err) {}

	@Test
	void filtersAFileIntoTheOutputFolder(@TempDir Path folder) throws IOException {
		Path input = folder.resolve("in.tif");
		IJ.saveAsTiff(SyntheticBlobs.volume(48, 40, 4, 5, 9), input.toString());
		Path output = folder.resolve("out");
		Result result = launch("run", "Convolution Filter", "image=" + input, "sigma=1.5", "--output", output.toString());
		assertEquals(0, result.status(), result.err());
		Path written = output.resolve("in-gaussian.tif");
		assertEquals("wrote " + written, result.out().strip());
		ImagePlus image = IJ.openImage(written.toString());
		assertEquals(ImagePlus.GRAY32, image.getType());
		assertArrayEquals(new int[] { 48, 40, 1, 4, 1 }, image.getDimensions());
		assertEquals(0.5, image.getCalibration().pixelWidth);
	}

	@Test
	void badInputExitsWithStatusTwoAndAMessage(@TempDir Path folder) {
		Result missing = launch("run", "Convolution Filter", "image=" + folder.resolve("nope.tif"));
		assertEquals(2, missing.status());
		assertEquals("convkit run: image: file not found: " + folder.resolve("nope.tif"), missing.err().strip());

		Result noImage = launch("run", "Convolution Filter", "sigma=2");
		assertEquals(2, noImage.status());
		assertEquals("convkit run: image: expected a path to an image file (image=/path/to/image.tif)", noImage.err().strip());

		Result unknown = launch("run", "Unknown Thing");
		assertEquals(2, unknown.status());
		assertTrue(unknown.err().contains("no ConvKit command named 'Unknown Thing'"), unknown.err());

		Result notAnImage = launch("run", "Convolution Filter", "image=" + folder);
		assertEquals(2, notAnImage.status());
		assertEquals("convkit run: image: not a readable file: " + folder, notAnImage.err().strip());
		assertEquals(0, folder.toFile().list().length, "nothing is written for bad input");
	}

	@Test
	void aRefusedInputIsReportedWithTheCommandName(@TempDir Path folder) throws IOException {
		Path input = folder.resolve("flat.tif");
		IJ.saveAsTiff(IJ.createImage("flat", "16-bit ramp", 16, 16, 1), input.toString());
		Result result = launch("run", "Convolution Filter", "image=" + input, "dimensions=3D", "--output", folder.toString());
		assertEquals(2, result.status());
		assertEquals("Convolution Filter: dimensions: 3D needs more than one Z slice, but 'flat.tif' has 1; use 2D", result.err().strip());
		assertEquals(1, folder.toFile().list().length, "only the input is in the folder");
	}

	@Test
	void anExistingOutputIsKeptUnlessOverwriteIsAsked(@TempDir Path folder) throws IOException {
		Path input = folder.resolve("in.tif");
		IJ.saveAsTiff(SyntheticBlobs.volume(32, 24, 2, 5, 9), input.toString());
		Path written = folder.resolve("in-gaussian.tif");
		assertEquals(0, launch("run", "Convolution Filter", "image=" + input, "--output", folder.toString()).status());
		long size = Files.size(written);
		Files.writeString(written, "mine");

		Result again = launch("run", "Convolution Filter", "image=" + input, "--output", folder.toString());
		assertEquals(2, again.status(), again.err());
		// an image's name comes from its title, known once the command ran: said so, nothing replaced
		assertEquals("Convolution Filter: the command ran, but its results were not written: " + String.format(OutputFiles.EXISTS, "--output", written),
			again.err().strip());
		assertEquals("mine", Files.readString(written), "the existing file is untouched");

		Result replaced = launch("run", "Convolution Filter", "image=" + input, "--output", folder.toString(), "--overwrite");
		assertEquals(0, replaced.status(), replaced.err());
		assertEquals(size, Files.size(written));
		assertEquals(2, folder.toFile().list().length, "no temporary file is left");
	}

	@Test
	void outputNamesKeepUnicodeAndSpaces(@TempDir Path folder) throws IOException {
		Path input = folder.resolve("blöbs a.tif");
		IJ.saveAsTiff(SyntheticBlobs.volume(32, 24, 2, 5, 9), input.toString());
		Path output = folder.resolve("out");
		Result result = launch("run", "Convolution Filter", "image=" + input, "--output", output.toString());
		assertEquals(0, result.status(), result.err());
		assertEquals("wrote " + output.resolve("blöbs a-gaussian.tif"), result.out().strip());
		assertTrue(Files.isRegularFile(output.resolve("blöbs a-gaussian.tif")));
		assertEquals("a_b", RunTool.fileName("a/b", "x"));
		assertEquals("tab_here", RunTool.fileName("tab\there", "x"));
		assertEquals("a_b", RunTool.fileName("a\\b", "x"));
		assertEquals("x", RunTool.fileName(".hidden", "x"));
	}

	@Test
	void anOutputFolderThatIsAFileIsRefused(@TempDir Path folder) throws IOException {
		Path file = Files.writeString(folder.resolve("notes.txt"), "keep");
		Path input = folder.resolve("in.tif");
		IJ.saveAsTiff(SyntheticBlobs.volume(32, 24, 2, 5, 9), input.toString());
		Result result = launch("run", "Convolution Filter", "image=" + input, "--output", file.toString());
		assertEquals(2, result.status());
		assertEquals("convkit run: " + String.format(RunArguments.OUTPUT_IS_FILE, file), result.err().strip());
		assertEquals("keep", Files.readString(file));
	}

	@Test
	void anInternalErrorIsOneLineWithItsTraceInALogFile(@TempDir Path folder) throws IOException {
		String logs = System.getProperty("convkit.logs");
		System.setProperty("convkit.logs", folder.toString());
		PrintStream err = System.err;
		ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
		try {
			System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
			assertEquals(1, Main.internalError(new String[] { "run", "X" }, new NullPointerException("bug")));
		}
		finally {
			System.setErr(err);
			if (logs == null) System.clearProperty("convkit.logs"); else System.setProperty("convkit.logs", logs);
		}
		String line = errBytes.toString(StandardCharsets.UTF_8).strip();
		assertFalse(line.contains("\n"), line);
		assertTrue(line.startsWith("convkit run failed with an internal error (java.lang.NullPointerException: bug); details in " + folder), line);
		Path log = Files.list(folder).findFirst().orElseThrow();
		assertTrue(line.contains(log.toString()), line);
		String trace = Files.readString(log);
		assertTrue(trace.startsWith("convkit run X\n"), trace);
		assertTrue(trace.contains("at org.convkit.cli.RunToolTest"), trace);
	}

	@Test
	void aCommandThatDrawsOnItsImageWritesThePictureToo(@TempDir Path folder) throws IOException {
		Path photo = folder.resolve("group of three.jpg");
		try (var in = RunToolTest.class.getResourceAsStream("/org/convkit/demo/faces/group-of-three.jpg")) {
			Files.write(photo, in.readAllBytes());
		}
		Path output = folder.resolve("out");
		Result result = launch("run", "Detect Faces", "image=" + photo, "--output", output.toString());
		assertEquals(0, result.status(), result.err());
		Path picture = output.resolve("group of three-annotated.png");
		assertEquals(List.of("wrote " + picture, "wrote " + output.resolve("faces.csv")), result.out().strip().lines().toList());
		ImagePlus drawn = IJ.openImage(picture.toString());
		ImagePlus original = IJ.openImage(photo.toString());
		assertEquals(ImagePlus.COLOR_RGB, drawn.getType());
		assertEquals(original.getWidth(), drawn.getWidth());
		int differ = 0;
		int[] a = (int[]) drawn.getProcessor().getPixels(), b = (int[]) original.getProcessor().getPixels();
		for (int i = 0; i < a.length; i++) if (a[i] != b[i]) differ++;
		assertTrue(differ > 1000 && differ < a.length / 5, "the boxes and labels are drawn in, the rest is the photo: " + differ + " pixels differ");
	}

	@Test
	void aBatchWithFailedItemsExitsWithStatusThree(@TempDir Path folder) throws IOException {
		Path persons = Files.createDirectories(folder.resolve("persons"));
		for (String person : List.of("Ann", "#bad")) {
			ImagePlus face = IJ.createImage(person, "8-bit ramp", 64, 64, 1);
			Files.createDirectories(persons.resolve(person));
			new ij.io.FileSaver(face).saveAsPng(persons.resolve(person).resolve("1.png").toString());
		}
		Path gallery = folder.resolve("gallery.json");
		Result result = launch("run", "Enroll Face Folder", "folder=" + persons, "gallery=" + gallery, "face_mode=cropped_resize", "--output", folder.resolve("out").toString());
		assertEquals(3, result.status(), result.out() + result.err());
		assertTrue(result.out().contains("1 of 2 persons enrolled, 1 skipped"), result.out());
		assertTrue(result.out().contains("wrote " + gallery), "the gallery is a file the run wrote: " + result.out());
		assertEquals("Enroll Face Folder: 1 item(s) failed; see the summary above", result.err().lines().filter(l -> !l.startsWith("WARNING") && !l.contains("ConvKit runtime") && !l.startsWith("Dec") && !l.contains("skipped")).reduce((x, y) -> y).orElse(""));
	}

	@Test
	void listShowsEachOptionWithItsDefault() {
		Result result = launch("list");
		assertEquals(0, result.status(), result.err());
		List<String> lines = result.out().lines().toList();
		int filter = lines.indexOf("Plugins > ConvKit > Convolution Filter");
		assertTrue(filter >= 0, result.out());
		assertTrue(lines.get(filter + 2).startsWith("    filter (String) [gaussian, laplacian_of_gaussian] = gaussian  "), lines.get(filter + 2));
		assertTrue(lines.get(filter + 3).startsWith("    sigma (double) = 2.0  Kernel sigma"), lines.get(filter + 3));
	}

	@Test
	void aCountIsPrintedWithItsLabel(@TempDir Path folder) {
		Path record = org.convkit.core.io.SharedData.resolve("mitdb/101.hea");
		org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(record), "MIT-BIH record 101 is not in the data folder");
		Result result = launch("run", "Open ECG Record", "record=" + record, "duration_s=10", "--output", folder.toString());
		assertEquals(0, result.status(), result.err());
		// 101 has 12 beats in its first 10 s (was printed as a bare 'annotation_count = 12')
		assertTrue(result.out().lines().anyMatch(l -> l.matches("Beats shown: \\d+")), result.out());
		assertFalse(result.out().contains("annotation_count"), result.out());
		assertTrue(result.out().contains("wrote " + folder.resolve("101-plot.tif")), result.out());
	}

	@Test
	void relativeOutputFilesLandInTheOutputFolderAndEveryFileWrittenIsPrinted(@TempDir Path folder) throws IOException {
		// A flat record: no beats, once a stack trace ("produced no data"); now 0 beats and a header-only CSV.
		StringBuilder csv = new StringBuilder("time,MLII\n");
		for (int i = 0; i < 3600; i++) csv.append(i / 360.0).append(",0\n");
		Path record = Files.writeString(folder.resolve("flat.csv"), csv);
		Path out = folder.resolve("out");
		Result result = launch("run", "Classify ECG Beats", "record=" + record, "output_csv=flat beats.csv", "output_annotations=flat.cnn", "--output", out.toString());
		assertEquals(0, result.status(), result.err());
		List<String> lines = result.out().lines().toList();
		assertEquals(List.of("wrote " + out.resolve("flat beats.csv"), "wrote " + out.resolve("flat.cnn"), "wrote " + out.resolve("classified.csv")),
			lines.stream().filter(l -> l.startsWith("wrote ")).toList());
		assertTrue(lines.stream().anyMatch(l -> l.contains("no QRS complex was found")), result.out());
		assertEquals(Files.readAllLines(out.resolve("flat beats.csv")).get(0).split(",").length, Files.readAllLines(out.resolve("classified.csv")).get(0).split(",").length,
			"one table, one format");
		assertFalse(Files.exists(folder.resolve("flat beats.csv")), "nothing lands in the current folder");
	}

	@Test
	void unknownToolPrintsUsage() {
		Result result = launch("frobnicate");
		assertEquals(2, result.status());
		assertTrue(result.err().startsWith("convkit: unknown tool 'frobnicate'"), result.err());
		assertTrue(result.err().contains("usage: convkit <tool>"), result.err());
	}

	static Result launch(String... args) {
		PrintStream out = System.out;
		PrintStream err = System.err;
		ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
		ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
		try {
			System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
			System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
			int status = Main.run(args);
			return new Result(status, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
		}
		finally {
			System.setOut(out);
			System.setErr(err);
		}
	}
}
