package org.convkit.face;

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
import java.util.Locale;

/**
 * The binary pair classifier on top of a frozen encoder f: y_hat = sigma(sum_k w_k x_k + b), with
 * x_k = |f_k(a) - f_k(b)| ({@code absolute}) or the chi-square term (f_k(a) - f_k(b))^2 /
 * (|f_k(a)| + |f_k(b)|) ({@code chi_square}; DeepFace's form, whose sum f_k(a) + f_k(b) assumes
 * non-negative features: the encoders here have signed ones, hence the absolute values), or
 * (f_k(a) - f_k(b))^2 ({@code squared}: with equal weights, the distance rule d^2 &lt;= tau^2). Same
 * person when y_hat &gt;= the threshold (0.5 by default). Saved as one JSON file
 * {@value #FILE} in a folder, with the id of the encoder it was trained on: encodings of another
 * encoder are refused.
 */
public final class PairClassifier implements PairRule {

	public static final String FILE = "pair_classifier.json";
	public static final String FORMAT = "convkit-face-pair-classifier";
	public static final int VERSION = 1;
	public static final double DEFAULT_THRESHOLD = 0.5;
	static final String MISSING = "classifier: expected a folder holding " + FILE + " (written by Train Pair Classifier), got %s";
	static final String OTHER_KIND = "classifier: %s is not a pair classifier (no \"format\": \"" + FORMAT + "\")";
	static final String DAMAGED = "classifier: %s is damaged: %s; train it again or choose another folder";
	public static final String OTHER_ENCODER = "classifier: %s was trained on encodings of '%s', but the encodings here are of '%s'; train it on this model's encodings";
	/** Keeps the chi-square term finite where both features are zero. */
	private static final double EPSILON = 1e-6;

	/** The pair features. */
	public enum Form {
		ABSOLUTE, CHI_SQUARE, SQUARED;

		public String key() {
			return name().toLowerCase(Locale.ROOT);
		}

		public static Form fromKey(String key) {
			for (Form f : values()) if (f.key().equals(key)) return f;
			throw new IllegalArgumentException("form: expected squared, absolute or chi_square, got '" + key + "'");
		}

		/** The feature vector of a pair. */
		public double[] features(float[] a, float[] b) {
			if (a.length != b.length) throw new IllegalArgumentException("encodings differ in length: " + a.length + " and " + b.length);
			double[] x = new double[a.length];
			for (int k = 0; k < a.length; k++) {
				double d = a[k] - b[k];
				x[k] = switch (this) {
					case ABSOLUTE -> Math.abs(d);
					case SQUARED -> d * d;
					case CHI_SQUARE -> d * d / (Math.abs(a[k]) + Math.abs(b[k]) + EPSILON);
				};
			}
			return x;
		}
	}

	private final Form form;
	private final double[] weights;
	private final double bias;
	private final double threshold;
	private final String encoder;
	private final JsonObject training;

	public PairClassifier(Form form, double[] weights, double bias, double threshold, String encoder, JsonObject training) {
		if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException("tau: expected a threshold on y_hat between 0 and 1, got " + threshold);
		this.form = form;
		this.weights = weights.clone();
		this.bias = bias;
		this.threshold = threshold;
		this.encoder = encoder;
		this.training = training == null ? new JsonObject() : training.deepCopy();
	}

	/** The same classifier with another threshold on y_hat. */
	public PairClassifier withThreshold(double t) {
		return new PairClassifier(form, weights, bias, t, encoder, training);
	}

	/** y_hat: the probability that a and b show the same person. */
	public double probability(float[] a, float[] b) {
		double[] x = form.features(a, b);
		if (x.length != weights.length) throw new IllegalArgumentException("encodings: expected " + weights.length + " values, got " + x.length);
		double z = bias;
		for (int k = 0; k < x.length; k++) z += weights[k] * x[k];
		return 1 / (1 + Math.exp(-z));
	}

	@Override
	public double dissimilarity(float[] a, float[] b) {
		return 1 - probability(a, b);
	}

	@Override
	public double threshold() {
		return 1 - threshold;
	}

	/** The threshold on y_hat. */
	public double probabilityThreshold() {
		return threshold;
	}

	public Form form() {
		return form;
	}

	/** The id of the encoder whose encodings it judges. */
	public String encoder() {
		return encoder;
	}

	/** Refuses encodings of another encoder than the one it was trained on. */
	public void checkEncoder(String encoderId, Path folder) {
		if (!encoder.equals(encoderId)) throw new IllegalArgumentException(String.format(OTHER_ENCODER, folder, encoder, encoderId));
	}

	public double[] weights() {
		return weights.clone();
	}

	/** How it was trained (pairs, penalty, how the threshold was chosen), as saved. */
	public JsonObject training() {
		return training.deepCopy();
	}

	public double bias() {
		return bias;
	}

	/** Writes {@value #FILE} into a folder (created if needed), atomically; other files stay. */
	public void save(Path folder) throws IOException {
		JsonObject root = new JsonObject();
		root.addProperty("format", FORMAT);
		root.addProperty("version", VERSION);
		root.addProperty("form", form.key());
		root.addProperty("encoder", encoder);
		root.addProperty("threshold", threshold);
		root.addProperty("bias", bias);
		JsonArray w = new JsonArray();
		for (double v : weights) w.add(v);
		root.add("weights", w);
		root.add("training", training);
		AtomicFiles.writeString(folder.toAbsolutePath().normalize().resolve(FILE), new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n");
	}

	/** A classifier saved by {@link #save}. */
	public static PairClassifier open(Path folder) throws IOException {
		Path abs = folder.toAbsolutePath().normalize(), file = abs.resolve(FILE);
		if (!Files.isRegularFile(file)) throw new IllegalArgumentException(String.format(MISSING, folder));
		if (Files.size(file) > 16 << 20) throw new IOException(String.format(DAMAGED, file, "larger than 16 MB"));
		JsonObject root;
		try {
			JsonElement parsed = JsonParser.parseString(Files.readString(file));
			if (!parsed.isJsonObject()) throw new JsonParseException("not a JSON object");
			root = parsed.getAsJsonObject();
		}
		catch (JsonParseException | IllegalStateException | java.nio.charset.CharacterCodingException e) {
			throw new IOException(String.format(DAMAGED, file, "not JSON (" + e.getMessage() + ")"), e);
		}
		JsonElement format = root.get("format");
		if (format == null || !format.isJsonPrimitive() || !FORMAT.equals(format.getAsString())) throw new IllegalArgumentException(String.format(OTHER_KIND, file));
		try {
			if (root.get("version").getAsInt() > VERSION) throw new IOException("classifier: " + file + " has format version " + root.get("version") + "; update ConvKit");
			JsonArray w = root.getAsJsonArray("weights");
			double[] weights = new double[w.size()];
			for (int k = 0; k < weights.length; k++) weights[k] = w.get(k).getAsDouble();
			if (weights.length != FaceEncoder.DESCRIPTOR_SIZE) throw new IllegalArgumentException("expected " + FaceEncoder.DESCRIPTOR_SIZE + " weights, got " + weights.length);
			return new PairClassifier(Form.fromKey(root.get("form").getAsString()), weights, root.get("bias").getAsDouble(),
				root.get("threshold").getAsDouble(), root.get("encoder").getAsString(),
				root.has("training") ? root.getAsJsonObject("training") : null);
		}
		catch (RuntimeException e) {
			throw new IOException(String.format(DAMAGED, file, e.getMessage()), e);
		}
	}
}
