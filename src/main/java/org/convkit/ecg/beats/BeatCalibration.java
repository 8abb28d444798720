package org.convkit.ecg.beats;

import ai.djl.Model;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Chooses a {@link DecisionBias} on patients the network has not seen. {@link #calibrate} runs a
 * patient-wise cross-validation on the training records (record i, in order of appearance, goes
 * to fold i mod k; fold j is classified by a model trained on the others with seed + j), pools the
 * held-out probabilities and {@link #choose}s the offsets there. The training data's own
 * predictions would not do: the network is sure of the beats it learnt.
 */
public final class BeatCalibration {

	/**
	 * Train ECG Classifier's and {@code evaluate ecg}'s default: no decision bias. The last shipped
	 * model that chose one on 3 folds chose none (all offsets 0), and its floors (S Se 70%, V Se 90%)
	 * were settings picked on DS1; the recipe keeps fewer such settings.
	 */
	public static final int DEFAULT_FOLDS = 0;
	/** The clinical floors the offsets must respect: S and V sensitivity (the ECG issue's conditions). */
	static final double S_FLOOR = 0.70, V_FLOOR = 0.90;
	/** Offsets tried for S and V (and, more coarsely, F): log-probability steps of 0.25 from -3 to 1. */
	private static final float LOW = -3, HIGH = 1, STEP = 0.25f, F_STEP = 0.5f;

	private BeatCalibration() {}

	/**
	 * The offsets (S, V and F; N and Q stay 0) that maximise the jκ index of these beats, keeping
	 * S sensitivity at least {@link #S_FLOOR} and V sensitivity at least {@link #V_FLOOR} (or at
	 * least what no offsets give, where that is lower). Ties go to the smaller offsets.
	 *
	 * @param labels             reference class indices ({@link BeatDataset#UNLABELLED} beats are left out)
	 * @param atrialFibrillation whether each beat is in atrial fibrillation (where S is not called)
	 * @param probabilities      n x 5 class probabilities, row-major
	 */
	public static DecisionBias choose(int[] labels, boolean[] atrialFibrillation, float[] probabilities) {
		int n = labels.length, k = AamiClass.COUNT;
		if (probabilities.length != n * k) throw new IllegalArgumentException("probabilities: expected " + n + " x " + k + ", got " + probabilities.length);
		if (atrialFibrillation.length != n) throw new IllegalArgumentException("atrialFibrillation: expected " + n + ", got " + atrialFibrillation.length);
		double[] logP = logs(probabilities);
		BeatEvaluation none = evaluate(labels, atrialFibrillation, logP, new float[k]);
		double sFloor = Math.min(S_FLOOR, none.sensitivity(AamiClass.S)), vFloor = Math.min(V_FLOOR, none.sensitivity(AamiClass.V));
		float[] best = new float[k];
		// NaN when no offsets call no S or V at all (+P is 0/0): then any defined jκ is better
		double bestJk = Double.isNaN(none.jkIndex()) ? Double.NEGATIVE_INFINITY : none.jkIndex();
		for (float s = LOW; s <= HIGH; s += STEP) for (float v = LOW; v <= HIGH; v += STEP) for (float f = LOW; f <= HIGH; f += F_STEP) {
			float[] b = new float[k];
			b[AamiClass.S.ordinal()] = s;
			b[AamiClass.V.ordinal()] = v;
			b[AamiClass.F.ordinal()] = f;
			BeatEvaluation e = evaluate(labels, atrialFibrillation, logP, b);
			// a class without reference beats has NaN sensitivity: no floor to keep (and jκ is NaN: never chosen)
			if (e.sensitivity(AamiClass.S) < sFloor || e.sensitivity(AamiClass.V) < vFloor) continue;
			double jk = e.jkIndex();
			if (jk > bestJk || jk == bestJk && magnitude(b) < magnitude(best)) {
				bestJk = jk;
				best = b;
			}
		}
		return new DecisionBias(best);
	}

	/**
	 * Chooses the offsets for a model trained on {@code data} with {@code config}: a {@code folds}-fold
	 * patient-wise cross-validation on data's records (see the class comment), then {@link #choose}.
	 * With validation beats (else null), each fold's model is trained with early stopping on them,
	 * as the final model is.
	 */
	public static DecisionBias calibrate(BeatDataset data, BeatDataset validation, BeatTrainer.Config config, int folds, Consumer<String> log) {
		return calibrate(data, validation, config, folds, null, log); // as Train ECG Classifier's models classify: without adaptation
	}

	/**
	 * As {@link #calibrate(BeatDataset, BeatDataset, BeatTrainer.Config, int, Consumer)}, each held-out
	 * record classified as the model will classify it: adapted to its own beats ({@code adaptation}; null: not).
	 */
	public static DecisionBias calibrate(BeatDataset data, BeatDataset validation, BeatTrainer.Config config, int folds, RecordAdaptation adaptation,
		Consumer<String> log)
	{
		data = data.labelled();
		List<String> names = data.recordNames();
		String problem = checkFolds(folds, names.size());
		if (problem != null) throw new IllegalArgumentException("calibration folds: " + problem);
		int[] labels = new int[data.size()];
		boolean[] atrialFibrillation = new boolean[data.size()];
		float[] probabilities = new float[data.size() * AamiClass.COUNT];
		int at = 0;
		for (int fold = 0; fold < folds; fold++) {
			int f = fold;
			BeatDataset held = data.ofRecords(r -> names.indexOf(r) % folds == f), rest = data.ofRecords(r -> names.indexOf(r) % folds != f);
			log.accept(String.format(Locale.ROOT, "calibration fold %d of %d: %d held-out beats of %s", fold + 1, folds, held.size(), held.recordNames()));
			try (Model model = BeatTrainer.train(rest, validation, config.withSeed(config.seed() + fold), e -> log.accept("  " + e))) {
				RecordAdaptation foldAdaptation = RecordAdaptation.forTrained(adaptation, model, rest, RrFeatures.CURRENT);
				float[] p = RecordAdaptation.probabilities(model, held, foldAdaptation, 256);
				System.arraycopy(p, 0, probabilities, at * AamiClass.COUNT, p.length);
			}
			for (int i = 0; i < held.size(); i++) {
				labels[at + i] = held.labelIndex(i);
				atrialFibrillation[at + i] = held.inAtrialFibrillation(i);
			}
			at += held.size();
		}
		DecisionBias bias = choose(labels, atrialFibrillation, probabilities);
		BeatEvaluation before = evaluate(labels, atrialFibrillation, probabilities, DecisionBias.NONE);
		BeatEvaluation after = evaluate(labels, atrialFibrillation, probabilities, bias);
		log.accept(String.format(Locale.ROOT, "calibration: offsets %s; held-out beats without: %s; with: %s", bias.format(),
			BeatCrossValidation.summary(before), BeatCrossValidation.summary(after)));
		return bias;
	}

	/**
	 * What is wrong with this number of calibration folds for so many training records, or null
	 * when it will do (0 means no calibration).
	 */
	public static String checkFolds(int folds, int records) {
		if (folds == 0 || folds >= 2 && folds <= records) return null;
		return "expected 0 (no decision bias) or 2 to " + records + " (the number of training records), got " + folds;
	}

	/** The evaluation of beats classified with a bias. */
	static BeatEvaluation evaluate(int[] labels, boolean[] atrialFibrillation, float[] probabilities, DecisionBias bias) {
		return evaluate(labels, atrialFibrillation, logs(probabilities), bias.offsets());
	}

	private static double[] logs(float[] probabilities) {
		double[] logP = new double[probabilities.length];
		for (int i = 0; i < logP.length; i++) logP[i] = Math.log(probabilities[i]);
		return logP;
	}

	private static BeatEvaluation evaluate(int[] labels, boolean[] atrialFibrillation, double[] logP, float[] offsets) {
		BeatEvaluation e = new BeatEvaluation();
		for (int i = 0; i < labels.length; i++) {
			if (labels[i] != BeatDataset.UNLABELLED) e.add(labels[i], DecisionBias.classIndex(logP, i, offsets, atrialFibrillation[i]), 1);
		}
		return e;
	}

	private static double magnitude(float[] b) {
		double m = 0;
		for (float v : b) m += Math.abs(v);
		return m;
	}
}
