package org.convkit.spark;

import org.apache.spark.sql.SparkSession;
import org.convkit.commands.ecg.ClassifyEcgFolderCommand;
import org.convkit.core.io.SharedData;
import org.convkit.ecg.beats.BeatClassifier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Records per second of the ECG job on local[1] and local[2] against Classify ECG Folder's loop in
 * one JVM on the same records, in one run, with the job's fixed costs (README: Spark):
 * {@code bin/spark-submit-local --class org.convkit.spark.EcgBenchmark spark/target/convkit-spark-*.jar [folder] [records]}.
 * In local mode the executor is this JVM: the SparkSession's start, the ConvKit runtime's (engine
 * and model, timed on their own) and the first job's are what each application and executor of a
 * cluster pays once; the later jobs of one record show the cost of a job beyond its records.
 */
public final class EcgBenchmark {

	private EcgBenchmark() {}

	public static void main(String[] args) throws Exception {
		Path folder = args.length > 0 ? Path.of(args[0]) : SharedData.resolve("mitdb");
		int n = args.length > 1 ? Integer.parseInt(args[1]) : 8;
		List<Path> records;
		try (Stream<Path> files = Files.list(folder)) {
			records = files.filter(p -> p.getFileName().toString().endsWith(".hea")).sorted().limit(n).toList();
		}
		if (records.size() < 2) throw new IllegalArgumentException("folder: " + folder + " holds fewer than 2 WFDB records (.hea)");
		n = records.size();
		System.out.printf(Locale.ROOT, "ECG job benchmark: %d records of %s, %d cores, OMP_NUM_THREADS=%s%n", n, folder,
			Runtime.getRuntime().availableProcessors(), System.getenv("OMP_NUM_THREADS"));

		// the fixed cost of starting a job, in the order an executor pays it: Spark, then ConvKit's runtime and model (once per executor JVM)
		long t = System.nanoTime();
		SparkSession spark = session("local[1]");
		double session = seconds(t);
		t = System.nanoTime();
		BeatClassifier classifier = ExecutorRuntime.classifier(ExecutorRuntime.SHIPPED, spark.sparkContext().hadoopConfiguration());
		double runtime = seconds(t);

		// Classify ECG Folder's loop in this JVM (its per-record code), with the same classifier
		t = System.nanoTime();
		ClassifyEcgFolderCommand.classifyRecord(records.get(0), 360, "", classifier, new ArrayList<>());
		double first = seconds(t);
		t = System.nanoTime();
		for (Path record : records) ClassifyEcgFolderCommand.classifyRecord(record, 360, "", classifier, new ArrayList<>());
		double single = n / seconds(t);
		System.out.printf(Locale.ROOT, "Classify ECG Folder's loop, one JVM: %.3f records/s (first record %.2f s)%n", single, first);

		Path work = Files.createTempDirectory("convkit-spark-bench-");
		String input = String.join(",", records.stream().map(Path::toString).toList());
		for (String master : List.of("local[1]", "local[2]")) {
			double start = session;
			if (spark == null) {
				t = System.nanoTime();
				spark = session(master);
				start = seconds(t);
			}
			// a job of one record, twice: the first in a session also loads Spark's classes and generates its code
			double[] one = new double[2];
			for (int k = 0; k < 2; k++) {
				t = System.nanoTime();
				ConvKitSpark.run(spark, new String[] {"ecg", "--input", records.get(0).toString(), "--output", work.resolve("one").toString(), "--mode", "overwrite"});
				one[k] = seconds(t);
			}
			t = System.nanoTime();
			ConvKitSpark.run(spark, new String[] {"ecg", "--input", input, "--output", work.resolve("all").toString(), "--mode", "overwrite"});
			double rate = n / seconds(t);
			spark.stop();
			spark = null;
			System.out.printf(Locale.ROOT, "%s: session start %.2f s; a job of 1 record %.2f s the first time, %.2f s the next (per-job cost about %.2f s "
				+ "beyond the record); %d records %.3f records/s, ratio to one JVM %.2f%n", master, start, one[0], one[1], one[1] - 1 / single, n, rate, rate / single);
			if (master.equals("local[1]")) {
				System.out.printf(Locale.ROOT, "fixed cost of starting the job (local[1]): SparkSession %.2f s + ConvKit runtime and model load %.2f s + "
					+ "first job's own start %.2f s = %.2f s%n", session, runtime, one[0] - 1 / single, session + runtime + one[0] - 1 / single);
			}
		}
	}

	private static SparkSession session(String master) {
		return SparkSession.builder().master(master).appName("ConvKit ECG benchmark").config("spark.ui.enabled", "false").getOrCreate();
	}

	private static double seconds(long start) {
		return (System.nanoTime() - start) / 1e9;
	}
}
