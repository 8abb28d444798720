package org.convkit.face;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.convkit.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Known persons and their face encodings (never images): one-shot enrolment adds an encoding, no
 * retraining. Saved as a small versioned JSON file, written atomically.
 */
public final class FaceGallery {

	/** The {@code format} field of a gallery file. */
	public static final String FORMAT = "convkit-face-gallery";
	public static final int VERSION = 1;
	/** Values per encoding: the encoder's descriptor length. */
	public static final int ENCODING_LENGTH = FaceEncoder.DESCRIPTOR_SIZE;
	/** Letters, digits, spaces and . _ ' - ; starts with a letter or digit; at most 64 characters. */
	private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._'-]{0,63}");
	static final String BAD_NAME = "name: expected 1 to 64 letters, digits, spaces or . _ ' - starting with a letter or digit, got '%s'";

	/** The largest gallery file read: about 100,000 encodings. */
	static final long MAX_BYTES = 256L << 20;

	private final String encoder;
	private final Map<String, List<float[]>> persons = new TreeMap<>();

	/** An empty gallery for encodings made by this encoder (its model id). */
	public FaceGallery(String encoder) {
		this.encoder = encoder;
	}

	/** The encoder whose encodings this gallery holds; encodings of another encoder do not compare. */
	public String encoder() {
		return encoder;
	}

	/** Checks a person's name: no path separators, control characters or leading dots. */
	public static String checkName(String name) {
		if (name == null || !NAME.matcher(name).matches()) throw new IllegalArgumentException(String.format(BAD_NAME, shorten(name)));
		return name;
	}

	/** Values longer than this are shortened in messages. */
	public static final int MESSAGE_VALUE_LENGTH = 64;

	/**
	 * A value as quoted in a message: whole up to {@value #MESSAGE_VALUE_LENGTH} characters, else its
	 * first {@value #MESSAGE_VALUE_LENGTH} and its length, e.g. {@code abc... (100000 characters)}, so
	 * a pasted file or a runaway argument does not flood the log.
	 */
	public static String shorten(String value) {
		return shorten(value, MESSAGE_VALUE_LENGTH);
	}

	/** {@link #shorten(String)} with another limit, e.g. for a list of names. */
	public static String shorten(String value, int length) {
		if (value == null || value.length() <= length) return value;
		int end = length;
		if (Character.isHighSurrogate(value.charAt(end - 1))) end--;
		return value.substring(0, end) + "... (" + value.length() + " characters)";
	}

	public void enroll(String name, float[] encoding) {
		checkName(name);
		if (encoding.length != ENCODING_LENGTH) {
			throw new IllegalArgumentException("encoding: expected " + ENCODING_LENGTH + " values, got " + encoding.length);
		}
		persons.computeIfAbsent(name, n -> new ArrayList<>()).add(encoding.clone());
	}

	/** Removes a person; false when there was none of that name. */
	public boolean remove(String name) {
		return persons.remove(name) != null;
	}

	/** Persons in name order. */
	public List<String> names() {
		return List.copyOf(persons.keySet());
	}

	/** The persons' names for a message: "[Ann, Bob]", shortened past 256 characters. */
	public String knownNames() {
		return shorten(names().toString(), 256);
	}

	public boolean contains(String name) {
		return persons.containsKey(name);
	}

	public List<float[]> encodings(String name) {
		List<float[]> encodings = persons.get(name);
		if (encodings == null) throw new IllegalArgumentException("name: '" + shorten(name) + "' is not in the gallery; known: " + knownNames());
		return Collections.unmodifiableList(encodings);
	}

	public boolean isEmpty() {
		return persons.isEmpty();
	}

	/** Writes the gallery atomically: a reader sees the old file or the new one, never half. */
	public void save(Path file) throws IOException {
		JsonObject root = new JsonObject();
		root.addProperty("format", FORMAT);
		root.addProperty("version", VERSION);
		root.addProperty("encoder", encoder);
		root.addProperty("dimension", ENCODING_LENGTH);
		JsonArray list = new JsonArray();
		persons.forEach((name, encodings) -> {
			JsonObject person = new JsonObject();
			person.addProperty("name", name);
			JsonArray values = new JsonArray();
			for (float[] encoding : encodings) {
				JsonArray vector = new JsonArray();
				for (float value : encoding) vector.add(value);
				values.add(vector);
			}
			person.add("encodings", values);
			list.add(person);
		});
		root.add("persons", list);
		Gson gson = new GsonBuilder().create();
		AtomicFiles.writeString(file, gson.toJson(root) + "\n");
	}

	/**
	 * Reads a gallery file.
	 *
	 * @throws IOException naming the file and what is wrong with it: missing, not a gallery, a newer
	 *         version, or a damaged entry
	 */
	public static FaceGallery load(Path file) throws IOException {
		if (!Files.isRegularFile(file)) throw new IOException("gallery: file not found: " + file);
		long size = Files.size(file);
		if (size > MAX_BYTES) {
			throw new IOException("gallery: " + file + " is " + size + " bytes; a face gallery of more than " + MAX_BYTES + " bytes is not read (is this the right file?)");
		}
		String text;
		try {
			text = Files.readString(file);
		}
		catch (java.nio.charset.CharacterCodingException e) {
			throw new IOException("gallery: " + file + " is not a ConvKit face gallery (not UTF-8 text; is it a binary file?)", e);
		}
		JsonObject root;
		try {
			JsonElement parsed = JsonParser.parseString(text);
			if (!parsed.isJsonObject()) throw new JsonParseException("not a JSON object");
			root = parsed.getAsJsonObject();
		}
		catch (JsonParseException | IllegalStateException | StackOverflowError e) {
			throw new IOException("gallery: " + file + " is not a ConvKit face gallery (" + e.getMessage() + ")", e);
		}
		JsonElement format = root.get("format");
		if (format == null || !format.isJsonPrimitive() || !FORMAT.equals(format.getAsString())) {
			throw new IOException("gallery: " + file + " is not a ConvKit face gallery (no \"format\": \"" + FORMAT + "\")");
		}
		JsonElement versionField = root.get("version");
		if (versionField == null || !versionField.isJsonPrimitive() || !versionField.getAsJsonPrimitive().isNumber()) {
			throw new IOException("gallery: " + file + " is damaged: expected a \"version\" number, got " + versionField);
		}
		int version = versionField.getAsInt();
		if (version > VERSION) {
			throw new IOException("gallery: " + file + " has format version " + version + "; this ConvKit reads up to " + VERSION + ": update ConvKit");
		}
		try {
			FaceGallery gallery = new FaceGallery(root.get("encoder").getAsString());
			for (JsonElement element : root.getAsJsonArray("persons")) {
				JsonObject person = element.getAsJsonObject();
				String name = person.get("name").getAsString();
				for (JsonElement vector : person.getAsJsonArray("encodings")) {
					JsonArray values = vector.getAsJsonArray();
					float[] encoding = new float[values.size()];
					for (int i = 0; i < encoding.length; i++) encoding[i] = values.get(i).getAsFloat();
					gallery.enroll(name, encoding);
				}
			}
			return gallery;
		}
		catch (RuntimeException e) {
			throw new IOException("gallery: " + file + " is damaged: " + e.getMessage(), e);
		}
	}
}
