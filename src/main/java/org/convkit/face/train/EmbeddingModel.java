package org.convkit.face.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.convkit.core.io.AtomicFiles;
import org.convkit.core.runtime.ModelSpec;
import org.convkit.face.FaceEncoder;
import org.convkit.face.net.FaceRecognitionNet;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A trained face embedding as stored: a folder holding {@value #PARAMETERS} (the network's
 * parameters, engine-neutral) and {@value #DESCRIPTOR} (what the network reads and gives: input
 * size, channels, normalisation, embedding size, the tau recommended on its validation persons, the
 * architecture, the training recipe, and the SHA-256 of the parameters). A {@link ModelSpec}: every
 * face command encodes with it through {@code model=}; its {@link #id()} is made from the
 * parameters' hash, so a gallery remembers exactly which weights made its encodings, wherever the
 * folder is moved.
 */
public final class EmbeddingModel implements ModelSpec {

	public static final String PARAMETERS = "embedding.params";
	public static final String DESCRIPTOR = "embedding.json";
	public static final String FORMAT = "convkit-face-embedding";
	public static final int VERSION = 1;
	static final String MISSING = "model: expected a folder holding " + PARAMETERS + " and " + DESCRIPTOR
		+ " (written by Train Face Embedding), got %s";
	static final String OTHER_KIND = "model: %s is not a face embedding (its %s has no \"format\": \"" + FORMAT + "\"%s)";
	static final String DAMAGED = "model: %s is damaged: %s; train the model again or choose another model folder";
	static final long MAX_DESCRIPTOR_BYTES = 1 << 20;

	/** The network of a model: trained from scratch, or the pretrained 128-D network fine-tuned. */
	public enum Architecture {
		SCRATCH, FINETUNE;

		public String key() {
			return name().toLowerCase(Locale.ROOT);
		}

		public static Architecture fromKey(String key) {
			for (Architecture a : values()) if (a.key().equals(key)) return a;
			throw new IllegalArgumentException("mode: expected scratch or finetune, got '" + key + "'");
		}
	}

	private final Architecture architecture;
	private final double tau;
	private final JsonObject descriptor;
	private final byte[] parameters;
	private final String hash;

	/**
	 * @param tau the distance threshold chosen on the validation persons
	 * @param recipe training settings and figures, stored in the descriptor under "training"
	 */
	public EmbeddingModel(Architecture architecture, byte[] parameters, double tau, JsonObject recipe) {
		this.architecture = architecture;
		this.parameters = parameters.clone();
		this.tau = tau;
		this.hash = sha256(parameters);
		this.descriptor = new JsonObject();
		descriptor.addProperty("format", FORMAT);
		descriptor.addProperty("version", VERSION);
		descriptor.addProperty("architecture", architecture.key());
		descriptor.addProperty("input_width", FaceEncoder.CHIP_SIZE);
		descriptor.addProperty("input_height", FaceEncoder.CHIP_SIZE);
		descriptor.addProperty("channels", 3);
		descriptor.addProperty("input", "aligned face chip (FaceAligner), RGB 0..255, NCHW");
		descriptor.addProperty("normalisation", architecture == Architecture.SCRATCH ? ScratchEmbeddingNet.NORMALISATION
			: "(x - mean RGB) / 255 (inside the network, as the pretrained one)");
		descriptor.addProperty("embedding_size", FaceEncoder.DESCRIPTOR_SIZE);
		descriptor.addProperty("l2_normalised", architecture == Architecture.SCRATCH);
		descriptor.addProperty("tau", tau);
		descriptor.add("training", recipe == null ? new JsonObject() : recipe.deepCopy());
		descriptor.addProperty("parameters_sha256", hash);
	}

	/** A model saved by {@link #save} in a folder. */
	public static EmbeddingModel open(Path folder) throws IOException {
		Path abs = folder.toAbsolutePath().normalize();
		Path params = abs.resolve(PARAMETERS), json = abs.resolve(DESCRIPTOR);
		if (!Files.isDirectory(abs) || !Files.isRegularFile(json)) throw new IllegalArgumentException(String.format(MISSING, folder));
		if (Files.size(json) > MAX_DESCRIPTOR_BYTES) throw new IOException(String.format(DAMAGED, abs, DESCRIPTOR + " is larger than " + MAX_DESCRIPTOR_BYTES + " bytes"));
		JsonObject root;
		try {
			JsonElement parsed = JsonParser.parseString(Files.readString(json));
			if (!parsed.isJsonObject()) throw new JsonParseException("not a JSON object");
			root = parsed.getAsJsonObject();
		}
		catch (JsonParseException | IllegalStateException | java.nio.charset.CharacterCodingException e) {
			throw new IOException(String.format(DAMAGED, abs, DESCRIPTOR + " is not JSON (" + e.getMessage() + ")"), e);
		}
		JsonElement format = root.get("format");
		if (format == null || !format.isJsonPrimitive() || !FORMAT.equals(format.getAsString())) {
			throw new IllegalArgumentException(String.format(OTHER_KIND, folder, DESCRIPTOR, format == null ? "" : "; its format is " + format));
		}
		if (!Files.isRegularFile(params)) throw new IllegalArgumentException(String.format(MISSING, folder));
		try {
			if (root.get("version").getAsInt() > VERSION) {
				throw new IOException("model: " + abs + " has format version " + root.get("version") + "; this ConvKit reads up to " + VERSION + ": update ConvKit");
			}
			if (root.get("embedding_size").getAsInt() != FaceEncoder.DESCRIPTOR_SIZE) {
				throw new IOException(String.format(DAMAGED, abs, "expected embedding_size " + FaceEncoder.DESCRIPTOR_SIZE + ", got " + root.get("embedding_size")));
			}
			byte[] bytes = Files.readAllBytes(params);
			String expected = root.get("parameters_sha256").getAsString();
			if (!sha256(bytes).equals(expected)) {
				throw new IOException(String.format(DAMAGED, abs, PARAMETERS + " is not the file its " + DESCRIPTOR + " describes (SHA-256 differs)"));
			}
			JsonObject recipe = root.has("training") ? root.getAsJsonObject("training") : new JsonObject();
			return new EmbeddingModel(Architecture.fromKey(root.get("architecture").getAsString()), bytes, root.get("tau").getAsDouble(), recipe);
		}
		catch (RuntimeException e) {
			throw new IOException(String.format(DAMAGED, abs, e.getMessage()), e);
		}
	}

	/**
	 * Saves into a folder (created if needed): the parameters first, the descriptor (whose presence
	 * and hash make the folder a model) last, each atomically; other files in the folder stay. A save
	 * cut between the two leaves a folder that {@link #open} refuses (the hash differs), never a
	 * model with another model's descriptor.
	 */
	public void save(Path folder) throws IOException {
		Path target = folder.toAbsolutePath().normalize();
		AtomicFiles.write(target.resolve(PARAMETERS), file -> Files.write(file, parameters));
		AtomicFiles.writeString(target.resolve(DESCRIPTOR), new GsonBuilder().setPrettyPrinting().create().toJson(descriptor) + "\n");
	}

	public Architecture architecture() {
		return architecture;
	}

	/** The distance threshold chosen on the model's validation persons. */
	public double tau() {
		return tau;
	}

	/** The descriptor as saved. */
	public JsonObject descriptor() {
		return descriptor.deepCopy();
	}

	@Override
	public String id() {
		return "convkit/face/embedding/" + architecture.key() + "/" + hash.substring(0, 16);
	}

	@Override
	public Model load(String engine, Device device) throws IOException {
		Model model = newModel(architecture, engine, device);
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
			model.getBlock().loadParameters(model.getNDManager(), in);
		}
		catch (MalformedModelException | RuntimeException e) {
			model.close();
			throw new IOException(String.format(DAMAGED, id(), "its parameters do not fit the " + architecture.key() + " network (" + e.getMessage() + ")"), e);
		}
		return model;
	}

	/**
	 * A new model of this architecture, initialised: the scratch network with random weights (DJL's
	 * default initialiser, seeded through the engine), the fine-tuned one with the pretrained weights.
	 */
	static Model newModel(Architecture architecture, String engine, Device device) throws IOException {
		if (architecture == Architecture.FINETUNE) return FaceRecognitionNet.INSTANCE.load(engine, device);
		Model model = Model.newInstance("convkit/face/embedding/scratch", device, engine);
		model.setBlock(ScratchEmbeddingNet.build());
		model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, ScratchEmbeddingNet.inputShape(1));
		return model;
	}

	static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
