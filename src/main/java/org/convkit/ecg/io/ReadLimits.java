package org.convkit.ecg.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Checks made before a reader allocates: a file's size against what one array can hold and what the
 * reader expects of its kind, and the memory a result needs against the JVM's maximum heap. Errors
 * name the file and the figures.
 */
public final class ReadLimits {

	/** The largest array Java allocates. */
	public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

	private ReadLimits() {}

	/** The file's name, as errors give it. */
	public static String label(Path file) {
		return file.getFileName() == null ? file.toString() : file.getFileName().toString();
	}

	/** Reads a whole file of at most {@code maxBytes} bytes; {@code what} says what it should be ("a WFDB header"). */
	public static byte[] readAll(Path file, long maxBytes, String what) throws IOException {
		long size = size(file, maxBytes, what);
		requireMemory(label(file), size, "reading " + bytes(size));
		return Files.readAllBytes(file);
	}

	/** The file's size, refused when above {@code maxBytes} (and above what one array holds). */
	public static long size(Path file, long maxBytes, String what) throws IOException {
		long size;
		try {
			size = Files.size(file);
		}
		catch (NoSuchFileException e) {
			throw new NoSuchFileException(file.toString(), null, "no such file; expected " + what);
		}
		long limit = Math.min(maxBytes, MAX_ARRAY);
		if (size > limit) {
			throw new IOException(label(file) + ": is " + bytes(size) + "; " + what + " of more than " + bytes(limit)
				+ " is not read" + (size > MAX_ARRAY ? " (it cannot be read into memory at once)" : " (is this the right file?)"));
		}
		return size;
	}

	/** Refuses when {@code bytes} exceed the JVM's maximum heap: reading on would end in an OutOfMemoryError. */
	public static void requireMemory(String label, long bytes, String what) throws IOException {
		long max = Runtime.getRuntime().maxMemory();
		if (bytes < 0 || bytes > max) {
			throw new IOException(label + ": " + what + " needs " + (bytes < 0 ? "more than " + bytes(Long.MAX_VALUE) : bytes(bytes))
				+ " of memory, more than the " + bytes(max) + " this Java VM may use (-Xmx)");
		}
	}

	/** A byte count for messages: "3221225472 bytes (3.0 GiB)". */
	public static String bytes(long n) {
		if (n < 1 << 20) return n + " bytes";
		double v = n;
		String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
		int u = -1;
		while (v >= 1024 && u < units.length - 1) {
			v /= 1024;
			u++;
		}
		return String.format(Locale.ROOT, "%d bytes (%.1f %s)", n, v, units[u]);
	}
}
