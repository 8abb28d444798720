package org.convkit.face;

import ij.ImagePlus;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.core.runtime.MemoryGuard;
import org.convkit.ij.ImagePlusImgs;
import org.convkit.ij.io.ImageFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The faces of a {@link PersonFolder} (or of a stack with one person label per slice) as aligned chips, person by person: what the embedding
 * trainer learns from and what the pair classifier and the verification evaluation encode. One
 * face per image (the highest-scoring where the detector finds several); images without a face and
 * persons with fewer than two faces (no positive pair) are skipped and listed in {@link #skipped()}.
 *
 * @param folder the folder read
 * @param chips person -&gt; chips (float {@code [150, 150, 3]} x, y, RGB 0..255, i.e. planar CHW), in file order
 * @param files person -&gt; the image file of each chip
 * @param skipped one line per image or person left out, with the reason
 */
public record LabelledFaces(Path folder, Map<String, List<float[]>> chips, Map<String, List<Path>> files, List<String> skipped) {

	static final String NOT_A_FOLDER = "folder: expected a folder of person subfolders with images, got %s";
	static final String TOO_FEW_PERSONS = "%s: %s has %d person(s) with at least two faces; expected at least %d%s";
	static final String LABEL_COUNT = "labels: expected one label per slice, got %d labels for '%s' of %d slices";
	static final String EMPTY_LABEL = "labels: the label of slice %d is empty; expected a person's name";
	/** How a stack's slices are named in place of files. */
	static final String SLICE = "slice ";
	static final String NO_FACE = "%s: no face found";
	static final String ONE_FACE = "%s: skipped, only one image with a face (no positive pair)";
	/** Heap per chip, float32. */
	public static final long CHIP_BYTES = 4L * FaceEncoder.CHIP_SIZE * FaceEncoder.CHIP_SIZE * 3;

	/**
	 * Reads a folder's faces.
	 *
	 * @param minPersons the fewest persons with two faces or more that the caller can work with
	 * @throws IllegalArgumentException naming the folder when it is missing or has too few persons
	 */
	public static LabelledFaces read(Path folder, ConvKitRuntime runtime, FacePipeline.Options options, int minPersons) throws IOException {
		return read(folder, "", new FacePipeline(runtime), options, minPersons);
	}

	/**
	 * Reads the faces of some persons of a folder.
	 *
	 * @param persons a {@link PersonFolder#select selection} of the person subfolders (empty: all)
	 * @param pipeline finds the faces (its encoder is not used)
	 */
	public static LabelledFaces read(Path folder, String persons, FacePipeline pipeline, FacePipeline.Options options, int minPersons) throws IOException {
		if (folder == null || !Files.isDirectory(folder)) throw new IllegalArgumentException(String.format(NOT_A_FOLDER, folder));
		Map<String, List<Path>> listed = new LinkedHashMap<>();
		int count = 0;
		List<Path> subfolders = PersonFolder.persons(folder);
		List<String> chosen = PersonFolder.select(persons, subfolders.stream().map(p -> p.getFileName().toString()).toList());
		for (Path person : subfolders) {
			if (!chosen.contains(person.getFileName().toString())) continue;
			List<Path> images = PersonFolder.images(person);
			if (!images.isEmpty()) listed.put(person.getFileName().toString(), images);
			count += images.size();
		}
		MemoryGuard.check("folder", String.format(Locale.ROOT, "the aligned faces of %d images", count), 0, count * CHIP_BYTES,
			(physical, heap) -> "use fewer images, or raise the heap");
		return collect(folder, "folder", listed, (person, file) -> chip(pipeline, file, options), minPersons);
	}

	/**
	 * The faces of a stack whose slices are labelled with their person (one label per slice, in
	 * slice order, e.g. from {@link SliceLabels}): the same chips, skips and checks as a folder of
	 * person subfolders, each slice standing for an image file named "slice N".
	 *
	 * @param source the stack's title, for messages
	 * @param planes the stack's RGB planes ({@link FaceImages#rgbPlanes}), one per slice
	 */
	public static LabelledFaces read(String source, List<? extends RandomAccessibleInterval<FloatType>> planes, List<String> labels, FacePipeline pipeline,
		FacePipeline.Options options, int minPersons) throws IOException
	{
		if (planes.size() != labels.size()) {
			throw new IllegalArgumentException(String.format(Locale.ROOT, LABEL_COUNT, labels.size(), source, planes.size()));
		}
		MemoryGuard.check("image", String.format(Locale.ROOT, "the aligned faces of %d slices", planes.size()), 0, planes.size() * CHIP_BYTES,
			(physical, heap) -> "use fewer slices, or raise the heap");
		Map<String, List<Path>> listed = new LinkedHashMap<>();
		for (int i = 0; i < labels.size(); i++) {
			String person = labels.get(i).trim();
			if (person.isEmpty()) throw new IllegalArgumentException(String.format(Locale.ROOT, EMPTY_LABEL, i + 1));
			listed.computeIfAbsent(person, k -> new ArrayList<>()).add(Path.of(SLICE + (i + 1)));
		}
		return collect(Path.of(source), "image", listed, (person, slice) -> {
			int index = Integer.parseInt(slice.getFileName().toString().substring(SLICE.length())) - 1;
			return best(pipeline.chips(planes.subList(index, index + 1), options));
		}, minPersons);
	}

	/** The chip of one image of a person, or null without a face. */
	@FunctionalInterface
	private interface ChipReader {
		float[] chip(String person, Path image) throws IOException;
	}

	/** Each person's chips, images without a face and persons with fewer than two faces skipped and listed. */
	private static LabelledFaces collect(Path source, String parameter, Map<String, List<Path>> listed, ChipReader reader, int minPersons) throws IOException {
		Map<String, List<float[]>> chips = new LinkedHashMap<>();
		Map<String, List<Path>> files = new LinkedHashMap<>();
		List<String> skipped = new ArrayList<>();
		for (Map.Entry<String, List<Path>> person : listed.entrySet()) {
			List<float[]> found = new ArrayList<>();
			List<Path> sources = new ArrayList<>();
			for (Path file : person.getValue()) {
				String shown = person.getKey() + "/" + file.getFileName();
				float[] chip;
				try {
					chip = reader.chip(person.getKey(), file);
				}
				catch (IllegalArgumentException e) {
					skipped.add(shown + ": " + e.getMessage());
					continue;
				}
				if (chip == null) skipped.add(String.format(NO_FACE, shown));
				else {
					found.add(chip);
					sources.add(file);
				}
			}
			if (found.size() < 2) skipped.add(String.format(ONE_FACE, person.getKey()));
			else {
				chips.put(person.getKey(), Collections.unmodifiableList(found));
				files.put(person.getKey(), Collections.unmodifiableList(sources));
			}
		}
		if (chips.size() < minPersons) {
			throw new IllegalArgumentException(String.format(TOO_FEW_PERSONS, parameter, source, chips.size(), minPersons,
				skipped.isEmpty() ? "" : "; skipped: " + FaceGallery.shorten(String.join("; ", skipped), 512)));
		}
		return new LabelledFaces(source, Collections.unmodifiableMap(chips), Collections.unmodifiableMap(files), List.copyOf(skipped));
	}

	/**
	 * The chip of an image file's best face (of its first plane), or null without a face.
	 *
	 * @throws IllegalArgumentException naming the file when ImageJ cannot read it
	 */
	public static float[] chip(FacePipeline pipeline, Path file, FacePipeline.Options options) throws IOException {
		ImagePlus image = ImageFiles.open("folder", file);
		var planes = FaceImages.rgbPlanes(ImagePlusImgs.wrap(image), image.getDisplayRangeMin(), image.getDisplayRangeMax());
		return best(pipeline.chips(planes.subList(0, 1), options));
	}

	/** The highest-scoring face's chip values, or null without a face. */
	private static float[] best(List<FacePipeline.Chip> faces) {
		FacePipeline.Chip best = null;
		for (FacePipeline.Chip c : faces) {
			if (best == null || c.box().score() > best.box().score()) best = c;
		}
		if (best == null) return null;
		@SuppressWarnings("unchecked")
		ArrayImg<FloatType, FloatArray> img = (ArrayImg<FloatType, FloatArray>) best.chip();
		return img.update(null).getCurrentStorageArray().clone();
	}

	/** These persons only (e.g. a split by person), in this order. */
	public LabelledFaces persons(List<String> names) {
		Map<String, List<float[]>> c = new LinkedHashMap<>();
		Map<String, List<Path>> f = new LinkedHashMap<>();
		for (String name : names) {
			if (!chips.containsKey(name)) throw new IllegalArgumentException("persons: '" + name + "' is not in " + folder + "; known: " + chips.keySet());
			c.put(name, chips.get(name));
			f.put(name, files.get(name));
		}
		return new LabelledFaces(folder, c, f, skipped);
	}

	/** The persons, in folder order. */
	public List<String> names() {
		return List.copyOf(chips.keySet());
	}

	/** The number of faces. */
	public int size() {
		return chips.values().stream().mapToInt(List::size).sum();
	}

	/** Every chip as an image view, persons in order, for an encoder. */
	public List<ArrayImg<FloatType, FloatArray>> images() {
		List<ArrayImg<FloatType, FloatArray>> list = new ArrayList<>();
		for (List<float[]> person : chips.values())
			for (float[] chip : person) list.add(net.imglib2.img.array.ArrayImgs.floats(chip, FaceEncoder.CHIP_SIZE, FaceEncoder.CHIP_SIZE, 3));
		return list;
	}

	/**
	 * Encodings padded with nulls to the same count per person (a skipped image is "no face" at the
	 * end of its person's list), as {@link org.convkit.face.eval.FaceEvaluation} takes them.
	 */
	public static Map<String, List<float[]>> padded(Map<String, List<float[]>> encodings) {
		int n = encodings.values().stream().mapToInt(List::size).max().orElse(0);
		Map<String, List<float[]>> padded = new LinkedHashMap<>();
		encodings.forEach((person, list) -> {
			List<float[]> copy = new ArrayList<>(list);
			while (copy.size() < n) copy.add(null);
			padded.put(person, copy);
		});
		return padded;
	}

	/** The encodings of every face by an encoder, person -&gt; encodings in file order. */
	public Map<String, List<float[]>> encode(FaceEncoder encoder) throws IOException {
		float[][] all = encoder.encode(images());
		Map<String, List<float[]>> encodings = new LinkedHashMap<>();
		int i = 0;
		for (Map.Entry<String, List<float[]>> person : chips.entrySet()) {
			List<float[]> list = new ArrayList<>();
			for (int k = 0; k < person.getValue().size(); k++) list.add(all[i++]);
			encodings.put(person.getKey(), list);
		}
		return encodings;
	}
}
