package org.convkit.face.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** face-api.js's reference figures are shown only next to ConvKit's figures on the very images they were measured on. */
class FaceApiReferenceCoverageTest {

	@TempDir
	Path temp;

	@Test
	void theReferenceCoversOrlS1ToS20Images1To10() throws IOException {
		assertEquals(200, OrlEvaluation.faceApiImages().size());
		assertTrue(OrlEvaluation.faceApiImages().contains("s20/10"));
		Path folder = layout(20, 10);
		assertTrue(OrlEvaluation.faceApiCovers(OrlFaces.open(folder)));
		// One image fewer, one person more, another numbering: other images, other figures.
		Files.delete(folder.resolve("s7").resolve("10.pgm"));
		assertFalse(OrlEvaluation.faceApiCovers(OrlFaces.open(folder)));
		assertFalse(OrlEvaluation.faceApiCovers(OrlFaces.open(layout(21, 10))));
		assertFalse(OrlEvaluation.faceApiCovers(OrlFaces.open(layout(2, 3))));
	}

	@Test
	void theSharedOrlFolderIsCovered() throws IOException {
		assumeTrue(Files.isDirectory(OrlFacesTest.ORL), "ORL faces not found at " + OrlFacesTest.ORL.toAbsolutePath() + "; skipped");
		OrlFaces orl = OrlFaces.open(OrlFacesTest.ORL);
		assertEquals(orl.persons().size() == 20 && orl.size() == 200, OrlEvaluation.faceApiCovers(orl), "persons " + orl.persons());
	}

	/** An ORL-like folder of empty files s1..sP/1..N.pgm (listing reads no pixels). */
	private Path layout(int persons, int images) throws IOException {
		Path folder = Files.createTempDirectory(temp, "orl");
		for (int p = 1; p <= persons; p++) {
			Path person = Files.createDirectories(folder.resolve("s" + p));
			for (int i = 1; i <= images; i++) Files.createFile(person.resolve(i + ".pgm"));
		}
		return folder;
	}
}
