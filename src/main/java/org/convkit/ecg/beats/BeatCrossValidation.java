package org.convkit.ecg.beats;

import ai.djl.Model;

import org.convkit.core.io.AtomicFiles;
import org.convkit.core.io.SharedData;
import org.convkit.core.io.Csv;
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
 * Inter-patient evaluation inside MIT-BIH DS1: the records are split into folds, each fold is
 * classified by a model trained on the other folds' records only, and the folds' confusion matrices
 * are pooled. No beat of a test record is ever seen in training; N subsampling
 * ({@code normalFraction}) applies to the training records only. The default split is by MIT-BIH
 * series ({@link #split}): half the patients classified by a model of the other half, whose
 * rhythms differ, as in the DS1 -> DS2 protocol; {@code split=k} puts record i in fold i mod k.
 * <p>
 * Usage: {@code BeatCrossValidation [data=../shared/data/mitdb] [split=series|k] [seeds=42,142,242,342]
 * [epochs=4] [batch=64] [lr=0.001] [weightCap=16] [normalFraction=0.6] [premature=0.03] [networks=3]
 * [focalGamma=2] [signalJitter=0]
 * [calibrate=0] [adapt=dominant|off|mean|record|w] [csv=file] [predictions=file]} (defaults: {@link BeatTrainer.Config#DEFAULT}
 * and {@link RecordAdaptation#RECIPE}, the recipe of Train ECG Classifier and the shipped model; {@code seed=s} runs one seed). Each seed's folds are scored at the reference beats and
 * at the detected beats, then one line per seed. {@code calibrate=k} chooses each fold's decision bias
 * by a k-fold cross-validation inside its training records (0: no bias); {@code csv} receives the
 * pooled figures, {@code predictions} every beat's out-of-fold class probabilities and whether it is
 * in atrial fibrillation (with several seeds, one file per seed, named with a -seedS suffix). {@code adapt}
 * (default dominant, as the shipped model; off: none) adapts each fold's model to each test record's unlabelled beats
 * ({@link RecordAdaptation}; calibration too) and logs the figures without it too.
 */
public final class BeatCrossValidation {

	private BeatCrossValidation() {}

	/** Runs k-fold leave-records-out cross-validation and returns the pooled evaluation. */
	public static BeatEvaluation run(Map<String, BeatDataset> records, int folds, BeatTrainer.Config config, StringBuilder log) {
		return run(records, null, folds, config, 0, log).reference();
	}

	/**
	 * The pooled evaluations at reference beats and at detected beats (null when not scored), and
	 * each test record's beats with their out-of-fold probabilities (n x 5), in the order tested.
	 */
	public record Result(BeatEvaluation reference, BeatEvaluation detected, List<BeatDataset> records, List<float[]> probabilities) {}

	/**
	 * As {@link #run(Map, int, BeatTrainer.Config, StringBuilder)}, also scoring each fold's model on
	 * the test records' detected beats ({@code detected}, labelled from the reference; null to skip).
	 * With {@code calibrationFolds} > 0 (at least 2), each fold's {@link DecisionBias} is chosen by a
	 * cross-validation inside its training records ({@link BeatCalibration#calibrate}: nested, so the
	 * test records play no part in it), and the figures are those with the bias; the figures
	 * without it are logged too.
	 */
	public static Result run(Map<String, BeatDataset> records, Map<String, BeatDataset> detected, int folds, BeatTrainer.Config config,
		int calibrationFolds, StringBuilder log)
	{
		List<String> names = new ArrayList<>(records.keySet());
		if (folds < 2 || folds > names.size()) {
			throw new IllegalArgumentException("folds: expected 2 to " + names.size() + " (the number of records), got " + folds);
		}
		return run(records, detected, split(String.valueOf(folds), names), config, calibrationFolds, log);
	}

	/**
	 * As {@link #run(Map, Map, int, BeatTrainer.Config, int, StringBuilder)} with the test records of
	 * each fold given (every record in exactly one fold); each fold trains on all the other records.
	 */
	public static Result run(Map<String, BeatDataset> records, Map<String, BeatDataset> detected, List<List<String>> testFolds,
		BeatTrainer.Config config, int calibrationFolds, StringBuilder log)
	{
		return run(records, detected, testFolds, config, calibrationFolds, null, log);
	}

	/**
	 * As {@link #run(Map, Map, List, BeatTrainer.Config, int, StringBuilder)}; with an
	 * {@code adaptation} (else null) each test record, reference and detected beats, is classified by
	 * the fold's model adapted to that record's unlabelled beats ({@link RecordAdaptation}), and the
	 * figures are those; the figures without it are logged too (same models, so the difference is the
	 * adaptation's alone).
	 */
	public static Result run(Map<String, BeatDataset> records, Map<String, BeatDataset> detected, List<List<String>> testFolds,
		BeatTrainer.Config config, int calibrationFolds, RecordAdaptation adaptation, StringBuilder log)
	{
		List<String> names = new ArrayList<>(records.keySet());
		List<String> assigned = testFolds.stream().flatMap(List::stream).sorted().toList();
		if (testFolds.size() < 2 || !assigned.equals(names.stream().sorted().toList())) {
			throw new IllegalArgumentException("folds: expected at least 2 folds holding each record once, got " + testFolds + " for " + names);
		}
		int folds = testFolds.size();
		BeatEvaluation pooled = new BeatEvaluation(), pooledUnbiased = new BeatEvaluation(), pooledDetected = new BeatEvaluation();
		BeatEvaluation pooledUnadapted = new BeatEvaluation(), pooledDetectedUnadapted = new BeatEvaluation();
		List<BeatDataset> testBeats = new ArrayList<>();
		List<float[]> testProbabilities = new ArrayList<>();
		for (int fold = 0; fold < folds; fold++) {
			List<String> testNames = testFolds.get(fold);
			List<BeatDataset> test = testNames.stream().map(records::get).toList();
			List<BeatDataset> train = names.stream().filter(r -> !testNames.contains(r)).map(records::get).toList();
			BeatDataset trainData = BeatDataset.concat(train);
			int testCount = test.stream().mapToInt(BeatDataset::size).sum();
			print(log, String.format(Locale.ROOT, "fold %d: test records %s (%d beats), training beats %d %s", fold + 1, testNames,
				testCount, trainData.size(), counts(trainData)));
			BeatTrainer.Config foldConfig = config.withSeed(config.seed() + fold);
			DecisionBias bias = calibrationFolds > 0
				? BeatCalibration.calibrate(trainData, null, foldConfig, calibrationFolds, adaptation, line -> print(log, "  " + line))
				: DecisionBias.NONE;
			try (Model model = BeatTrainer.train(trainData, foldConfig, e -> print(log, "  " + e))) {
				RecordAdaptation foldAdaptation = RecordAdaptation.forTrained(adaptation, model, trainData, RrFeatures.CURRENT);
				// each test record classified once; the fold's figures are the sum of its records'
				long t0 = System.nanoTime();
				double adaptS = 0;
				BeatEvaluation e = new BeatEvaluation(), unbiased = new BeatEvaluation(), unadapted = new BeatEvaluation();
				List<BeatEvaluation> perRecord = new ArrayList<>(), perRecordUnadapted = new ArrayList<>();
				for (BeatDataset record : test) {
					float[] plain = BeatTrainer.probabilities(model, record, 256);
					long a0 = System.nanoTime();
					float[] p = adaptation == null ? plain : adaptedProbabilities(model, record, foldAdaptation);
					adaptS += adaptation == null ? 0 : (System.nanoTime() - a0) / 1e9;
					testBeats.add(record);
					testProbabilities.add(p);
					BeatEvaluation r = BeatEvaluation.of(record, bias.classify(p, record));
					perRecord.add(r);
					e.add(r);
					unbiased.add(BeatEvaluation.of(record, DecisionBias.NONE.classify(p, record)));
					BeatEvaluation u = BeatEvaluation.of(record, bias.classify(plain, record));
					perRecordUnadapted.add(u);
					unadapted.add(u);
				}
				double s = (System.nanoTime() - t0) / 1e9;
				print(log, String.format(Locale.ROOT, "  classified %d beats in %.1f s (%.0f beats/s)%s", testCount, s, testCount / s,
					adaptation == null ? "" : String.format(Locale.ROOT, ", of which %.1f s adapted and classified again", adaptS)));
				if (calibrationFolds > 0) print(log, "  without decision bias: " + summary(unbiased));
				if (adaptation != null) print(log, "  without record adaptation: " + summary(unadapted));
				print(log, "  " + summary(e));
				for (int i = 0; i < test.size(); i++) {
					print(log, "    " + recordLine(testNames.get(i), test.get(i).size(), perRecord.get(i)));
					if (adaptation != null) print(log, "      without adaptation: " + recordLine(testNames.get(i), test.get(i).size(), perRecordUnadapted.get(i)));
				}
				pooled.add(e);
				pooledUnbiased.add(unbiased);
				pooledUnadapted.add(unadapted);
				if (detected != null) {
					BeatEvaluation ed = new BeatEvaluation(), edUnadapted = new BeatEvaluation();
					for (String name : testNames) {
						BeatDataset d = detected.get(name);
						float[] plain = BeatTrainer.probabilities(model, d, 256);
						float[] p = adaptation == null ? plain : adaptedProbabilities(model, d, foldAdaptation);
						ed.add(BeatEvaluation.of(d, bias.classify(p, d)));
						edUnadapted.add(BeatEvaluation.of(d, bias.classify(plain, d)));
					}
					if (adaptation != null) print(log, "  detected beats without record adaptation: " + summary(edUnadapted));
					print(log, "  detected beats: " + summary(ed));
					pooledDetected.add(ed);
					pooledDetectedUnadapted.add(edUnadapted);
				}
			}
		}
		if (adaptation != null) {
			print(log, "pooled over " + folds + " folds without record adaptation, at reference beats:\n" + pooledUnadapted.report()
				+ summary(pooledUnadapted));
			if (detected != null) print(log, "pooled over " + folds + " folds without record adaptation, at detected beats: " + summary(pooledDetectedUnadapted));
		}
		if (calibrationFolds > 0) print(log, "pooled over " + folds + " folds without decision bias: " + summary(pooledUnbiased));
		print(log, "pooled over " + folds + " folds (inter-patient, leave-records-out), at reference beats:\n" + pooled.report() + summary(pooled));
		if (detected != null) {
			print(log, "pooled over " + folds + " folds, at detected beats (matched to reference within 150 ms):\n"
				+ pooledDetected.report() + summary(pooledDetected));
		}
		return new Result(pooled, detected == null ? null : pooledDetected, testBeats, testProbabilities);
	}

	/** The probabilities of a record's beats by the model adapted to them (by the model itself when they are too few to adapt). */
	private static float[] adaptedProbabilities(Model model, BeatDataset record, RecordAdaptation adaptation) {
		return RecordAdaptation.probabilities(model, record, adaptation, 256);
	}

	/** Each test beat's record, sample, reference class, out-of-fold probabilities and atrial fibrillation (true/false), one per line. */
	static String predictionsCsv(Result result) {
		StringBuilder s = new StringBuilder("record,sample,reference,p_N,p_S,p_V,p_F,p_Q,atrial_fibrillation\n");
		for (int r = 0; r < result.records().size(); r++) {
			BeatDataset beats = result.records().get(r);
			float[] p = result.probabilities().get(r);
			for (int i = 0; i < beats.size(); i++) {
				s.append(Csv.field(beats.record(i))).append(',').append(beats.position(i)).append(',').append(beats.label(i));
				// full float precision: a tiny probability stays > 0, so its logarithm stays finite
				for (int c = 0; c < AamiClass.COUNT; c++) s.append(',').append(p[i * AamiClass.COUNT + c]);
				s.append(',').append(beats.inAtrialFibrillation(i)).append('\n');
			}
		}
		return s.toString();
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

	/**
	 * The test folds of a split of these records: {@code "k"} (a number) puts record i in fold i mod k;
	 * {@code "series"} makes two folds, MIT-BIH's 100 series (records picked at random from Holter
	 * tapes) and its 200 series (picked for their rare arrhythmias), so each half is classified by a
	 * model that never saw the other half's kinds of rhythm, as a new patient's record would be.
	 */
	static List<List<String>> split(String split, List<String> names) {
		if (split.equals(SERIES)) {
			List<String> first = names.stream().filter(r -> r.startsWith("1")).toList();
			List<String> second = names.stream().filter(r -> !r.startsWith("1")).toList();
			if (first.isEmpty() || second.isEmpty()) throw new IllegalArgumentException("split: series needs records of both the 100 and the 200 series, got " + names);
			return List.of(first, second);
		}
		int folds;
		try {
			folds = Integer.parseInt(split);
		}
		catch (NumberFormatException e) {
			throw new IllegalArgumentException("split: expected a number of folds or '" + SERIES + "', got '" + split + "'");
		}
		if (folds < 2 || folds > names.size()) throw new IllegalArgumentException("split: expected 2 to " + names.size() + " folds, got " + folds);
		List<List<String>> testFolds = new ArrayList<>();
		for (int fold = 0; fold < folds; fold++) testFolds.add(new ArrayList<>());
		for (int i = 0; i < names.size(); i++) testFolds.get(i % folds).add(names.get(i));
		return testFolds;
	}

	static final String SERIES = "series";

	/** The seeds of a default run: the spread over them is part of the estimate. */
	static final String DEFAULT_SEEDS = "42,142,242,342";

	public static void main(String[] args) throws IOException {
		Map<String, String> o = new HashMap<>();
		for (String a : args) {
			int eq = a.indexOf('=');
			if (eq < 0) throw new IllegalArgumentException("expected key=value, got " + a);
			o.put(a.substring(0, eq), a.substring(eq + 1));
		}
		Path data = o.containsKey("data") ? Path.of(o.get("data")) : SharedData.resolve("mitdb");
		String splitName = o.getOrDefault("split", o.containsKey("folds") ? o.get("folds") : SERIES);
		List<List<String>> testFolds = split(splitName, LabelledRecords.DS1);
		BeatTrainer.Config d = BeatTrainer.Config.DEFAULT;
		BeatTrainer.Config config = new BeatTrainer.Config(Integer.parseInt(o.getOrDefault("epochs", "" + d.epochs())),
			Integer.parseInt(o.getOrDefault("batch", "" + d.batchSize())), Float.parseFloat(o.getOrDefault("lr", "" + d.learningRate())),
			Long.parseLong(o.getOrDefault("seed", "" + d.seed())), Double.parseDouble(o.getOrDefault("weightCap", "" + d.weightCap())),
			Double.parseDouble(o.getOrDefault("normalFraction", "" + d.normalFraction())),
			Double.parseDouble(o.getOrDefault("premature", "" + d.prematureFraction())),
			Integer.parseInt(o.getOrDefault("networks", "" + d.networks())), Double.parseDouble(o.getOrDefault("focalGamma", "" + d.focalGamma())),
			Double.parseDouble(o.getOrDefault("signalJitter", "" + d.signalJitter())));
		String defaultSeeds = o.containsKey("seed") ? o.get("seed") : DEFAULT_SEEDS;
		List<Long> seeds = java.util.Arrays.stream(o.getOrDefault("seeds", defaultSeeds).split(",")).map(String::trim).map(Long::parseLong).toList();
		int calibrate = Integer.parseInt(o.getOrDefault("calibrate", "" + BeatCalibration.DEFAULT_FOLDS));
		// each fold trains on the records of the other folds
		int trainingRecords = testFolds.stream().mapToInt(f -> LabelledRecords.DS1.size() - f.size()).min().orElse(0);
		String problem = BeatCalibration.checkFolds(calibrate, trainingRecords);
		if (problem != null) throw new IllegalArgumentException("calibrate: " + problem);
		RecordAdaptation adaptation;
		try {
			adaptation = RecordAdaptation.parse(o.getOrDefault("adapt", RecordAdaptation.RECIPE));
		}
		catch (IllegalArgumentException e) {
			throw new IllegalArgumentException("adapt: " + e.getMessage(), e);
		}
		System.out.println("config: split=" + splitName + " " + testFolds + " calibrate=" + calibrate + " adapt=" + o.getOrDefault("adapt", RecordAdaptation.RECIPE) + " seeds=" + seeds + " " + config
			+ " OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS"));
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
		List<String> lines = new ArrayList<>();
		for (long seed : seeds) {
			if (seeds.size() > 1) System.out.println("== seed " + seed);
			Result result = run(records, detected, testFolds, config.withSeed(seed), calibrate, adaptation, null);
			String suffix = seeds.size() > 1 ? "-seed" + seed : "";
			if (o.containsKey("csv")) result.reference().writeCsv(Path.of(o.get("csv") + suffix));
			if (o.containsKey("predictions")) AtomicFiles.writeString(Path.of(o.get("predictions") + suffix), predictionsCsv(result));
			lines.add(String.format(Locale.ROOT, "seed %d: reference beats %s; detected beats %s", seed, summary(result.reference()),
				summary(result.detected())));
		}
		if (seeds.size() > 1) {
			System.out.println("over " + seeds.size() + " seeds (split=" + splitName + "):");
			lines.forEach(System.out::println);
		}
		System.out.printf(Locale.ROOT, "total %.1f s%n", (System.nanoTime() - t0) / 1e9);
	}
}
