package org.convkit.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Where a job writes its tables: one folder ({@code --output}) holding a folder per table, in Parquet
 * or CSV (with a header line), and folders of files the tasks write themselves ({@link #files}: the
 * volume job's NIfTI volumes). Tables are written through Spark's output committer into a staging
 * folder beside the output (a retried task's files replace its failed attempt's, so no row is lost
 * or doubled); the tasks' files go into the same staging folder, each under a hidden name and renamed
 * when complete, and whatever a dead attempt left half-written is deleted; the staging folder becomes
 * the output by rename only when every table is complete. An existing output is refused
 * ({@code --mode error}, the default) before any work, or replaced ({@code --mode overwrite}): moved
 * aside, the new one renamed in, the old one deleted, so readers see the old or the new output, never
 * a mix (renames are atomic on HDFS and local file systems; on object stores such as S3 a rename is a
 * copy, and the job says so in README).
 */
final class JobOutput {

	static final String EXISTS = "--output: %s already exists; choose another output, or --mode overwrite to replace it";
	/** The prefix of a file being written into a {@link #files} folder. */
	static final String HIDDEN = ".";

	private final Path output;
	private final Path staging;
	private final FileSystem fs;
	private final boolean overwrite;
	private final String format;
	private final Map<String, Table> tables = new LinkedHashMap<>();
	private final List<String> files = new java.util.ArrayList<>();

	private record Table(Dataset<Row> rows, List<String> partitionBy) {}

	JobOutput(String output, String mode, String format, Configuration conf) throws IOException {
		this.output = new Path(output);
		this.fs = this.output.getFileSystem(conf);
		this.overwrite = mode.equals("overwrite");
		this.format = format;
		this.staging = new Path(fs.makeQualified(this.output).getParent(), "." + this.output.getName() + ".convkit-" + UUID.randomUUID());
		checkFree();
	}

	/** Refuses an existing output unless it is to be replaced: asked before the job and again before the rename. */
	void checkFree() throws IOException {
		if (!overwrite && fs.exists(output)) throw new IllegalArgumentException(String.format(EXISTS, fs.makeQualified(output)));
	}

	JobOutput add(String name, Dataset<Row> rows, List<String> partitionBy) {
		tables.put(name, new Table(rows, partitionBy));
		return this;
	}

	/**
	 * A folder of the output that the tasks fill with files of their own, while the tables are
	 * written: its place in the staging folder (a fully qualified URI, for the executors). Each file
	 * must appear by rename once complete ({@link #HIDDEN} names before); hidden files left by dead
	 * attempts are deleted before the output is put in place.
	 */
	String files(String name) {
		files.add(name);
		return new Path(staging, name).toString();
	}

	/** Writes every table, then puts the result in place of the output. */
	void write() throws IOException {
		Path parent = staging.getParent();
		try {
			for (Map.Entry<String, Table> t : tables.entrySet()) {
				var writer = t.getValue().rows().write().mode(SaveMode.ErrorIfExists).format(format);
				if (format.equals("csv")) writer = writer.option("header", "true");
				if (!t.getValue().partitionBy().isEmpty()) writer = writer.partitionBy(t.getValue().partitionBy().toArray(String[]::new));
				writer.save(new Path(staging, t.getKey()).toString());
			}
			for (String folder : files) {
				Path f = new Path(staging, folder);
				if (!fs.exists(f)) continue;
				for (var file : fs.listStatus(f)) if (file.getPath().getName().startsWith(HIDDEN)) fs.delete(file.getPath(), true);
			}
			checkFree();
			Path old = new Path(parent, "." + output.getName() + ".replaced-" + UUID.randomUUID());
			boolean replacing = fs.exists(output);
			if (replacing && !fs.rename(output, old)) throw new IOException("--output: could not move " + output + " aside to replace it");
			if (!fs.rename(staging, output)) {
				if (replacing) fs.rename(old, output);
				throw new IOException("--output: could not rename " + staging + " to " + output);
			}
			if (replacing) fs.delete(old, true);
		}
		finally {
			if (fs.exists(staging)) fs.delete(staging, true);
		}
	}
}
