package org.convkit.face.eval;

import org.convkit.face.PersonFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A pairs list in LFW's {@code pairs.txt} format: an optional header ({@code "10 300"}: ten folds of
 * 300 same and 300 different pairs, in blocks; or one number, the pair count, without folds), then
 * a line per pair, {@code name i j} (same person, images i and j) or {@code name1 i name2 j}
 * (different persons), fields separated by tabs or spaces. Image i of a person is
 * {@code folder/name/name_000i.*} (LFW's naming) or {@code folder/name/i.*} (e.g. ORL).
 *
 * @param pairs the pairs in file order
 * @param folds folds given by the header (0: none; split the folds by person)
 */
public record PairsFile(List<Pair> pairs, int folds) {

	static final String MALFORMED = "pairs: line %d of %s: expected 'name i j' (same person) or 'name1 i name2 j' (different persons), got '%s'";
	static final String MISSING = "pairs: line %d of %s: no image %d of '%s' in %s (expected %s_%04d.* or %d.* in its subfolder)";
	static final String FOLD_COUNT = "pairs: %s: its header promises %d folds of %d same and %d different pairs (%d lines), but it has %d pairs";
	static final long MAX_BYTES = 64L << 20;

	/** A pair of images (with their persons), and the fold it belongs to (-1: none given). */
	public record Pair(Path first, String personA, Path second, String personB, int fold, int line) {
		public boolean same() {
			return personA.equals(personB);
		}
	}

	/** Reads a pairs file, resolving every image in {@code images}. */
	public static PairsFile read(Path file, Path images) throws IOException {
		if (!Files.isRegularFile(file)) throw new IOException("pairs: file not found: " + file);
		if (Files.size(file) > MAX_BYTES) throw new IOException("pairs: " + file + " is larger than " + MAX_BYTES + " bytes; is it a pairs list?");
		if (images == null || !Files.isDirectory(images)) throw new IllegalArgumentException("folder: expected the folder of the pairs' images, got " + images);
		List<String> lines = Files.readAllLines(file);
		List<Pair> pairs = new ArrayList<>();
		int folds = 0, perFold = 0, start = 0;
		if (!lines.isEmpty()) {
			String[] header = lines.get(0).trim().split("\\s+");
			if (header.length <= 2 && header[0].matches("\\d{1,9}") && (header.length == 1 || header[1].matches("\\d{1,9}"))) {
				start = 1;
				if (header.length == 2) {
					folds = Integer.parseInt(header[0]);
					perFold = Integer.parseInt(header[1]);
				}
			}
		}
		for (int i = start; i < lines.size(); i++) {
			String line = lines.get(i).trim();
			if (line.isEmpty()) continue;
			String[] f = line.split("\\s+");
			int n = i + 1;
			try {
				int index = pairs.size(), fold = folds > 0 && perFold > 0 ? index / (2 * perFold) : -1;
				if (f.length == 3) pairs.add(new Pair(image(images, f[0], Integer.parseInt(f[1]), n, file), f[0], image(images, f[0], Integer.parseInt(f[2]), n, file), f[0], fold, n));
				else if (f.length == 4) pairs.add(new Pair(image(images, f[0], Integer.parseInt(f[1]), n, file), f[0], image(images, f[2], Integer.parseInt(f[3]), n, file), f[2], fold, n));
				else throw new NumberFormatException();
			}
			catch (NumberFormatException e) {
				throw new IllegalArgumentException(String.format(MALFORMED, n, file, org.convkit.face.FaceGallery.shorten(line)));
			}
		}
		if (folds > 0 && pairs.size() != folds * 2 * perFold) {
			throw new IllegalArgumentException(String.format(FOLD_COUNT, file, folds, perFold, perFold, folds * 2 * perFold, pairs.size()));
		}
		if (pairs.isEmpty()) throw new IllegalArgumentException("pairs: " + file + " lists no pairs");
		return new PairsFile(List.copyOf(pairs), folds);
	}

	private static Path image(Path folder, String person, int index, int line, Path file) throws IOException {
		if (index < 0) throw new NumberFormatException();
		Path dir = folder.resolve(person).normalize();
		if (dir.startsWith(folder.normalize()) && Files.isDirectory(dir)) {
			String lfw = String.format(Locale.ROOT, "%s_%04d.", person, index), plain = index + ".";
			for (Path candidate : PersonFolder.images(dir)) {
				String name = candidate.getFileName().toString();
				if (name.startsWith(lfw) || name.startsWith(plain) && name.indexOf('.') == plain.length() - 1) return candidate;
			}
		}
		throw new IllegalArgumentException(String.format(MISSING, line, file, index, person, folder, person, index, index));
	}
}
