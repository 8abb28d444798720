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

	/**
	 * The persons a selection names, in folder order: names separated by commas or spaces, and
	 * ranges {@code s1-s10} of names that differ only in a trailing number; empty: all.
	 *
	 * @throws IllegalArgumentException naming a person who is not in {@code available}
	 */
	public static java.util.List<String> select(String selection, java.util.List<String> available) {
		if (selection == null || selection.isBlank()) return available;
		java.util.Set<String> wanted = new java.util.HashSet<>();
		for (String item : selection.trim().split("[,\\s]+")) {
			java.util.regex.Matcher range = RANGE.matcher(item);
			if (range.matches() && range.group(1).equals(range.group(3))) {
				for (long i = Long.parseLong(range.group(2)); i <= Long.parseLong(range.group(4)); i++) wanted.add(range.group(1) + i);
			}
			else if (available.contains(item)) wanted.add(item);
			else throw new IllegalArgumentException("persons: '" + FaceGallery.shorten(item) + "' is not a person subfolder; known: " + FaceGallery.shorten(available.toString(), 256));
		}
		java.util.List<String> chosen = available.stream().filter(wanted::contains).toList();
		if (chosen.isEmpty()) throw new IllegalArgumentException("persons: '" + FaceGallery.shorten(selection) + "' selects no person subfolder; known: " + FaceGallery.shorten(available.toString(), 256));
		return chosen;
	}

	private static final java.util.regex.Pattern RANGE = java.util.regex.Pattern.compile("(\\D*)(\\d{1,9})-(\\D*)(\\d{1,9})");

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
