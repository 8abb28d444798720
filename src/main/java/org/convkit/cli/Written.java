package org.convkit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Which files a command wrote by itself (output_csv, a gallery, a model folder's files): the
 * modification times of the files its options name, and of the files in the folders they name,
 * before and after the run.
 */
record Written(List<Path> paths, Map<Path, Long> times) {

	/** Modification times (-1: absent) of the paths, a named folder's files standing for the folder. */
	static Written of(List<Path> paths) {
		Map<Path, Long> times = new LinkedHashMap<>();
		for (Path path : paths) {
			if (!Files.isDirectory(path)) {
				times.put(path, modified(path));
				continue;
			}
			try (Stream<Path> files = Files.list(path)) {
				files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted().forEach(f -> times.put(f, modified(f)));
			}
			catch (IOException e) {
				// an unreadable folder is the command's to report
			}
		}
		return new Written(List.copyOf(paths), times);
	}

	/** Files that are new or changed since this snapshot, in order. */
	List<Path> since() {
		return of(paths).times().entrySet().stream()
			.filter(e -> e.getValue() >= 0 && !e.getValue().equals(times.get(e.getKey())))
			.map(Map.Entry::getKey).toList();
	}

	private static long modified(Path file) {
		try {
			return Files.isRegularFile(file) ? Files.getLastModifiedTime(file).toMillis() : -1;
		}
		catch (IOException e) {
			return -1;
		}
	}
}
