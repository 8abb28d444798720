package org.convkit.ecg.beats;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;

import java.util.List;

/**
 * Adapts a trained network to the record it classifies, from that record's unlabelled beats only
 * (AdaBN: Li et al. 2016, "Revisiting batch normalization for practical domain adaptation"): each
 * BatchNorm normalises with the per-channel statistics of its input over the record's beats
 * instead of the training set's running statistics. A new patient's amplitude, baseline and
 * dominant morphology then reach the later layers as the training patients' did.
 * <p>
 * One forward pass of (an even sample of) the record's beats as a single batch, through the
 * network with {@link RecordNorm}s in place of its BatchNorms, gives those statistics layer by
 * layer, each layer's from the earlier layers' adapted outputs; they are folded into the
 * convolutions as the running statistics are ({@link BeatNet#fold}). No label is read. The
 * statistics kept are {@code trainingWeight * training + (1 - trainingWeight) * record}; with
 * {@code meanOnly} the variances stay the training set's (a patient's beats vary less than the
 * training set's many patients do, so the record's own variance magnifies its beats' small differences).
 */
public final class RecordAdaptation {

	/** Below this many beats a record's statistics are too unsteady: the training statistics stay. */
	public static final int MIN_BEATS = 100;
	/**
	 * The statistics pass always reads this many beats, spread evenly over the record (a shorter
	 * record's beats each once or twice as often as the next, a 24-hour Holter's one in a hundred):
	 * one batch shape for every record, which the engine prepares once.
	 */
	public static final int SAMPLE = 512;

	private final float trainingWeight;
	private final boolean meanOnly;
	/**
	 * {@link #DOMINANT} before {@link #withReference}: an empty list; after: the training records'
	 * dominant beats' mean at each BatchNorm, in order; else null.
	 */
	private final List<float[]> reference;

	/** {@code trainingWeight}: the share of the training statistics kept, 0 (the record's alone) up to but not 1. */
	public RecordAdaptation(float trainingWeight, boolean meanOnly) {
		if (!(trainingWeight >= 0 && trainingWeight < 1)) {
			throw new IllegalArgumentException("trainingWeight: expected 0 (the record's statistics alone) up to but not 1, got " + trainingWeight);
		}
		this.trainingWeight = trainingWeight;
		this.meanOnly = meanOnly;
		this.reference = null;
	}

	private RecordAdaptation(List<float[]> reference) {
		this.trainingWeight = 0;
		this.meanOnly = true;
		this.reference = reference;
	}

	/** Pure AdaBN: the record's means and variances alone. */
	public static final RecordAdaptation RECORD = new RecordAdaptation(0, false);
	/** The record's means, the training set's variances. */
	public static final RecordAdaptation MEAN = new RecordAdaptation(0, true);
	/**
	 * Each BatchNorm's mean moved by the record's dominant beats' departure from the training
	 * records' dominant beats (the half of each record's beats closest to its median beat); needs
	 * {@link #withReference} with the model's training beats, whose result a model saves
	 * ({@link BeatModel#save}) as its reference.
	 */
	public static final RecordAdaptation DOMINANT = new RecordAdaptation(List.of());

	/** What Train ECG Classifier's models do by default, and {@code evaluate ecg} with them. */
	public static final String RECIPE = "dominant";

	/** {@link #DOMINANT} with a reference saved with a model: each BatchNorm's per-channel means, in order. */
	public static RecordAdaptation dominant(List<float[]> reference) {
		if (reference.isEmpty()) throw new IllegalArgumentException("dominant: the reference has no layer");
		return new RecordAdaptation(List.copyOf(reference));
	}

	/** The reference of a {@link #DOMINANT} adaptation after {@link #withReference}, one array per BatchNorm; else null. */
	public List<float[]> reference() {
		return reference == null || reference.isEmpty() ? null : reference;
	}

	/** Whether this adaptation needs {@link #withReference} before use. */
	public boolean needsReference() {
		return reference != null && reference.isEmpty();
	}

	/**
	 * {@code adaptation} ready for a model trained on {@code training}: {@link #DOMINANT} with its
	 * reference measured there ({@link #withReference}); any other (or none, null) as it is.
	 */
	public static RecordAdaptation forTrained(RecordAdaptation adaptation, Model trained, BeatDataset training, RrFeatures features) {
		return adaptation == null ? null : adaptation.withReference(trained, training, features);
	}

	/**
	 * {@link #DOMINANT} with the reference of a trained model and its training beats (one or more
	 * records, each in one piece); an adaptation that needs no reference (or has one already) as it is.
	 */
	public RecordAdaptation withReference(Model trained, BeatDataset training, RrFeatures features) {
		if (!needsReference()) return this;
		double[][] sum = null;
		int records = 0;
		try (Model pass = recordForm(trained, training.length(), features)) {
			List<RecordNorm> norms = BeatNet.loadRecordForm(trained.getBlock(), pass.getBlock());
			for (RecordNorm n : norms) n.reference(new float[0]);
			for (String name : training.recordNames()) {
				BeatDataset record = training.ofRecords(name::equals);
				if (!adapts(record.size())) continue;
				statisticsPass(pass, record, dominantSample(record), features);
				if (sum == null) sum = new double[norms.size()][];
				for (int l = 0; l < norms.size(); l++) {
					float[] m = norms.get(l).batchMean();
					if (sum[l] == null) sum[l] = new double[m.length];
					for (int c = 0; c < m.length; c++) sum[l][c] += m[c];
				}
				records++;
			}
		}
		if (records == 0) throw new IllegalArgumentException("training: no record of at least " + MIN_BEATS + " beats for the dominant-beat reference");
		List<float[]> means = new java.util.ArrayList<>();
		for (double[] layer : sum) {
			float[] m = new float[layer.length];
			for (int c = 0; c < m.length; c++) m[c] = (float) (layer[c] / records);
			means.add(m);
		}
		return new RecordAdaptation(means);
	}
	/** The text of no adaptation (a null adaptation) for {@link #parse}. */
	public static final String OFF = "off";
	static final String EXPECTED = "expected off, record, mean, dominant or the share of the training statistics kept (0 up to but not 1), got '%s'";

	/**
	 * {@value #OFF} (null: no adaptation), {@code record} ({@link #RECORD}), {@code mean} ({@link #MEAN}),
	 * {@code dominant} ({@link #DOMINANT}, still without its reference) or the share of the training
	 * statistics kept, from 0 up to but not 1.
	 */
	public static RecordAdaptation parse(String value) {
		String v = value.trim();
		switch (v) {
			case OFF: return null;
			case "record": return RECORD;
			case "mean": return MEAN;
			case "dominant": return DOMINANT;
			default:
				try {
					return new RecordAdaptation(Float.parseFloat(v), false);
				}
				catch (IllegalArgumentException e) {
					throw new IllegalArgumentException(String.format(EXPECTED, value), e);
				}
		}
	}

	/** {@link #format} of an adaptation, {@value #OFF} for none (null). */
	public static String formatOrOff(RecordAdaptation adaptation) {
		return adaptation == null ? OFF : adaptation.format();
	}

	/** The text {@link #parse} reads back. */
	public String format() {
		if (reference != null) return "dominant";
		if (meanOnly && trainingWeight == 0) return "mean";
		if (meanOnly) throw new IllegalStateException("a mean-only adaptation with a training weight has no text");
		return trainingWeight == 0 ? "record" : String.valueOf(trainingWeight);
	}

	/** Whether a record of so many beats is adapted (else it is classified with the training statistics). */
	public static boolean adapts(int beats) {
		return beats >= MIN_BEATS;
	}

	/**
	 * A new model: the inference form of {@code trained} (the network as trained, BatchNorms as
	 * layers; one network or an ensemble) with these beats' statistics; null when they are too few
	 * ({@link #adapts}). {@code trained} is only read.
	 */
	public Model adapted(Model trained, BeatDataset beats, RrFeatures features) {
		if (!adapts(beats.size())) return null;
		try (Model pass = recordForm(trained, beats.length(), features)) {
			List<RecordNorm> norms = BeatNet.loadRecordForm(trained.getBlock(), pass.getBlock());
			int[] sample;
			if (reference != null) {
				if (reference.size() != norms.size()) {
					throw new IllegalStateException("dominant: the reference has " + reference.size() + " layers, the network " + norms.size() + " BatchNorms");
				}
				for (int l = 0; l < norms.size(); l++) {
					if (reference.get(l).length != norms.get(l).channels()) {
						throw new IllegalStateException("dominant: the reference's layer " + l + " has " + reference.get(l).length + " channels, the network's " + norms.get(l).channels());
					}
				}
				for (int l = 0; l < norms.size(); l++) norms.get(l).reference(reference.get(l));
				sample = dominantSample(beats);
			}
			else {
				for (RecordNorm n : norms) n.mix(trainingWeight, meanOnly);
				sample = sample(beats.size(), SAMPLE);
			}
			statisticsPass(pass, beats, sample, features);
			return BeatNet.folded(trained, norms, beats.length(), features);
		}
	}

	/**
	 * Class probabilities (n x 5) of the beats of one or more records, each record in one piece, from a
	 * model as trained: each record classified by the model adapted to its own beats ({@code adaptation}
	 * null: by the model itself).
	 */
	static float[] probabilities(Model trained, BeatDataset beats, RecordAdaptation adaptation, int batch) {
		if (adaptation == null) return BeatTrainer.probabilities(trained, beats, batch);
		float[] out = new float[beats.size() * AamiClass.COUNT];
		int at = 0;
		for (String name : beats.recordNames()) {
			BeatDataset record = beats.ofRecords(name::equals);
			if (!beats.record(at).equals(name) || !beats.record(at + record.size() - 1).equals(name)) {
				throw new IllegalArgumentException("beats: record " + name + " is not in one piece");
			}
			try (Model adapted = adaptation.adapted(trained, record, RrFeatures.CURRENT)) {
				float[] p = BeatTrainer.probabilities(adapted == null ? trained : adapted, record, batch);
				System.arraycopy(p, 0, out, at * AamiClass.COUNT, p.length);
			}
			at += record.size();
		}
		return out;
	}

	/** A new, initialised network of {@code trained}'s shape with {@link RecordNorm}s for its BatchNorms (parameters not yet loaded). */
	private static Model recordForm(Model trained, int length, RrFeatures features) {
		NDManager from = trained.getNDManager();
		Model pass = Model.newInstance(BeatNet.NAME, from.getDevice(), from.getEngine().getEngineName());
		try {
			pass.setBlock(BeatNet.build(BeatNet.members(trained.getBlock()), BeatNet.Form.RECORD));
			pass.getBlock().initialize(pass.getNDManager(), DataType.FLOAT32, BeatNet.inputShapes(1, length, features));
			return pass;
		}
		catch (RuntimeException e) {
			pass.close(); // the engine's arrays now, not at finalisation
			throw e;
		}
	}

	/** One forward pass of the sampled beats as a single batch: each {@link RecordNorm} of {@code pass} takes its statistics. */
	private static void statisticsPass(Model pass, BeatDataset beats, int[] sample, RrFeatures features) {
		try (NDManager manager = pass.getNDManager().newSubManager()) {
			pass.getBlock().forward(new ParameterStore(manager, false), BeatNet.inputs(manager, BeatNet.batch(beats, sample, 0, sample.length, features)),
				false);
		}
	}

	/** {@value #SAMPLE} indices spread evenly over the record's dominant beats ({@link #dominantBeats}). */
	static int[] dominantSample(BeatDataset beats) {
		int[] dominant = dominantBeats(beats), sample = sample(dominant.length, SAMPLE);
		for (int i = 0; i < sample.length; i++) sample[i] = dominant[sample[i]];
		return sample;
	}

	/**
	 * The indices, in order, of the half of the beats closest to the record's median beat (by the
	 * energy of the window minus the median beat): its dominant morphology, whatever its label.
	 */
	static int[] dominantBeats(BeatDataset beats) {
		int n = beats.size();
		double[] energy = new double[n];
		for (int i = 0; i < n; i++) {
			double e = 0;
			for (float x : beats.residual(i)) e += x * x;
			energy[i] = e;
		}
		double[] sorted = energy.clone();
		java.util.Arrays.sort(sorted);
		double median = sorted[(n - 1) / 2];
		return java.util.stream.IntStream.range(0, n).filter(i -> energy[i] <= median).toArray();
	}

	/** {@code k} indices spread evenly over 0 .. n - 1, in order (with repeats when n < k). */
	static int[] sample(int n, int k) {
		int[] s = new int[k];
		for (int i = 0; i < k; i++) s[i] = (int) ((long) i * n / k);
		return s;
	}
}
