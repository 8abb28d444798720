package org.convkit.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.convkit.ct.net.VolumeModel;
import org.convkit.face.FaceMatcher;
import org.convkit.face.FacePipeline;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The jobs' entry point for {@code spark-submit}: {@code ecg}, {@code faces} or {@code volumes}, then its options
 * (README: Spark). Bad options and inputs end the application with one line naming the option and
 * exit code 2 before any work; records or images that cannot be read become rows, not failures.
 */
public final class ConvKitSpark {

	static final String USAGE = "usage: spark-submit [spark options] convkit-spark.jar ecg|faces|volumes --input PATHS --output FOLDER [options] (README: Spark)";
	static final List<String> COMMON = List.of("--input", "--output", "--format", "--mode", "--partitions");
	static final List<String> MODES = List.of("error", "overwrite");
	static final List<String> FORMATS = List.of("parquet", "csv");

	private ConvKitSpark() {}

	public static void main(String[] args) {
		SparkSession spark = SparkSession.builder().appName("ConvKit " + (args.length > 0 ? args[0] : "")).getOrCreate();
		try {
			Map<String, Long> statuses = run(spark, args);
			System.out.println("ConvKit " + args[0] + ": " + statuses);
		}
		catch (IllegalArgumentException | IOException e) {
			// bad input, as ConvKit's command line: one line naming the option or file, exit status 2
			System.err.println(e.getMessage());
			spark.stop();
			System.exit(2);
		}
		spark.stop();
	}

	/**
	 * Runs a job on this session.
	 *
	 * @return the number of records (ecg), rows (faces) or volumes (volumes) per status
	 */
	static Map<String, Long> run(SparkSession spark, String[] args) throws IOException {
		if (args.length == 0) throw new IllegalArgumentException(USAGE);
		Configuration conf = spark.sparkContext().hadoopConfiguration();
		int parallelism = spark.sparkContext().defaultParallelism();
		switch (args[0].toLowerCase(Locale.ROOT)) {
			case "ecg" -> {
				JobOptions o = new JobOptions(args, 1, with("--model", "--lead", "--frequency"), List.of("--no-partition"));
				String model = o.get("--model", ExecutorRuntime.SHIPPED);
				ExecutorRuntime.model(model, conf);
				double frequency = o.number("--frequency", 360);
				if (!(frequency > 0)) throw new IllegalArgumentException("--frequency: expected a positive sampling frequency in Hz, got " + frequency);
				JobOutput output = output(o, conf);
				List<String> records = EcgJob.records(o.required("--input"), conf);
				EcgJob job = new EcgJob(conf, model, frequency, o.get("--lead", ""));
				return EcgJob.run(spark, job, records, partitions(o, parallelism), output, !o.flag("--no-partition"));
			}
			case "faces" -> {
				JobOptions o = new JobOptions(args, 1, with("--gallery", "--tau", "--face-mode", "--min-score", "--input-size"), List.of());
				double tau = o.number("--tau", FaceMatcher.DEFAULT_TAU);
				FacePipeline.Options options = new FacePipeline.Options(FacePipeline.Mode.fromKey(o.get("--face-mode", "detect")),
					o.number("--min-score", 0.5), (int) o.number("--input-size", 416));
				FaceJob.Gallery gallery = FaceJob.readGallery(o.required("--gallery"), conf);
				JobOutput output = output(o, conf);
				List<String> images = InputFiles.list(o.required("--input"), FaceJob.EXTENSIONS, true, conf);
				FaceJob job = new FaceJob(conf, spark.sparkContext().broadcast(gallery, scala.reflect.ClassTag$.MODULE$.apply(FaceJob.Gallery.class)), tau, options);
				var faces = job.recognize(spark, images, partitions(o, parallelism)).cache();
				try {
					output.add("faces", faces, List.of()).write();
					Map<String, Long> statuses = new java.util.TreeMap<>();
					for (var r : faces.groupBy("status").count().collectAsList()) statuses.put(r.getString(0), r.getLong(1));
					return statuses;
				}
				finally {
					faces.unpersist();
				}
			}
			case "volumes" -> {
				JobOptions o = new JobOptions(args, 1, with("--model", "--tile-size"), List.of());
				VolumeJob.ShippedModel shipped = VolumeJob.ShippedModel.read(o.required("--model"), conf);
				VolumeModel model = shipped.open();
				long tile = VolumeJob.tile(model, o.number("--tile-size", 0));
				JobOutput output = output(o, conf);
				List<String> volumes = VolumeJob.volumes(o.required("--input"), conf);
				VolumeJob job = new VolumeJob(conf, spark.sparkContext().broadcast(shipped, scala.reflect.ClassTag$.MODULE$.apply(VolumeJob.ShippedModel.class)),
					model.task(), tile, output.files(VolumeJob.NIFTI));
				// one task per volume by default: a volume is minutes of work, and tasks balance the executors
				return VolumeJob.run(spark, job, volumes, partitionsOr(o, volumes.size()), output);
			}
			default -> throw new IllegalArgumentException("job: expected ecg, faces or volumes, got '" + args[0] + "'; " + USAGE);
		}
	}

	private static List<String> with(String... own) {
		List<String> all = new java.util.ArrayList<>(COMMON);
		all.addAll(List.of(own));
		return all;
	}

	private static JobOutput output(JobOptions o, Configuration conf) throws IOException {
		return new JobOutput(o.required("--output"), o.choice("--mode", "error", MODES), o.choice("--format", "parquet", FORMATS), conf);
	}

	/** Tasks: --partitions, else 4 per core of the application, so a slow record does not hold up the rest. */
	private static int partitions(JobOptions o, int parallelism) {
		return partitionsOr(o, 4.0 * parallelism);
	}

	private static int partitionsOr(JobOptions o, double fallback) {
		double n = o.number("--partitions", fallback);
		if (!(n >= 1)) throw new IllegalArgumentException("--partitions: expected a positive number of tasks, got " + n);
		return (int) n;
	}
}
