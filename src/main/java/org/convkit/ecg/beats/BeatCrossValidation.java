package org.convkit.ecg.beats;

import ai.djl.Model;

import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.io.WfdbAnnotations;
import org.convkit.ecg.io.WfdbRecords;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Inter-patient evaluation inside MIT-BIH DS1: records are split into folds (record i goes to fold
 * i mod k, in DS1 order), each fold is classified by a model trained on the other folds' records
 * only, and the folds' confusion matrices are pooled. No beat of a test record is ever seen in
 * training; N subsampling ({@code normalFraction}) applies to the training records only.
 * <p>
 * Usage: {@code BeatCrossValidation [data=../shared/data/mitdb] [folds=4] [epochs=4] [batch=64]
 * [lr=0.001] [seed=42] [weightCap=8] [normalFraction=0.6] [premature=0.03] [networks=3] [csv=file]} (defaults:
 * {@link BeatTrainer.Config#DEFAULT}, the shipped model's recipe). Each fold is scored at the
 * reference beats and at the detected beats.
 */
public final class BeatCrossValidation {

	private BeatCrossValidation() {}

	/** Runs k-fold leave-records-out cross-validation and returns the pooled evaluation. */
	public static BeatEvaluation run(Map<String, BeatDataset> records, int folds, BeatTrainer.Config config, StringBuilder log) {
		return run(records, null, folds, config, log)[0];
	}

	/**
	 * As {@link #run(Map, int, BeatTrainer.Config, StringBuilder)}, also scoring each fold's model on
	 * the test records' detected beats ({@code detected}, labelled from the reference; null to skip):
	 * returns the pooled evaluations at reference beats and at detected beats.
	 */
	public static BeatEvaluation[] run(Map<String, BeatDataset> records, Map<String, BeatDataset> detected, int folds,
		BeatTrainer.Config config, StringBuilder log)
	{
		List<String> names = new ArrayList<>(records.keySet());
		if (folds < 2 || folds > names.size()) {
			throw new IllegalArgumentException("folds: expected 2 to " + names.size() + " (the number of records), got " + folds);
		}
		BeatEvaluation pooled = new BeatEvaluation(), pooledDetected = new BeatEvaluation();
		for (int fold = 0; fold < folds; fold++) {
			List<BeatDataset> train = new ArrayList<>(), test = new ArrayList<>();
			List<String> testNames = new ArrayList<>();
			for (int i = 0; i < names.size(); i++) {
				if (i % folds == fold) {
					test.add(records.get(names.get(i)));
					testNames.add(names.get(i));
				}
				else train.add(records.get(names.get(i)));
			}
			BeatDataset trainData = BeatDataset.concat(train);
			int testBeats = test.stream().mapToInt(BeatDataset::size).sum();
			print(log, String.format(Locale.ROOT, "fold %d: test records %s (%d beats), training beats %d %s", fold + 1, testNames,
				testBeats, trainData.size(), counts(trainData)));
			BeatTrainer.Config foldConfig = config.withSeed(config.seed() + fold);
			try (Model model = BeatTrainer.train(trainData, foldConfig, e -> print(log, "  " + e))) {
				// each test record classified once; the fold's figures are the sum of its records'
				long t0 = System.nanoTime();
				BeatEvaluation e = new BeatEvaluation();
				List<BeatEvaluation> perRecord = new ArrayList<>();
				for (BeatDataset record : test) {
					BeatEvaluation r = BeatEvaluation.of(record, BeatTrainer.predict(model, record));
					perRecord.add(r);
					e.add(r);
				}
				double s = (System.nanoTime() - t0) / 1e9;
				print(log, String.format(Locale.ROOT, "  classified %d beats in %.1f s (%.0f beats/s)", testBeats, s, testBeats / s));
				print(log, "  " + summary(e));
				for (int i = 0; i < test.size(); i++) print(log, "    " + recordLine(testNames.get(i), test.get(i).size(), perRecord.get(i)));
				pooled.add(e);
				if (detected != null) {
					BeatDataset d = BeatDataset.concat(testNames.stream().map(detected::get).toList());
					BeatEvaluation ed = BeatEvaluation.of(d, BeatTrainer.predict(model, d));
					print(log, "  detected beats: " + summary(ed));
					pooledDetected.add(ed);
				}
			}
		}
		print(log, "pooled over " + folds + " folds (inter-patient, leave-records-out), at reference beats:\n" + pooled.report() + summary(pooled));
		if (detected != null) {
			print(log, "pooled over " + folds + " folds, at detected beats (matched to reference within 150 ms):\n"
				+ pooledDetected.report() + summary(pooledDetected));
		}
		return new BeatEvaluation[] {pooled, pooledDetected};
	}

	/** One record's accuracy and where its errors went (reference -> predicted counts). */
	private static String recordLine(String name, int beats, BeatEvaluation e) {
		StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s: %d beats, accuracy %.2f%%; errors", name, beats, 100 * e.accuracy()));
		for (AamiClass r : AamiClass.values()) for (AamiClass p : AamiClass.values()) {
			if (r != p && e.count(r, p) > 0) s.append(' ').append(r).append("->").append(p).append(' ').append(e.count(r, p));
		}
		return s.toString();
	}

	/** Accuracy, macro F1 and the V and S figures on one line. */
	public static String summary(BeatEvaluation e) {
		return String.format(Locale.ROOT, "accuracy %.2f%%, macro F1 %.2f%%, kappa %.3f, jk %.3f, V Se %.2f%% +P %.2f%%, S Se %.2f%% +P %.2f%%",
			100 * e.accuracy(), 100 * e.macroF1(), e.kappa(), e.jkIndex(), 100 * e.sensitivity(AamiClass.V), 100 * e.positivePredictivity(AamiClass.V),
			100 * e.sensitivity(AamiClass.S), 100 * e.positivePredictivity(AamiClass.S));
	}

	private static String counts(BeatDataset d) {
		int[] c = d.classCounts();
		StringBuilder s = new StringBuilder("(");
		for (AamiClass a : AamiClass.values()) s.append(a.ordinal() == 0 ? "" : " ").append(a).append('=').append(c[a.ordinal()]);
		return s.append(')').toString();
	}

	private static void print(StringBuilder log, String line) {
		System.out.println(line);
		System.out.flush();
		if (log != null) log.append(line).append('\n');
	}

	public static void main(String[] args) throws IOException {
		Map<String, String> o = new HashMap<>();
		for (String a : args) {
			int eq = a.indexOf('=');
			if (eq < 0) throw new IllegalArgumentException("expected key=value, got " + a);
			o.put(a.substring(0, eq), a.substring(eq + 1));
		}
		Path data = Path.of(o.getOrDefault("data", "../shared/data/mitdb"));
		int folds = Integer.parseInt(o.getOrDefault("folds", "4"));
		BeatTrainer.Config d = BeatTrainer.Config.DEFAULT;
		BeatTrainer.Config config = new BeatTrainer.Config(Integer.parseInt(o.getOrDefault("epochs", "" + d.epochs())),
			Integer.parseInt(o.getOrDefault("batch", "" + d.batchSize())), Float.parseFloat(o.getOrDefault("lr", "" + d.learningRate())),
			Long.parseLong(o.getOrDefault("seed", "" + d.seed())), Double.parseDouble(o.getOrDefault("weightCap", "" + d.weightCap())),
			Double.parseDouble(o.getOrDefault("normalFraction", "" + d.normalFraction())),
			Double.parseDouble(o.getOrDefault("premature", "" + d.prematureFraction())),
			Integer.parseInt(o.getOrDefault("networks", "" + d.networks())));
		System.out.println("config: folds=" + folds + " " + config + " OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS"));
		long t0 = System.nanoTime();
		Map<String, BeatDataset> records = new LinkedHashMap<>(), detected = new LinkedHashMap<>();
		for (String name : LabelledRecords.DS1) {
			EcgRecord record = WfdbRecords.read(data.resolve(name + ".hea"));
			List<Annotation> reference = WfdbAnnotations.read(data.resolve(name + ".atr"));
			records.put(name, BeatDataset.of(record, reference, BeatDataset.Options.DEFAULT));
			detected.put(name, BeatClassifier.detectedBeats(record, record.defaultLead(), reference, BeatDataset.Options.DEFAULT));
		}
		System.out.printf(Locale.ROOT, "read %d records, %d beats in %.1f s%n", records.size(),
			records.values().stream().mapToInt(BeatDataset::size).sum(), (System.nanoTime() - t0) / 1e9);
		BeatEvaluation[] pooled = run(records, detected, folds, config, null);
		if (o.containsKey("csv")) pooled[0].writeCsv(Path.of(o.get("csv")));
		System.out.printf(Locale.ROOT, "total %.1f s%n", (System.nanoTime() - t0) / 1e9);
	}
}
