package org.convkit.testdata;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.StackStatistics;
import org.convkit.demo.SyntheticBlobs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The images in {@code test-data/blobs} are exactly what {@link SyntheticBlobs} makes from fixed
 * seeds: each is regenerated in memory and compared pixel by pixel with the committed file.
 * <p>
 * To (re)write the files, e.g. after changing {@link SyntheticBlobs} or adding one here:
 * {@code mvn -o test -Dtest=TestDataTest -Dconvkit.regenerate=true}, then review and commit them.
 */
class TestDataTest {

	static final Path FOLDER = Path.of("test-data", "blobs");

	/** Every generated file: name, size, number of blobs and seed. A 2-D image has depth 1. */
	enum Blobs {
		A("blobs-a.tif", 96, 96, 1, 14, 101),
		B("blobs-b.tif", 64, 64, 12, 12, 102),
		C("blobs-c.tif", 80, 64, 1, 9, 103);

		final String file;
		final int width, height, depth, blobs;
		final long seed;

		Blobs(String file, int width, int height, int depth, int blobs, long seed) {
			this.file = file;
			this.width = width;
			this.height = height;
			this.depth = depth;
			this.blobs = blobs;
			this.seed = seed;
		}

		Path path() {
			return FOLDER.resolve(file);
		}

		ImagePlus generate() {
			ImagePlus image = SyntheticBlobs.volume(width, height, depth, blobs, seed);
			image.setTitle(file);
			return image;
		}
	}

	@BeforeAll
	static void regenerateWhenAsked() throws IOException {
		if (!Boolean.getBoolean("convkit.regenerate")) return;
		Files.createDirectories(FOLDER);
		for (Blobs blobs : Blobs.values()) {
			if (!new FileSaver(blobs.generate()).saveAsTiff(blobs.path().toString())) fail("could not write " + blobs.path());
		}
	}

	@ParameterizedTest
	@EnumSource(Blobs.class)
	void committedFileHoldsTheGeneratedPixels(Blobs blobs) {
		assertTrue(Files.isRegularFile(blobs.path()),
			blobs.path() + " is missing; write it with -Dconvkit.regenerate=true (see test-data/README.md)");
		ImagePlus committed = IJ.openImage(blobs.path().toString());
		assertNotNull(committed, "ImageJ cannot read " + blobs.path());
		ImagePlus expected = blobs.generate();

		assertEquals(ImagePlus.GRAY16, committed.getType());
		assertArrayEquals(new int[] { blobs.width, blobs.height, 1, blobs.depth, 1 }, committed.getDimensions(),
			"width, height, channels, slices, frames");
		for (int slice = 1; slice <= blobs.depth; slice++) {
			assertArrayEquals((short[]) expected.getStack().getPixels(slice), (short[]) committed.getStack().getPixels(slice),
				blobs.file + ": pixels of slice " + slice + " differ from SyntheticBlobs' (seed " + blobs.seed + ")");
		}
		// The calibration travels with the file, so filters and macros see microns, as in a real stack.
		assertEquals(0.5, committed.getCalibration().pixelWidth, 1e-12);
		assertEquals(1.0, committed.getCalibration().pixelDepth, 1e-12);
		assertEquals("micron", committed.getCalibration().getUnit());
	}

	@ParameterizedTest
	@EnumSource(Blobs.class)
	void blobsStandOutOfTheBackground(Blobs blobs) {
		// Guards the data's purpose: a LoG filter must have blobs to find, not just noise.
		ImagePlus image = blobs.generate();
		double max = new StackStatistics(image).max;
		assertTrue(max > 600, blobs.file + ": brightest pixel " + max + ", expected blobs well above the ~100 background");
	}

	@Test
	void filesStaySmall() throws IOException {
		long total = 0;
		for (Blobs blobs : Blobs.values()) total += Files.size(blobs.path());
		assertTrue(total < 300_000, "test-data/blobs holds " + total + " bytes; keep it under 300 KB");
	}
}
