package org.convkit.ecg.beats;

import ai.djl.Device;
import ai.djl.Model;
import org.convkit.core.io.AtomicFiles;
import org.convkit.core.runtime.ModelSpec;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A trained beat classifier as stored: a folder holding {@value #PARAMETERS} (the parameters of
 * its network or ensemble of networks, engine-neutral) and {@value #PROPERTIES} (the beat window
 * it was trained on, the number of networks, its {@link DecisionBias} and its training recipe). The model trained on all of
 * MIT-BIH DS1 ships inside the jar ({@link #shipped()}).
 */
public final class BeatModel {

	public static final String PARAMETERS = "beatnet.params";
	public static final String PROPERTIES = "beatnet.properties";
	/** The property that says how many networks the ensemble has (absent: 1). */
	static final String NETWORKS = "networks";
	/** The property holding the model's {@link DecisionBias} (absent: none). */
	static final String BIAS = "decision_bias";
	/** Which {@link RrFeatures} the network reads; absent in models saved before the pace features ({@link RrFeatures#LOCAL}). */
	static final String RR_FEATURES = "rr_features";
	/**
	 * Whether the network adapts to each record's own beats before classifying them ({@link RecordAdaptation}):
	 * {@code off} (absent: off, as {@link #save} leaves it unless the recipe sets it), {@code mean}, {@code record} or the share
	 * of the training statistics kept, from 0 up to but not 1. The shipped model has none (off).
	 */
	static final String ADAPTATION = "record_adaptation";
	static final String MISSING = "model: expected a folder holding " + PARAMETERS + " and " + PROPERTIES
		+ " (written by Train ECG Classifier), got %s";
	static final String DAMAGED = "model: %s of %s cannot be read: %s; train the model again or choose another model folder";
	private static final String SHIPPED = "/org/convkit/ecg/model/";
	/** The largest properties file read. */
	static final long MAX_PROPERTIES_BYTES = 1 << 20;
	/** The most networks an ensemble may have. */
	static final int MAX_NETWORKS = 64;
	/** The longest beat window, in samples. */
	static final int MAX_WINDOW = 1 << 16;

	private interface Source {
		InputStream open() throws IOException;
	}

	private final String id;
	private final String description;
	private final Properties properties;
	private final BeatDataset.Options window;
	private final int networks;
	private final DecisionBias bias;
	private final RrFeatures rrFeatures;
	private final RecordAdaptation adaptation;
	private final Source parameters;

	private BeatModel(String id, String description, Properties properties, Source parameters) throws IOException {
		this.id = id;
		this.description = description;
		this.properties = properties;
		this.window = window(properties, description);
		this.networks = networks(properties, description);
		this.bias = bias(properties, description);
		try {
			this.rrFeatures = RrFeatures.parse(properties.getProperty(RR_FEATURES));
		}
		catch (IllegalArgumentException e) {
			throw new IOException("model: " + PROPERTIES + " of " + description + ": " + RR_FEATURES + ": " + e.getMessage(), e);
		}
		try {
			this.adaptation = RecordAdaptation.parse(properties.getProperty(ADAPTATION, RecordAdaptation.OFF));
		}
		catch (IllegalArgumentException e) {
			throw new IOException("model: " + PROPERTIES + " of " + description + ": " + ADAPTATION + ": " + e.getMessage(), e);
		}
		this.parameters = parameters;
	}

	/** The classifier trained on all MIT-BIH DS1 records that ships with ConvKit. */
	public static BeatModel shipped() throws IOException {
		try (InputStream in = BeatModel.class.getResourceAsStream(SHIPPED + PROPERTIES)) {
			if (in == null) throw new IOException("model: the shipped ECG beat classifier is missing from the ConvKit jar (" + SHIPPED + ")");
			Properties p = new Properties();
			p.load(in);
			return new BeatModel("ecg-beatnet:shipped", "the shipped MIT-BIH DS1 model", p, () -> {
				InputStream s = BeatModel.class.getResourceAsStream(SHIPPED + PARAMETERS);
				if (s == null) throw new IOException("model: " + PARAMETERS + " is missing from the ConvKit jar (" + SHIPPED + ")");
				return s;
			});
		}
	}

	/** A classifier saved by {@link #save} in a folder. */
	public static BeatModel open(Path folder) throws IOException {
		Path abs = folder.toAbsolutePath().normalize();
		Path params = abs.resolve(PARAMETERS), props = abs.resolve(PROPERTIES);
		if (!Files.isRegularFile(params) || !Files.isRegularFile(props)) throw new IllegalArgumentException(String.format(MISSING, folder));
		long size = Files.size(props);
		if (size > MAX_PROPERTIES_BYTES) {
			throw new IOException("model: " + PROPERTIES + " of " + abs + " is " + size + " bytes; a model's properties of more than "
				+ MAX_PROPERTIES_BYTES + " bytes are not read (is this the right file?)");
		}
		Properties p = new Properties();
		try (var reader = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
			p.load(reader);
		}
		catch (java.nio.charset.CharacterCodingException e) {
			throw new IOException(String.format(DAMAGED, PROPERTIES, abs, "it is not UTF-8 text (is it a binary file?)"), e);
		}
		catch (IOException | IllegalArgumentException e) {
			// a malformed \\uXXXX escape: the file is damaged
			throw new IOException(String.format(DAMAGED, PROPERTIES, abs, "not a properties file (" + e + ")"), e);
		}
		// The id changes when the folder's model is replaced, so the runtime's cache never serves an old one.
		String stamp = Files.getLastModifiedTime(params).toMillis() + ":" + Files.size(params);
		return new BeatModel("ecg-beatnet:" + abs + ":" + stamp, abs.toString(), p, () -> Files.newInputStream(params));
	}

	/**
	 * Saves a trained model with its decision bias, the window it was trained on and its recipe (any properties) into
	 * a folder (created if needed). Only the model's two files are written, each atomically, so
	 * whatever else the folder holds (a PROVENANCE.md, the user's own files) stays; the
	 * parameters go first and the properties, whose presence makes the folder a model, last.
	 */
	public static void save(Model model, DecisionBias bias, BeatDataset.Options window, Properties recipe, Path folder) throws IOException {
		Path target = folder.toAbsolutePath().normalize();
		Properties p = new Properties();
		p.putAll(recipe);
		p.setProperty("window.before_s", String.valueOf(window.beforeS()));
		p.setProperty("window.after_s", String.valueOf(window.afterS()));
		p.setProperty("window.length", String.valueOf(window.length()));
		p.setProperty("window.local_beats", String.valueOf(window.localBeats()));
		p.setProperty("window.normalise_amplitude", String.valueOf(window.normaliseAmplitude()));
		p.setProperty("classes", "N,S,V,F,Q");
		p.setProperty(NETWORKS, String.valueOf(BeatNet.members(model.getBlock())));
		p.setProperty(BIAS, bias.format());
		p.setProperty(RR_FEATURES, RrFeatures.CURRENT.key()); // what BeatTrainer trains on
		StringWriter text = new StringWriter();
		p.store(text, "ConvKit ECG beat classifier (BeatNet)");
		AtomicFiles.write(target.resolve(PARAMETERS), file -> {
			try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
				model.getBlock().saveParameters(out);
			}
		});
		AtomicFiles.writeString(target.resolve(PROPERTIES), text.toString());
	}

	/**
	 * How the runtime loads this model (once per engine and device): in its inference form, with the
	 * BatchNorms folded into the convolutions ({@link BeatNet#loadFolded}).
	 */
	public ModelSpec spec() {
		return spec(true);
	}

	/** The network exactly as trained, BatchNorms as layers: the benchmark's comparison for folding. */
	public ModelSpec specAsTrained() {
		return spec(false);
	}

	private ModelSpec spec(boolean folded) {
		return new ModelSpec() {
			@Override
			public String id() {
				return folded ? id : id + ":as-trained";
			}

			@Override
			public Model load(String engine, Device device) throws IOException {
				try (InputStream in = parameters.open()) {
					return folded ? BeatNet.loadFolded(in, window.length(), networks, rrFeatures, engine, device)
						: BeatNet.load(in, window.length(), networks, rrFeatures, engine, device);
				}
				catch (IOException | RuntimeException e) {
					// a truncated file ends in an EOFException without a message; a file of another network in BeatNet's message
					String cause = e instanceof java.io.EOFException ? "it ends early (truncated?)"
						: String.valueOf(e.getMessage()).replaceFirst("^model: ", "") + " (" + PROPERTIES + " describes " + NETWORKS + "=" + networks
							+ ", window.length=" + window.length() + ")";
					throw new IOException(String.format(DAMAGED, PARAMETERS, description, cause), e);
				}
			}
		};
	}

	/** The beat window the model was trained on; beats to classify must be cut the same way. */
	public BeatDataset.Options window() {
		return window;
	}

	/** The rhythm features the network reads. */
	public RrFeatures rrFeatures() {
		return rrFeatures;
	}

	/**
	 * This model with another {@link RecordAdaptation} (null: none) instead of its {@value #ADAPTATION}
	 * property; the same network, so the runtime loads it once for both.
	 */
	public BeatModel withAdaptation(RecordAdaptation adaptation) throws IOException {
		Properties p = new Properties();
		p.putAll(properties);
		p.setProperty(ADAPTATION, adaptation == null ? RecordAdaptation.OFF : adaptation.format());
		return new BeatModel(id, description, p, parameters);
	}

	/** How the network adapts to each record's unlabelled beats before classifying them; null: it does not. */
	public RecordAdaptation adaptation() {
		return adaptation;
	}

	/** The offsets added to the log-probabilities before the class is taken. */
	public DecisionBias bias() {
		return bias;
	}

	/** Where the model comes from, for messages and tables. */
	public String description() {
		return description;
	}

	/** A property of the saved recipe (null when absent). */
	public String property(String key) {
		return properties.getProperty(key);
	}

	private static int networks(Properties p, String description) throws IOException {
		String value = p.getProperty(NETWORKS, "1");
		try {
			int networks = Integer.parseInt(value.trim());
			if (networks > MAX_NETWORKS) {
				throw new IOException("model: " + PROPERTIES + " of " + description + ": " + NETWORKS + " is " + networks + "; at most "
					+ MAX_NETWORKS + " networks are read");
			}
			if (networks >= 1) return networks;
		}
		catch (NumberFormatException e) {
			// reported below
		}
		throw new IOException("model: " + PROPERTIES + " of " + description + ": " + NETWORKS + " must be a whole number of networks >= 1, got '"
			+ value + "'");
	}

	private static DecisionBias bias(Properties p, String description) throws IOException {
		String value = p.getProperty(BIAS);
		if (value == null) return DecisionBias.NONE;
		try {
			return DecisionBias.parse(value, "model: " + PROPERTIES + " of " + description + ": " + BIAS);
		}
		catch (IllegalArgumentException e) {
			throw new IOException(e.getMessage(), e);
		}
	}

	private static BeatDataset.Options window(Properties p, String description) throws IOException {
		try {
			int length = Integer.parseInt(p.getProperty("window.length"));
			if (length > MAX_WINDOW) throw new IllegalArgumentException("window.length " + length + " is more than " + MAX_WINDOW + " samples");
			return new BeatDataset.Options(Double.parseDouble(p.getProperty("window.before_s")),
				Double.parseDouble(p.getProperty("window.after_s")), Integer.parseInt(p.getProperty("window.length")),
				Integer.parseInt(p.getProperty("window.local_beats")), Boolean.parseBoolean(p.getProperty("window.normalise_amplitude")));
		}
		catch (NullPointerException | IllegalArgumentException e) {
			throw new IOException("model: " + PROPERTIES + " of " + description + " lacks a valid window (window.before_s, window.after_s, "
				+ "window.length, window.local_beats): " + e.getMessage(), e);
		}
	}
}
