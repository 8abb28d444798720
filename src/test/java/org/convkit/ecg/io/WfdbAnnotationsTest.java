package org.convkit.ecg.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.convkit.ecg.Annotation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WfdbAnnotationsTest {

	static final Set<String> BEATS = Set.of("N", "L", "R", "B", "A", "a", "J", "S", "V", "r", "F", "e", "j", "n", "E", "/", "f", "Q", "?");

	@TempDir
	Path folder;

	@Test
	void record101() throws IOException {
		Path atr = WfdbRecordsTest.require("mitdb/101.atr");
		List<Annotation> annotations = WfdbAnnotations.read(atr);
		Map<String, Integer> counts = new TreeMap<>();
		for (Annotation a : annotations) counts.merge(a.symbol(), 1, Integer::sum);
		// MIT-BIH directory for 101: 1860 normal, 3 APC, 2 unclassifiable = 1865 beats
		assertEquals(Map.of("N", 1860, "A", 3, "Q", 2, "+", 1, "|", 4, "~", 4), counts);
		assertEquals(1865, annotations.stream().filter(a -> BEATS.contains(a.symbol())).count());
		assertEquals(1874, annotations.size());
		assertEquals(new Annotation(7, "+", 0, 0, 0, "(N\0"), annotations.get(0), "rhythm annotation; its aux text is stored with a NUL");
		assertEquals(3, annotations.stream().filter(a -> a.symbol().equals("A")).count());
		assertEquals(Annotation.of(83, "N"), annotations.get(1));
		for (int i = 1; i < annotations.size(); i++) assertTrue(annotations.get(i).sample() >= annotations.get(i - 1).sample());
		assertTrue(annotations.get(annotations.size() - 1).sample() < 650000);

		// writing what was read gives back the very bytes PhysioNet ships
		Path copy = folder.resolve("101.atr");
		WfdbAnnotations.write(copy, annotations);
		assertArrayEquals(Files.readAllBytes(atr), Files.readAllBytes(copy));
	}

	@Test
	void roundTripWithSkipAuxAndModifiers() throws IOException {
		List<Annotation> annotations = List.of(
			Annotation.of(0, "N"),
			Annotation.of(1023, "V"),                       // largest step without SKIP
			Annotation.of(2047, "N"),                       // step 1024: SKIP
			new Annotation(2047 + 5_000_000L, "+", 0, 0, 0, "(AFIB"), // big SKIP, odd-length aux
			new Annotation(2047 + 5_000_010L, "~", 0, 3, 0, "noisy"),  // channel change
			new Annotation(2047 + 5_000_011L, "N", 0, 3, 0, ""),       // channel carries over
			new Annotation(2047 + 5_000_012L, "A", 2, 3, 7, "ab"),      // subtype, number, even aux
			new Annotation(2047 + 5_000_013L, "N", -1, 0, -5, ""),      // back to channel 0, negative values
			new Annotation(2047 + 5_000_013L, "\"", 0, 1023, 511, "note"), // same sample, extreme values
			Annotation.of(100, "Q"),                        // backwards: negative SKIP
			Annotation.of(101, "15"),                       // code without a symbol
			Annotation.of(2_000_000_000L, "N"));            // a step near the 32-bit limit
		Path file = folder.resolve("x.atr");
		WfdbAnnotations.write(file, annotations);
		assertEquals(annotations, WfdbAnnotations.read(file));

		byte[] bytes = Files.readAllBytes(file);
		// second word: V (5) with step 1023; third word: SKIP (59) then 00 00 | 00 04 (1024), then N with step 0
		assertEquals(5 << 10 | 1023, word(bytes, 2));
		assertEquals(59 << 10, word(bytes, 4));
		assertEquals(0, word(bytes, 6));
		assertEquals(1024, word(bytes, 8));
		assertEquals(1 << 10, word(bytes, 10));
		assertEquals(0, word(bytes, bytes.length - 2), "ends with a zero word");
		assertTrue(bytes.length % 2 == 0);
	}

	@Test
	void writeRefusesWhatMitFormatCannotHold() {
		Path file = folder.resolve("bad.atr");
		IOException e = assertThrows(IOException.class, () -> WfdbAnnotations.write(file, List.of(Annotation.of(5, "Z"))));
		assertTrue(e.getMessage().contains("bad.atr: annotation 0 (sample 5, symbol 'Z')"), e.getMessage());
		assertThrows(IOException.class, () -> WfdbAnnotations.write(file, List.of(new Annotation(5, "N", 600, 0, 0, ""))));
		assertThrows(IOException.class, () -> WfdbAnnotations.write(file, List.of(new Annotation(5, "N", 0, 0, 0, "x".repeat(256)))));
		assertTrue(!Files.exists(file), "nothing written");
	}

	@Test
	void truncatedAuxIsAnError() throws IOException {
		Path file = folder.resolve("t.atr");
		Files.write(file, new byte[] {5, 4, 10, (byte) (63 << 2), 'a', 'b'}); // N at 5, AUX of 10 bytes, 2 there
		IOException e = assertThrows(IOException.class, () -> WfdbAnnotations.read(file));
		assertTrue(e.getMessage().startsWith("t.atr: ends inside an AUX"), e.getMessage());
	}

	@Test
	void symbols() {
		assertEquals("N", WfdbAnnotations.symbol(1));
		assertEquals("r", WfdbAnnotations.symbol(41));
		assertEquals("15", WfdbAnnotations.symbol(15));
		assertEquals(28, WfdbAnnotations.code("+"));
		assertEquals(-1, WfdbAnnotations.code("Z"));
	}

	private static int word(byte[] b, int i) {
		return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
	}
}
