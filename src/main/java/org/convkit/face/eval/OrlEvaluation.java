package org.convkit.face.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.ImagePlus;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.face.FaceGallery;
import org.convkit.face.FaceImages;
import org.convkit.face.FacePipeline;
import org.convkit.ij.ImagePlusImgs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Encodings of the ORL faces by ConvKit's pipeline, and by face-api.js's own (committed reference
 * descriptors, made by tools/faceapi-reference/orl_descriptors.cjs), for {@link FaceEvaluation}
 * on the same pairs.
 */
public final class OrlEvaluation {

	/** face-api.js's descriptors of ORL s1..s20: pipelines "whole_image" and "detect". */
	public static final String FACE_API_REFERENCE = "orl-faceapi.json";

	private OrlEvaluation() {}

	/**
	 * ConvKit's encodings of every ORL image, person by person in file order; null for an image where
	 * no face was found. With several faces in an image, the highest-scoring one counts.
	 */
	public static Map<String, List<float[]>> encode(OrlFaces orl, ConvKitRuntime runtime, FacePipeline.Options options) throws IOException {
		List<RandomAccessibleInterval<FloatType>> planes = new ArrayList<>();
		List<String> owners = new ArrayList<>();
		for (Map.Entry<String, List<Path>> person : orl.all().entrySet()) {
			for (Path file : person.getValue()) {
				ImagePlus image = OrlFaces.read(file);
				planes.addAll(FaceImages.rgbPlanes(ImagePlusImgs.wrap(image), image.getDisplayRangeMin(), image.getDisplayRangeMax()));
				owners.add(person.getKey());
			}
		}
		float[][] best = new float[planes.size()][];
		double[] bestScore = new double[planes.size()];
		for (FacePipeline.Face face : new FacePipeline(runtime).faces(planes, options)) {
			int i = face.slice() - 1;
			if (best[i] == null || face.box().score() > bestScore[i]) {
				best[i] = face.encoding();
				bestScore[i] = face.box().score();
			}
		}
		Map<String, List<float[]>> encodings = new LinkedHashMap<>();
		for (int i = 0; i < best.length; i++) encodings.computeIfAbsent(owners.get(i), p -> new ArrayList<>()).add(best[i]);
		return encodings;
	}

	/** What the reference descriptors were computed on, for labels and messages. */
	public static final String FACE_API_IMAGES = "ORL s1..s20, images 1..10 (200 images)";

	/**
	 * The images face-api.js's reference descriptors are for, as {@code person/number} keys (e.g.
	 * {@code s1/1}), in the order of the reference file.
	 */
	public static Set<String> faceApiImages() throws IOException {
		return new LinkedHashSet<>(reference().getAsJsonObject("pipelines").getAsJsonObject("detect").keySet());
	}

	/**
	 * Whether the reference figures are for this dataset's images: the same persons and image numbers
	 * (its {@code sN/k.pgm} files are the ones face-api.js read). Figures on other images (more persons,
	 * a subset, another dataset) are not comparable with ConvKit's on this folder.
	 */
	public static boolean faceApiCovers(OrlFaces orl) throws IOException {
		Set<String> images = new LinkedHashSet<>();
		orl.all().forEach((person, files) -> files.forEach(file -> images.add(person + "/" + file.getFileName().toString().replaceFirst("\\.pgm$", ""))));
		return images.equals(faceApiImages());
	}

	private static JsonObject reference() throws IOException {
		try (InputStream in = OrlEvaluation.class.getResourceAsStream(FACE_API_REFERENCE)) {
			if (in == null) throw new IOException(FACE_API_REFERENCE + " is missing from the jar");
			return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
		}
	}

	/** face-api.js's encodings by one of its pipelines, person by person (null where it found no face). */
	public static Map<String, List<float[]>> faceApi(String pipeline) throws IOException {
		JsonObject root = reference();
		JsonObject descriptors = root.getAsJsonObject("pipelines").getAsJsonObject(pipeline);
		if (descriptors == null) throw new IllegalArgumentException("pipeline: expected whole_image or detect, got '" + pipeline + "'");
		Map<String, Map<Integer, float[]>> byPerson = new LinkedHashMap<>();
		for (Map.Entry<String, JsonElement> entry : descriptors.entrySet()) {
			String[] key = entry.getKey().split("/");
			float[] encoding = null;
			if (!entry.getValue().isJsonNull()) {
				var values = entry.getValue().getAsJsonArray();
				encoding = new float[FaceGallery.ENCODING_LENGTH];
				for (int i = 0; i < encoding.length; i++) encoding[i] = values.get(i).getAsFloat();
			}
			byPerson.computeIfAbsent(key[0], p -> new java.util.TreeMap<>()).put(Integer.parseInt(key[1]), encoding);
		}
		Map<String, List<float[]>> encodings = new LinkedHashMap<>();
		byPerson.entrySet().stream()
			.sorted(Comparator.comparingInt(e -> Integer.parseInt(e.getKey().substring(1))))
			.forEach(e -> encodings.put(e.getKey(), new ArrayList<>(e.getValue().values())));
		return encodings;
	}
}
