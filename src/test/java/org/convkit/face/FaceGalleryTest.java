package org.convkit.face;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FaceGalleryTest {

	@Test
	void savesAndLoadsEncodingsNotImages(@TempDir Path folder) throws IOException {
		FaceGallery gallery = new FaceGallery("encoder-x");
		gallery.enroll("Ada Lovelace", encoding(1));
		gallery.enroll("Ada Lovelace", encoding(2));
		gallery.enroll("s12", encoding(3));
		Path file = folder.resolve("gallery.json");
		gallery.save(file);
		FaceGallery loaded = FaceGallery.load(file);
		assertEquals("encoder-x", loaded.encoder());
		assertEquals(List.of("Ada Lovelace", "s12"), loaded.names());
		assertEquals(2, loaded.encodings("Ada Lovelace").size());
		assertArrayEquals(encoding(2), loaded.encodings("Ada Lovelace").get(1));
		String text = Files.readString(file);
		assertTrue(text.startsWith("{\"format\":\"convkit-face-gallery\",\"version\":1,"), text.substring(0, 60));
		assertEquals(List.of(file), Files.list(folder).toList(), "no temporary file is left behind");
	}

	@Test
	void namesThatCouldEscapeOrConfuseAreRefused() {
		FaceGallery gallery = new FaceGallery("e");
		for (String bad : new String[] { "", "../etc", "a/b", "a\\b", ".hidden", "tab\there", "x".repeat(65) }) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gallery.enroll(bad, encoding(0)));
			assertTrue(e.getMessage().startsWith("name: expected 1 to 64 letters"), e.getMessage());
		}
		gallery.enroll("José O'Neil-Smith Jr.", encoding(0));
		assertTrue(gallery.contains("José O'Neil-Smith Jr."));
	}

	@Test
	void wrongEncodingLengthIsRefused() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FaceGallery("e").enroll("a", new float[3]));
		assertEquals("encoding: expected 128 values, got 3", e.getMessage());
	}

	@Test
	void corruptForeignAndNewerFilesAreNamed(@TempDir Path folder) throws IOException {
		assertLoadFails(folder, "{not json", "is not a ConvKit face gallery (");
		assertLoadFails(folder, "{\"format\":\"something-else\"}", "is not a ConvKit face gallery (no \"format\": \"convkit-face-gallery\")");
		assertLoadFails(folder, "{\"format\":\"convkit-face-gallery\",\"version\":7}", "has format version 7; this ConvKit reads up to 1: update ConvKit");
		assertLoadFails(folder, "{\"format\":\"convkit-face-gallery\",\"version\":1,\"encoder\":\"e\",\"persons\":[{\"name\":\"a\",\"encodings\":[[1,2]]}]}",
			"is damaged: encoding: expected 128 values, got 2");
		IOException missing = assertThrows(IOException.class, () -> FaceGallery.load(folder.resolve("none.json")));
		assertEquals("gallery: file not found: " + folder.resolve("none.json"), missing.getMessage());
	}

	@Test
	void removingAndAskingForUnknownPersons() {
		FaceGallery gallery = new FaceGallery("e");
		gallery.enroll("a", encoding(0));
		assertTrue(gallery.remove("a"));
		assertFalse(gallery.remove("a"));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gallery.encodings("a"));
		assertEquals("name: 'a' is not in the gallery; known: []", e.getMessage());
	}

	private static void assertLoadFails(Path folder, String content, String expected) throws IOException {
		Path file = folder.resolve("bad.json");
		Files.writeString(file, content);
		IOException e = assertThrows(IOException.class, () -> FaceGallery.load(file));
		assertTrue(e.getMessage().startsWith("gallery: " + file + " "), e.getMessage());
		assertTrue(e.getMessage().contains(expected), e.getMessage());
	}

	static float[] encoding(int seed) {
		java.util.Random random = new java.util.Random(seed);
		float[] values = new float[FaceGallery.ENCODING_LENGTH];
		for (int i = 0; i < values.length; i++) values[i] = (float) (random.nextGaussian() * 0.1);
		return values;
	}
}
