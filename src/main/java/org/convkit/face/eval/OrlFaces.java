package org.convkit.face.eval;

import ij.ImagePlus;
import org.convkit.ij.io.ImageFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A face dataset in the ORL ("AT&amp;T faces") layout: one folder per person named {@code s<number>}
 * holding images {@code <number>.pgm}, e.g. {@code s1/1.pgm .. s40/10.pgm}. Persons and images are
 * listed in numeric order (s2 before s10); other entries (README files, hidden files) are ignored.
 * Images are read with ImageJ (through {@link ImageFiles#open}), which needs no display.
 */
public final class OrlFaces {

	private static final Pattern PERSON = Pattern.compile("s(\\d{1,9})");
	private static final Pattern IMAGE = Pattern.compile("(\\d{1,9})\\.pgm");

	private final Path folder;
	private final Map<String, List<Path>> images;

	private OrlFaces(Path folder, Map<String, List<Path>> images) {
		this.folder = folder;
		this.images = images;
	}

	/**
	 * Lists a dataset folder.
	 *
	 * @throws IOException when the folder is missing, or holds no person folder {@code s<number>},
	 *         or a person folder holds no image {@code <number>.pgm}; the message names the folder
	 *         and the expected layout
	 */
	public static OrlFaces open(Path folder) throws IOException {
		if (!Files.isDirectory(folder)) throw new IOException("faces: folder not found: " + folder + "; " + layout());
		List<Path> personFolders = numbered(folder, PERSON, true);
		if (personFolders.isEmpty()) {
			throw new IOException("faces: " + folder + " is not an ORL-like folder: no person folders s1, s2, ...; " + layout());
		}
		Map<String, List<Path>> images = new LinkedHashMap<>();
		for (Path person : personFolders) {
			List<Path> files = numbered(person, IMAGE, false);
			if (files.isEmpty()) {
				throw new IOException("faces: " + person + " holds no images 1.pgm, 2.pgm, ...; " + layout());
			}
			images.put(person.getFileName().toString(), Collections.unmodifiableList(files));
		}
		return new OrlFaces(folder, Collections.unmodifiableMap(images));
	}

	private static String layout() {
		return "expected an ORL-like layout: <folder>/s<person number>/<image number>.pgm, e.g. s1/1.pgm";
	}

	/** The entries of {@code dir} whose names match {@code pattern} (folders or regular files), sorted by their number. */
	private static List<Path> numbered(Path dir, Pattern pattern, boolean folders) throws IOException {
		List<Path> found = new ArrayList<>();
		try (Stream<Path> entries = Files.list(dir)) {
			for (Path entry : (Iterable<Path>) entries::iterator) {
				Matcher m = pattern.matcher(entry.getFileName().toString());
				if (m.matches() && (folders ? Files.isDirectory(entry) : Files.isRegularFile(entry))) found.add(entry);
			}
		}
		found.sort(Comparator.comparingLong((Path p) -> number(p, pattern)).thenComparing(p -> p.getFileName().toString()));
		return found;
	}

	private static long number(Path path, Pattern pattern) {
		Matcher m = pattern.matcher(path.getFileName().toString());
		if (!m.matches()) throw new IllegalStateException(path.toString());
		return Long.parseLong(m.group(1));
	}

	public Path folder() {
		return folder;
	}

	/** Person names (their folder names: s1, s2, ...) in numeric order. */
	public List<String> persons() {
		return List.copyOf(images.keySet());
	}

	/** A person's image files in numeric order (1.pgm, 2.pgm, ..., 10.pgm). */
	public List<Path> images(String person) {
		List<Path> list = images.get(person);
		if (list == null) throw new IllegalArgumentException("person: '" + person + "' is not in " + folder + "; known: " + persons());
		return list;
	}

	/** Every person's image files: person -&gt; images, both in numeric order. */
	public Map<String, List<Path>> all() {
		return images;
	}

	/** The total number of images. */
	public int size() {
		return images.values().stream().mapToInt(List::size).sum();
	}

	/**
	 * Reads one image (e.g. an 8-bit 92 x 112 PGM) with ImageJ.
	 *
	 * @throws IOException when ImageJ cannot read it
	 */
	public static ImagePlus read(Path image) throws IOException {
		if (!Files.isRegularFile(image)) throw new IOException("faces: image not found: " + image);
		try {
			return ImageFiles.open("faces", image); // refuses what ImageJ cannot read without ImageJ printing it
		}
		catch (IllegalArgumentException e) {
			throw new IOException(e.getMessage(), e);
		}
	}

	/** Image {@code index} (0-based, in numeric order) of a person. */
	public ImagePlus read(String person, int index) throws IOException {
		List<Path> list = images(person);
		if (index < 0 || index >= list.size()) {
			throw new IllegalArgumentException("index: expected 0 to " + (list.size() - 1) + " for '" + person + "', got " + index);
		}
		return read(list.get(index));
	}
}
