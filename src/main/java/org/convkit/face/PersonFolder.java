package org.convkit.face;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A folder of {@code person/*} image subfolders, each subfolder's name the person's: how Enroll Face
 * Folder, the embedding and pair-classifier trainers and the verification evaluation read people.
 * Entries are listed in name order, hidden ones ignored.
 */
public final class PersonFolder {

	/** The image files read: ImageJ's common formats. */
	public static final String IMAGE_TYPES = ".tif, .png, .jpg, .pgm, .bmp, .gif";

	private PersonFolder() {}

	/** The person subfolders of a folder. */
	public static java.util.List<Path> persons(Path folder) throws IOException {
		return sorted(folder, Files::isDirectory);
	}

	/** The image files of a person's subfolder. */
	public static java.util.List<Path> images(Path person) throws IOException {
		return sorted(person, PersonFolder::isImage);
	}

	public static boolean isImage(Path file) {
		String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
		return Files.isRegularFile(file) && name.matches(".*\\.(tif|tiff|png|jpg|jpeg|pgm|bmp|gif)$");
	}

	private static java.util.List<Path> sorted(Path folder, Predicate<Path> filter) throws IOException {
		try (Stream<Path> entries = Files.list(folder)) {
			return entries.filter(filter).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
		}
	}
}
