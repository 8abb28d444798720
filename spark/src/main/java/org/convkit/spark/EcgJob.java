package org.convkit.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.convkit.commands.ecg.ClassifyEcgFolderCommand;
import org.convkit.ecg.beats.AamiClass;
import org.convkit.ecg.beats.BeatClassifier;
import org.convkit.ecg.beats.BeatEvaluation;
import org.convkit.ecg.beats.ClassifiedBeats;
import org.convkit.ecg.io.WfdbHeader;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

/**
 * The ECG job: every record of the input (WFDB {@code .hea} with its signal files and {@code .atr}
 * reference, EDF/EDF+, CSV) detected and classified exactly as Classify ECG Folder does it
 * ({@link ClassifyEcgFolderCommand#classifyRecord}), on the executors, with the model loaded once
 * per executor. Two tables: {@code beats} (one row per beat, partitioned by record) and
 * {@code records} (one row per record: counts per class, accuracy against the reference where there
 * is one, or the error that stopped the record; a bad record never stops the job).
 */
final class EcgJob implements Serializable {

	private static final long serialVersionUID = 1L;

	static final Set<String> EXTENSIONS = Set.of("hea", "edf", "csv");
	static final String SAME_NAME = "--input: %s and %s are both record '%s'; the beats table is partitioned by record, so classify them apart";

	static final StructType BEAT = new StructType(new StructField[] {
		field("beat", DataTypes.IntegerType), field("sample", DataTypes.LongType), field("time_s", DataTypes.DoubleType),
		field("rr_previous_s", DataTypes.FloatType), field("rr_next_s", DataTypes.FloatType),
		field("atrial_fibrillation", DataTypes.BooleanType), field("paced", DataTypes.BooleanType), field("class", DataTypes.StringType),
		field("p_N", DataTypes.FloatType), field("p_S", DataTypes.FloatType), field("p_V", DataTypes.FloatType), field("p_F", DataTypes.FloatType),
		field("p_Q", DataTypes.FloatType), field("reference", DataTypes.StringType) });

	/** The records table's columns (Classify ECG Folder's summary.csv, with the file and lead), then the beats. */
	static final List<String> RECORD_COLUMNS = List.of("record", "file", "status", "lead", "beats", "N", "S", "V", "F", "Q", "atrial_fibrillation_beats",
		"paced_beats", "reference_beats", "accuracy", "error", "warnings");

	static final StructType RECORD = new StructType(new StructField[] {
		field("record", DataTypes.StringType), field("file", DataTypes.StringType), field("status", DataTypes.StringType),
		field("lead", DataTypes.StringType), field("beats", DataTypes.IntegerType), field("N", DataTypes.IntegerType),
		field("S", DataTypes.IntegerType), field("V", DataTypes.IntegerType), field("F", DataTypes.IntegerType), field("Q", DataTypes.IntegerType),
		field("atrial_fibrillation_beats", DataTypes.IntegerType), field("paced_beats", DataTypes.IntegerType),
		field("reference_beats", DataTypes.IntegerType), field("accuracy", DataTypes.DoubleType), field("error", DataTypes.StringType),
		field("warnings", DataTypes.StringType), field("beat_rows", DataTypes.createArrayType(BEAT, false)) });

	private final HadoopConf conf;
	private final String model;
	private final double frequency;
	private final String lead;

	EcgJob(Configuration conf, String model, double frequency, String lead) {
		this.conf = new HadoopConf(conf);
		this.model = model;
		this.frequency = frequency;
		this.lead = lead;
	}

	private static StructField field(String name, org.apache.spark.sql.types.DataType type) {
		return DataTypes.createStructField(name, type, true);
	}

	/**
	 * The records of an input (paths or globs, commas between them; a folder: its records, not
	 * Classify ECG Folder's CSV outputs), refused when two share a name.
	 */
	static List<String> records(String input, Configuration conf) throws IOException {
		List<String> files = InputFiles.list(input, EXTENSIONS, false, conf).stream()
			.filter(f -> !ClassifyEcgFolderCommand.isOwnOutput(new org.apache.hadoop.fs.Path(f).getName())).toList();
		if (files.isEmpty()) throw new IllegalArgumentException(String.format(InputFiles.NOTHING, input, "ECG record"));
		Map<String, String> names = new HashMap<>();
		for (String file : files) {
			String name = InputFiles.baseName(new org.apache.hadoop.fs.Path(file).getName());
			String other = names.putIfAbsent(name, file);
			if (other != null) throw new IllegalArgumentException(String.format(SAME_NAME, other, file, name));
		}
		return files;
	}

	/**
	 * One row per record, its beats nested ({@link #RECORD}); {@code partitions} tasks (more than the
	 * executors' cores, so a slow record does not hold the others back).
	 */
	Dataset<Row> classify(SparkSession spark, List<String> records, int partitions) {
		JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(records, Math.max(1, Math.min(partitions, records.size())))
			.map(this::classify);
		return spark.createDataFrame(rows, RECORD);
	}

	/** The beats table (one row per beat, the record and lead first) of {@link #classify}'s rows. */
	static Dataset<Row> beats(Dataset<Row> records) {
		List<org.apache.spark.sql.Column> columns = new ArrayList<>(List.of(col("record"), col("lead")));
		for (String f : BEAT.fieldNames()) columns.add(col("b." + f).as(f));
		return records.select(col("record"), col("lead"), explode(col("beat_rows")).as("b")).select(columns.toArray(org.apache.spark.sql.Column[]::new));
	}

	/** The records table of {@link #classify}'s rows. */
	static Dataset<Row> summary(Dataset<Row> records) {
		return records.select(RECORD_COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new));
	}

	/**
	 * Runs the job and writes both tables (beats partitioned by record unless {@code partitionBeats}
	 * is false); the records are classified once (kept by Spark between the two writes).
	 *
	 * @return the number of records per status (ok, failed)
	 */
	static Map<String, Long> run(SparkSession spark, EcgJob job, List<String> records, int partitions, JobOutput output, boolean partitionBeats)
		throws IOException {
		Dataset<Row> classified = job.classify(spark, records, partitions).persist(StorageLevel.MEMORY_AND_DISK());
		try {
			output.add("beats", beats(classified), partitionBeats ? List.of("record") : List.of()).add("records", summary(classified).coalesce(1), List.of()).write();
			Map<String, Long> statuses = new java.util.TreeMap<>();
			for (Row r : classified.groupBy("status").count().collectAsList()) statuses.put(r.getString(0), r.getLong(1));
			return statuses;
		}
		finally {
			classified.unpersist();
		}
	}

	/** One record on an executor: classified, or a row with the error that stopped it. */
	Row classify(String file) {
		String name = InputFiles.baseName(new org.apache.hadoop.fs.Path(file).getName());
		List<String> warnings = new ArrayList<>();
		try (LocalCopies copies = new LocalCopies(conf.get())) {
			BeatClassifier classifier = ExecutorRuntime.classifier(model, conf.get());
			ClassifiedBeats result = ClassifyEcgFolderCommand.classifyRecord(local(copies, file), frequency, lead, classifier, warnings);
			int[] counts = result.counts();
			BeatEvaluation e = result.evaluation();
			List<Row> beats = new ArrayList<>(result.size());
			for (int i = 0; i < result.size(); i++) beats.add(beat(result, i));
			return RowFactory.create(name, file, "ok", result.lead(), result.size(), counts[0], counts[1], counts[2], counts[3], counts[4],
				result.atrialFibrillationBeats(), result.paced().pacedBeats(), Math.toIntExact(e.total()), e.total() > 0 ? e.accuracy() : null, null,
				String.join("\n", warnings), beats.toArray(Row[]::new));
		}
		catch (IOException | RuntimeException e) {
			// as Classify ECG Folder: whatever stopped this record is its row, and the job goes on
			String error = e.getMessage() == null ? e.toString() : e.getMessage();
			return RowFactory.create(name, file, "failed", null, null, null, null, null, null, null, null, null, null, null, error,
				String.join("\n", warnings), new Row[0]);
		}
	}

	private static Row beat(ClassifiedBeats result, int i) {
		float[] rr = result.beats().rr(i);
		Object[] v = new Object[BEAT.size()];
		v[0] = i + 1;
		v[1] = result.frame(i);
		v[2] = result.frame(i) / result.frameFrequency();
		v[3] = rr[0];
		v[4] = rr[1];
		v[5] = result.beats().inAtrialFibrillation(i);
		v[6] = result.paced().isPaced(i);
		v[7] = result.predicted(i).name();
		for (AamiClass c : AamiClass.values()) v[8 + c.ordinal()] = result.probability(i, c);
		v[13] = result.beats().isLabelled(i) ? result.beats().label(i).name() : null;
		return RowFactory.create(v);
	}

	/** The record where EcgFiles can read it: in place on a local file system, else {@link #copyRecord}. */
	private static java.nio.file.Path local(LocalCopies copies, String file) throws IOException {
		java.nio.file.Path local = copies.local(file);
		return local != null ? local : copyRecord(copies, file);
	}

	/**
	 * A copy of a record: the file, and for a WFDB header the signal files it names and its
	 * {@code .atr} reference when there is one (a missing signal file is reported by the reader, naming it).
	 */
	static java.nio.file.Path copyRecord(LocalCopies copies, String file) throws IOException {
		java.nio.file.Path record = copies.copy(file, false);
		if (InputFiles.extension(file).equals("hea")) {
			for (WfdbHeader.Signal signal : WfdbHeader.parse(record).signals()) copies.copy(LocalCopies.sibling(file, signal.fileName()), true);
			copies.copy(LocalCopies.sibling(file, InputFiles.baseName(record.getFileName().toString()) + ".atr"), true);
		}
		return record;
	}
}
