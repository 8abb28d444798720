package org.convkit.fuzz;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** Byte-level mutations of a file's contents; each takes its own Random so a case's seed reproduces it. */
final class Mutations {

	private Mutations() {}

	/** The first {@code length} bytes. */
	static byte[] truncate(byte[] b, int length) {
		return Arrays.copyOf(b, Math.min(length, b.length));
	}

	/** Flips {@code count} random bits; returns the offset of the first. */
	static int flipBits(byte[] b, Random random, int count) {
		int first = -1;
		for (int i = 0; i < count && b.length > 0; i++) {
			int at = random.nextInt(b.length);
			if (first < 0) first = at;
			b[at] ^= (byte) (1 << random.nextInt(8));
		}
		return first;
	}

	/** Overwrites {@code count} bytes at random places with random values; returns the offset of the first. */
	static int randomBytes(byte[] b, Random random, int count) {
		int first = -1;
		for (int i = 0; i < count && b.length > 0; i++) {
			int at = random.nextInt(b.length);
			if (first < 0) first = at;
			b[at] = (byte) random.nextInt(256);
		}
		return first;
	}

	/** Overwrites a run of {@code length} random bytes from {@code at} (clipped to the end). */
	static void randomRun(byte[] b, Random random, int at, int length) {
		for (int i = at; i < Math.min(b.length, at + length); i++) b[i] = (byte) random.nextInt(256);
	}

	/**
	 * Writes {@code head} and extends the file to {@code size} bytes without writing them: a sparse
	 * file that claims gigabytes while using next to no disk.
	 */
	static void sparse(Path file, byte[] head, long size) throws IOException {
		Files.write(file, head);
		try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
			raf.setLength(size);
		}
	}
}
