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
import java.nio.file.Path;

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
	void unknownToolPrintsUsage() {
		Result result = launch("frobnicate");
		assertEquals(2, result.status());
		assertTrue(result.err().startsWith("convkit: unknown tool 'frobnicate'"), result.err());
		assertTrue(result.err().contains("usage: convkit <tool>"), result.err());
	}

	private static Result launch(String... args) {
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
