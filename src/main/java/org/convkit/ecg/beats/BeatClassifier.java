package org.convkit.ecg.beats;

import ai.djl.Model;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.signal.DetectionEvaluation;
import org.convkit.ecg.signal.QrsDetector;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Classifies the beats of a record with a {@link BeatModel} on the shared runtime: beats found by
 * the QRS detector (the normal use), or beats at given positions (reference annotations, for
 * evaluation). Paced beats ({@link PacedRhythm}) are class Q. Thread-safe; the model is loaded once per runtime.
 */
public final class BeatClassifier {

	/** Beats per network call: large enough to amortise the call, small enough for any record. */
	public static final int BATCH = 512;

	private final BeatModel model;
	private final ConvKitRuntime runtime;

	public BeatClassifier(BeatModel model) {
		this(model, ConvKitRuntime.get());
	}

	public BeatClassifier(BeatModel model, ConvKitRuntime runtime) {
		this.model = model;
		this.runtime = runtime;
	}

	public BeatModel model() {
		return model;
	}

	/**
	 * Class probabilities of the beats: n x 5, row-major, in {@link AamiClass} order. With the model's
	 * {@link BeatModel#adaptation() record adaptation}, the beats are one record's (or one lead's):
	 * the network is adapted to them first.
	 */
	public float[] probabilities(BeatDataset beats) throws IOException {
		if (beats.length() != model.window().length()) {
			throw new IllegalArgumentException("beats: windows of " + beats.length() + " samples, but the model expects " + model.window().length());
		}
		RecordAdaptation adaptation = model.adaptation();
		if (adaptation != null && RecordAdaptation.adapts(beats.size())) {
			// the record's own network, in the inference form as the cached one is; used once
			try (Model folded = adaptation.adapted(runtime.model(model.specAsTrained()), beats, model.rrFeatures())) {
				return BeatTrainer.probabilities(folded, beats, BATCH, model.rrFeatures());
			}
			catch (IllegalStateException e) { // a saved reference that does not fit the network
				throw new IOException(String.format(BeatModel.DAMAGED, BeatModel.PROPERTIES, model.description(), e.getMessage()), e);
			}
		}
		int n = beats.size();
		float[] out = new float[n * AamiClass.COUNT];
		for (int from = 0; from < n; from += BATCH) {
			int start = from, to = Math.min(n, from + BATCH);
			float[] p = runtime.infer(model.spec(), session ->
				session.forward(BeatNet.inputs(session.manager(), beats, start, to, model.rrFeatures())).singletonOrThrow().softmax(1).toFloatArray());
			System.arraycopy(p, 0, out, from * AamiClass.COUNT, p.length);
		}
		return out;
	}

	/** Detects the beats of a lead (null or blank: MLII, else the first lead) and classifies them. */
	public ClassifiedBeats classify(EcgRecord record, String leadName) throws IOException {
		return classify(record, leadName, null);
	}

	/**
	 * Detects and classifies the beats of a lead; with reference annotations (else null), each
	 * detected beat takes the class of the reference beat within 150 ms of it (EC57's match window),
	 * so the classification of detected beats can be scored. Unmatched detections stay unlabelled.
	 */
	public ClassifiedBeats classify(EcgRecord record, String leadName, List<Annotation> reference) throws IOException {
		EcgRecord.Lead lead = record.leadOrDefault(leadName);
		return classified(record, lead, detectedBeats(record, lead, reference, model.window()));
	}

	/** The beats the QRS detector finds in a lead, labelled from reference annotations when given (see {@link #classify}). */
	public static BeatDataset detectedBeats(EcgRecord record, EcgRecord.Lead lead, List<Annotation> reference, BeatDataset.Options window) {
		int[] peaks = new QrsDetector().detect(lead).peaks();
		long[] positions = new long[peaks.length];
		for (int i = 0; i < peaks.length; i++) positions[i] = peaks[i];
		int[] labels = new int[peaks.length];
		Arrays.fill(labels, BeatDataset.UNLABELLED);
		if (reference != null) label(positions, labels, reference, lead.frequency() / record.frequency(), lead.frequency());
		return BeatDataset.ofBeats(record.name(), lead.samples(), lead.frequency(), positions, labels, window);
	}

	/**
	 * Gives each position the class of the nearest reference beat within EC57's 150 ms, one to
	 * one: a reference beat already taken by a detection is not given to a second one (a double
	 * detection stays unlabelled, so it is not scored twice).
	 */
	static void label(long[] positions, int[] labels, List<Annotation> reference, double scale, double fs) {
		List<Annotation> beats = BeatDataset.aamiBeats(reference);
		double tolerance = DetectionEvaluation.DEFAULT_TOLERANCE_S * fs;
		boolean[] taken = new boolean[beats.size()];
		int j = 0;
		for (int i = 0; i < positions.length; i++) {
			while (j + 1 < beats.size() && beats.get(j + 1).sample() * scale <= positions[i]) j++;
			int best = -1;
			double bestDistance = tolerance;
			for (int k = Math.max(0, j - 1); k <= Math.min(beats.size() - 1, j + 1); k++) {
				double d = Math.abs(beats.get(k).sample() * scale - positions[i]);
				if (!taken[k] && d <= bestDistance) {
					bestDistance = d;
					best = k;
				}
			}
			if (best >= 0) {
				taken[best] = true;
				labels[i] = AamiClass.ofSymbol(beats.get(best).symbol()).orElseThrow().ordinal();
			}
		}
	}

	/**
	 * Classifies the beats of a lead at the R positions of reference annotations (sample numbers of
	 * the record's frame frequency); the beats keep their reference classes for evaluation.
	 */
	public ClassifiedBeats classifyAt(EcgRecord record, String leadName, List<Annotation> reference) throws IOException {
		EcgRecord.Lead lead = record.leadOrDefault(leadName);
		return classified(record, lead, BeatDataset.of(record, lead, reference, model.window()));
	}

	private ClassifiedBeats classified(EcgRecord record, EcgRecord.Lead lead, BeatDataset beats) throws IOException {
		return new ClassifiedBeats(record.name(), lead.name(), lead.frequency(), record.frequency(), beats, probabilities(beats), model.bias(),
			PacedRhythm.of(lead.samples(), lead.frequency(), beats));
	}
}
