package org.convkit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code convkit evaluate faces FOLDER} on a folder that is not the one face-api.js's reference
 * descriptors were computed on: ConvKit's figures are labelled with the folder, the reference is not
 * shown, and the output says why. (On ORL s1..s20 the reference is shown: FaceApiReferenceCoverageTest
 * checks the decision; the full run takes minutes.)
 */
class EvaluateFacesTest {

	private static final Path ORL = Path.of("..", "shared", "data", "faces");

	@TempDir
	Path temp;

	@Test
	void theFaceApiReferenceIsNotShownForOtherImages() throws Exception {
		assumeTrue(Files.isDirectory(ORL), "ORL faces not found at " + ORL.toAbsolutePath().normalize() + "; skipped");
		Path folder = temp.resolve("two persons");
		for (int p = 1; p <= 2; p++) {
			Path person = Files.createDirectories(folder.resolve("s" + p));
			for (int i = 1; i <= 3; i++) Files.copy(ORL.resolve("s" + p).resolve(i + ".pgm"), person.resolve(i + ".pgm"));
		}
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		PrintStream out = System.out;
		System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
		try {
			EvaluateTool.faces(folder);
		}
		finally {
			System.setOut(out);
		}
		String text = captured.toString(StandardCharsets.UTF_8);
		System.out.print(text);
		assertTrue(text.contains("face-api reference: not shown, it was measured on ORL s1..s20, images 1..10 (200 images), not on "
			+ folder + " (2 persons, 6 images)"), text);
		assertFalse(text.contains("face-api.js"), "no reference figures: " + text);
		for (String mode : new String[] { "detect", "cropped", "cropped_resize" }) {
			assertTrue(text.contains("== ConvKit face_mode=" + mode + " "), text);
		}
		assertEquals(3, text.split("on " + java.util.regex.Pattern.quote(folder + " (2 persons, 6 images)") + " \\(", -1).length - 1,
			"each ConvKit figure names the images it is for: " + text);
	}
}
