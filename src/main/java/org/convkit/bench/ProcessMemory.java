package org.convkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** This process's memory as Linux reports it in /proc/self/status: resident now (VmRSS) and at its peak (VmHWM). */
final class ProcessMemory {

	private ProcessMemory() {}

	/** VmRSS in bytes, or 0 where /proc does not say (not Linux). */
	static long residentBytes() {
		try {
			return kilobytes("VmRSS") * 1024;
		}
		catch (IOException | NumberFormatException e) {
			return 0;
		}
	}

	/** VmHWM as a person reads it, e.g. "2.10 GB (VmHWM)". */
	static String peakRss() {
		try {
			return String.format(Locale.ROOT, "%.2f GB (VmHWM)", kilobytes("VmHWM") / 1024.0 / 1024.0);
		}
		catch (IOException | NumberFormatException e) {
			return "unknown (" + e.getMessage() + ")";
		}
	}

	/** A field of /proc/self/status, in kB. */
	private static long kilobytes(String field) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("\\D", ""));
		}
		throw new IOException("no " + field);
	}
}
