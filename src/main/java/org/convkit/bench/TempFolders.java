package org.convkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removal of the temporary folders the benchmarks exchange files with their references through. */
final class TempFolders {

	private TempFolders() {}

	/** Deletes the folder and everything in it (absent: nothing). */
	static void delete(Path folder) throws IOException {
		if (!Files.exists(folder)) return;
		try (Stream<Path> files = Files.walk(folder)) {
			for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
		}
	}
}
