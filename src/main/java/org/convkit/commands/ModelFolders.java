package org.convkit.commands;

import org.convkit.core.io.AtomicFiles;
import org.convkit.core.io.OutputFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The check every training command makes on the folder it will save its model in, before it
 * trains: a folder holding files only with overwrite, no file in its place, model files that are
 * not inputs, and a folder (or the nearest existing folder above it) that takes files.
 */
public final class ModelFolders {

	/** Parameter, folder, its first files, the model's files in words. */
	public static final String NOT_EMPTY = "%s: %s exists and is not empty (%s); choose another folder, or set overwrite=true (--overwrite on the "
		+ "command line) to replace its model (%s; other files stay)";
	public static final String IS_FILE = "%s: %s is a file; expected a folder to save the trained model in";
	public static final String NOT_WRITABLE = "%s: cannot write in the folder %s (permission denied); choose another folder";

	private ModelFolders() {}

	/**
	 * @param files the model's file names (replaced by the save; other files in the folder stay)
	 */
	public static void check(String parameter, Path folder, boolean overwrite, List<Path> inputs, List<String> files) throws IOException {
		Path abs = folder.toAbsolutePath().normalize();
		if (Files.exists(abs) && !Files.isDirectory(abs)) throw new IllegalArgumentException(String.format(IS_FILE, parameter, folder));
		if (Files.isDirectory(abs)) {
			List<String> names;
			try (Stream<Path> entries = Files.list(abs)) {
				names = entries.map(p -> p.getFileName().toString()).sorted().toList();
			}
			if (!names.isEmpty() && !overwrite) {
				String shown = String.join(", ", names.subList(0, Math.min(3, names.size()))) + (names.size() > 3 ? ", ..." : "");
				throw new IllegalArgumentException(String.format(NOT_EMPTY, parameter, folder, shown, String.join(" and ", files)));
			}
			for (String file : files) OutputFiles.check(parameter, abs.resolve(file), true, inputs);
		}
		Path existing = abs;
		while (existing != null && !Files.isDirectory(existing)) existing = existing.getParent();
		if (existing != null && !AtomicFiles.canWriteIn(existing)) throw new IllegalArgumentException(String.format(NOT_WRITABLE, parameter, existing));
	}
}
