package org.convkit.commands.face;

import org.convkit.core.io.AtomicFiles;
import org.convkit.core.io.OutputFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The folders the face trainers save into (an embedding, a pair classifier): checked before any work. */
final class FaceModelFolders {

	static final String NOT_A_FOLDER = "folder: expected a folder of person subfolders with images, got %s";
	static final String NOT_EMPTY = "%s: %s exists and is not empty (%s); choose another folder, or set overwrite=true (--overwrite on the command line) "
		+ "to replace its %s (other files stay)";
	static final String IS_FILE = "%s: %s is a file; expected a folder to save in";
	static final String INSIDE_INPUT = "%s: %s is inside the image folder %s; choose a folder outside it (it would be read as a person)";
	static final String NOT_WRITABLE = "%s: cannot write in the folder %s (permission denied); choose another folder";

	private FaceModelFolders() {}

	/**
	 * Refuses, before training: a file in the folder's place, a folder that holds files unless
	 * overwrite, a folder inside the image folder, and a folder (or the nearest existing one above
	 * it) that takes no files.
	 *
	 * @param files the files the save writes
	 */
	static void check(String parameter, Path folder, boolean overwrite, List<String> files, Path images) throws IOException {
		Path abs = folder.toAbsolutePath().normalize();
		if (Files.exists(abs) && !Files.isDirectory(abs)) throw new IllegalArgumentException(String.format(IS_FILE, parameter, folder));
		if (images != null && abs.startsWith(images.toAbsolutePath().normalize())) {
			throw new IllegalArgumentException(String.format(INSIDE_INPUT, parameter, folder, images));
		}
		if (Files.isDirectory(abs)) {
			List<String> names;
			try (Stream<Path> entries = Files.list(abs)) {
				names = entries.map(p -> p.getFileName().toString()).sorted().toList();
			}
			if (!names.isEmpty() && !overwrite) {
				String shown = String.join(", ", names.subList(0, Math.min(3, names.size()))) + (names.size() > 3 ? ", ..." : "");
				throw new IllegalArgumentException(String.format(NOT_EMPTY, parameter, folder, shown, String.join(" and ", files)));
			}
			for (String file : files) OutputFiles.check(parameter, abs.resolve(file), true, List.of());
		}
		Path existing = abs;
		while (existing != null && !Files.isDirectory(existing)) existing = existing.getParent();
		if (existing != null && !AtomicFiles.canWriteIn(existing)) throw new IllegalArgumentException(String.format(NOT_WRITABLE, parameter, existing));
	}
}
