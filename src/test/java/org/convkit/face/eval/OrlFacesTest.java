package org.convkit.face.eval;

import ij.ImagePlus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class OrlFacesTest {

	/** The shared ORL faces, seen from Maven's working directory (the project root). */
	static final Path ORL = Path.of("..", "shared", "data", "faces");

	@Test
	void listsAndReadsTheOrlFaces() throws IOException {
		assumeTrue(Files.isDirectory(ORL), "ORL faces not found at " + ORL.toAbsolutePath() + "; skipped");
		OrlFaces faces = OrlFaces.open(ORL);
		List<String> persons = faces.persons();
		assertTrue(persons.size() >= 20, "persons: " + persons);
		assertEquals(List.of("s1", "s2", "s3"), persons.subList(0, 3), "numeric order, not s1, s10, s11");
		assertEquals("s10", persons.get(9));
		for (String person : persons) assertEquals(10, faces.images(person).size(), person);
		List<String> names = faces.images("s1").stream().map(p -> p.getFileName().toString()).toList();
		assertEquals(List.of("1.pgm", "2.pgm", "3.pgm", "4.pgm", "5.pgm", "6.pgm", "7.pgm", "8.pgm", "9.pgm", "10.pgm"), names);
		assertEquals(persons.size() * 10, faces.size());

		ImagePlus image = faces.read("s1", 0);
		assertEquals(92, image.getWidth());
		assertEquals(112, image.getHeight());
		assertEquals(ImagePlus.GRAY8, image.getType());
		assertEquals(1, image.getStackSize());
		byte[] pixels = (byte[]) image.getProcessor().getPixels();
		// The pixels are the file's: P5 header, then width x height bytes.
		byte[] file = Files.readAllBytes(faces.images("s1").get(0));
		assertArrayEquals(java.util.Arrays.copyOfRange(file, file.length - pixels.length, file.length), pixels);
		assertNotNull(faces.read("s20", 9));
	}

	@Test
	void sortsNumericallyAndIgnoresOtherEntries(@TempDir Path dir) throws IOException {
		for (String person : List.of("s10", "s2", "s1")) {
			Files.createDirectories(dir.resolve(person));
			for (String image : List.of("10.pgm", "2.pgm", "1.pgm", "notes.txt")) Files.writeString(dir.resolve(person).resolve(image), "");
		}
		Files.writeString(dir.resolve("README"), "");
		Files.createDirectories(dir.resolve("extra"));
		OrlFaces faces = OrlFaces.open(dir);
		assertEquals(List.of("s1", "s2", "s10"), faces.persons());
		assertEquals(List.of(dir.resolve("s2/1.pgm"), dir.resolve("s2/2.pgm"), dir.resolve("s2/10.pgm")), faces.images("s2"));
		assertEquals(List.of("s1", "s2", "s10"), List.copyOf(faces.all().keySet()));
		IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> faces.images("s3"));
		assertTrue(unknown.getMessage().startsWith("person: 's3' is not in "), unknown.getMessage());
		IllegalArgumentException index = assertThrows(IllegalArgumentException.class, () -> faces.read("s1", 3));
		assertEquals("index: expected 0 to 2 for 's1', got 3", index.getMessage());
		IOException unreadable = assertThrows(IOException.class, () -> faces.read("s1", 0));
		assertTrue(unreadable.getMessage().startsWith("faces: cannot read " + dir.resolve("s1/1.pgm") + " as an image"), unreadable.getMessage());
	}

	@Test
	void notAnOrlLayoutIsExplained(@TempDir Path dir) throws IOException {
		IOException missing = assertThrows(IOException.class, () -> OrlFaces.open(dir.resolve("nowhere")));
		assertTrue(missing.getMessage().startsWith("faces: folder not found: "), missing.getMessage());
		assertTrue(missing.getMessage().endsWith("expected an ORL-like layout: <folder>/s<person number>/<image number>.pgm, e.g. s1/1.pgm"));

		Files.writeString(dir.resolve("1.pgm"), "");
		IOException flat = assertThrows(IOException.class, () -> OrlFaces.open(dir));
		assertTrue(flat.getMessage().contains("is not an ORL-like folder: no person folders s1, s2, ..."), flat.getMessage());

		Files.createDirectories(dir.resolve("s1"));
		Files.writeString(dir.resolve("s1").resolve("face.png"), "");
		IOException empty = assertThrows(IOException.class, () -> OrlFaces.open(dir));
		assertTrue(empty.getMessage().contains("s1 holds no images 1.pgm, 2.pgm, ..."), empty.getMessage());
	}
}
