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
import java.util.ArrayList;
import java.util.List;
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
	 * {@code off} (absent: off, as in models saved before it), {@code dominant} (with its
	 * {@value #REFERENCE}N lines), {@code mean}, {@code record} or the share of the training statistics
	 * kept, from 0 up to but not 1.
	 */
	static final String ADAPTATION = "record_adaptation";
	/**
	 * The prefix of the dominant-beat reference's lines, one per BatchNorm in order (0, 1, ...): its
	 * per-channel means, comma-separated; a few kilobytes, so in the properties, saved with them.
	 */
	static final String REFERENCE = "record_adaptation.reference.";
	static final String NO_REFERENCE = "model: " + PROPERTIES + " of %s: " + ADAPTATION + "=dominant needs its reference ("
		+ REFERENCE + "0, 1, ...), which Train ECG Classifier writes; train the model again or set " + ADAPTATION + " to off or mean";
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
		this.adaptation = adaptation(properties, description);
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
	 * Saves a trained model with its decision bias, the window it was trained on, its record
	 * adaptation (null: none; {@code dominant} with its reference) and its recipe (any properties) into
	 * a folder (created if needed). Only the model's two files are written, each atomically, so
	 * whatever else the folder holds (a PROVENANCE.md, the user's own files) stays; the
	 * parameters go first and the properties, whose presence makes the folder a model, last.
	 */
	public static void save(Model model, DecisionBias bias, BeatDataset.Options window, RecordAdaptation adaptation, Properties recipe, Path folder)
		throws IOException {
		Path target = folder.toAbsolutePath().normalize();
		Properties p = new Properties();
		p.putAll(recipe);
		putAdaptation(p, adaptation);
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
	 * This model with another {@link RecordAdaptation} (null: none; {@link RecordAdaptation#DOMINANT}:
	 * with this model's own reference) instead of its {@value #ADAPTATION} property; the same network,
	 * so the runtime loads it once for both.
	 */
	public BeatModel withAdaptation(RecordAdaptation adaptation) throws IOException {
		Properties p = new Properties();
		p.putAll(properties);
		boolean own = adaptation != null && adaptation.needsReference();
		if (own && (this.adaptation == null || this.adaptation.reference() == null)) throw new IllegalArgumentException(String.format(NO_REFERENCE, description));
		putAdaptation(p, own ? this.adaptation : adaptation);
		return new BeatModel(id, description, p, parameters);
	}

	/** Sets {@value #ADAPTATION} and the reference lines, replacing any. */
	private static void putAdaptation(Properties p, RecordAdaptation adaptation) {
		p.stringPropertyNames().stream().filter(k -> k.startsWith(REFERENCE)).forEach(p::remove);
		if (adaptation != null && adaptation.needsReference()) throw new IllegalArgumentException("dominant: the adaptation has no reference yet (withReference)");
		p.setProperty(ADAPTATION, RecordAdaptation.formatOrOff(adaptation));
		List<float[]> reference = adaptation == null ? null : adaptation.reference();
		if (reference == null) return;
		for (int l = 0; l < reference.size(); l++) {
			StringBuilder line = new StringBuilder();
			for (float m : reference.get(l)) line.append(line.length() == 0 ? "" : ",").append(m);
			p.setProperty(REFERENCE + l, line.toString());
		}
	}

	private static RecordAdaptation adaptation(Properties p, String description) throws IOException {
		RecordAdaptation adaptation;
		try {
			adaptation = RecordAdaptation.parse(p.getProperty(ADAPTATION, RecordAdaptation.OFF));
		}
		catch (IllegalArgumentException e) {
			throw new IOException("model: " + PROPERTIES + " of " + description + ": " + ADAPTATION + ": " + e.getMessage(), e);
		}
		if (adaptation == null || !adaptation.needsReference()) return adaptation;
		List<float[]> reference = new ArrayList<>();
		for (String line; (line = p.getProperty(REFERENCE + reference.size())) != null; ) {
			String key = REFERENCE + reference.size();
			try {
				String[] values = line.split(",");
				float[] means = new float[values.length];
				for (int c = 0; c < means.length; c++) {
					means[c] = Float.parseFloat(values[c].trim());
					if (!Float.isFinite(means[c])) throw new NumberFormatException("not finite: " + values[c]);
				}
				reference.add(means);
			}
			catch (NumberFormatException e) {
				throw new IOException("model: " + PROPERTIES + " of " + description + ": " + key + ": expected comma-separated numbers, " + e.getMessage(), e);
			}
		}
		if (reference.isEmpty()) throw new IOException(String.format(NO_REFERENCE, description));
		return RecordAdaptation.dominant(reference);
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
