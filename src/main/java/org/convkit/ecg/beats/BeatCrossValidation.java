package org.convkit.ecg.beats;

import ai.djl.Model;
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
 * Usage: {@code BeatCrossValidation [data=../shared/data/mitdb] [folds=4] [epochs=3] [batch=64]
 * [lr=0.001] [seed=42] [weightCap=20] [normalFraction=1] [csv=file]}.
 */
public final class BeatCrossValidation {

	/** De Chazal's DS1 (training set), paced records left out. */
	public static final List<String> DS1 = List.of("101", "106", "108", "109", "112", "114", "115", "116", "118", "119",
		"122", "124", "201", "203", "205", "207", "208", "209", "215", "220", "223", "230");

	private BeatCrossValidation() {}

	/** The beats of a WFDB record (header {@code name.hea}, annotations {@code name.atr}) in a folder. */
	public static BeatDataset read(Path folder, String name) throws IOException {
		EcgRecord record = WfdbRecords.read(folder.resolve(name + ".hea"));
		return BeatDataset.of(record, WfdbAnnotations.read(folder.resolve(name + ".atr")));
	}

	/** Runs k-fold leave-records-out cross-validation and returns the pooled evaluation. */
	public static BeatEvaluation run(Map<String, BeatDataset> records, int folds, BeatTrainer.Config config, StringBuilder log) {
		List<String> names = new ArrayList<>(records.keySet());
		BeatEvaluation pooled = new BeatEvaluation();
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
			BeatDataset trainData = BeatDataset.concat(train), testData = BeatDataset.concat(test);
			print(log, String.format(Locale.ROOT, "fold %d: test records %s (%d beats), training beats %d %s", fold + 1, testNames,
				testData.size(), trainData.size(), counts(trainData)));
			BeatTrainer.Config foldConfig = new BeatTrainer.Config(config.epochs(), config.batchSize(), config.learningRate(),
				config.seed() + fold, config.weightCap(), config.normalFraction());
			try (Model model = BeatTrainer.train(trainData, foldConfig, e -> print(log, "  " + e))) {
				long t0 = System.nanoTime();
				BeatEvaluation e = BeatEvaluation.of(testData, BeatTrainer.predict(model, testData));
				double s = (System.nanoTime() - t0) / 1e9;
				print(log, String.format(Locale.ROOT, "  classified %d beats in %.1f s (%.0f beats/s)", testData.size(), s, testData.size() / s));
				print(log, "  " + summary(e));
				pooled.add(e);
			}
		}
		print(log, "pooled over " + folds + " folds (inter-patient, leave-records-out):\n" + pooled.report() + summary(pooled));
		return pooled;
	}

	/** Accuracy, macro F1 and the V and S figures on one line. */
	public static String summary(BeatEvaluation e) {
		return String.format(Locale.ROOT, "accuracy %.2f%%, macro F1 %.2f%%, kappa %.3f, V Se %.2f%% +P %.2f%%, S Se %.2f%% +P %.2f%%",
			100 * e.accuracy(), 100 * e.macroF1(), e.kappa(), 100 * e.sensitivity(AamiClass.V), 100 * e.positivePredictivity(AamiClass.V),
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
		BeatTrainer.Config config = new BeatTrainer.Config(Integer.parseInt(o.getOrDefault("epochs", "3")),
			Integer.parseInt(o.getOrDefault("batch", "64")), Float.parseFloat(o.getOrDefault("lr", "0.001")),
			Long.parseLong(o.getOrDefault("seed", "42")), Double.parseDouble(o.getOrDefault("weightCap", "20")),
			Double.parseDouble(o.getOrDefault("normalFraction", "1")));
		System.out.println("config: folds=" + folds + " " + config + " OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS"));
		long t0 = System.nanoTime();
		Map<String, BeatDataset> records = new LinkedHashMap<>();
		for (String name : DS1) records.put(name, read(data, name));
		System.out.printf(Locale.ROOT, "read %d records, %d beats in %.1f s%n", records.size(),
			records.values().stream().mapToInt(BeatDataset::size).sum(), (System.nanoTime() - t0) / 1e9);
		BeatEvaluation pooled = run(records, folds, config, null);
		if (o.containsKey("csv")) pooled.writeCsv(Path.of(o.get("csv")));
		System.out.printf(Locale.ROOT, "total %.1f s%n", (System.nanoTime() - t0) / 1e9);
	}
}
