package org.convkit.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged gallery files found by the fuzz suite. */
class FaceGalleryLoadTest {

	@Test
	void binaryFileSaysItIsNotText(@TempDir Path folder) throws IOException {
		Path file = folder.resolve("gallery.json");
		Files.write(file, new byte[] {(byte) 0x89, 'P', 'N', 'G', (byte) 0xff, (byte) 0xfe});
		IOException e = assertThrows(IOException.class, () -> FaceGallery.load(file));
		// was: "... is not a ConvKit face gallery (Input length = 1)"
		assertEquals("gallery: " + file + " is not a ConvKit face gallery (not UTF-8 text; is it a binary file?)", e.getMessage());
	}
}
