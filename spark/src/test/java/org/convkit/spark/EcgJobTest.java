package org.convkit.spark;

import org.apache.spark.sql.Row;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.core.io.SharedData;
import org.convkit.core.runtime.ConvKitRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ECG job on local[2] against Classify ECG Folder on the same folder: the same beats, classes,
 * probabilities and per-record figures; a record that cannot be read is a row with the same error,
 * and the others are classified; reruns into the same output are refused or replace it.
 */
class EcgJobTest {

	/** 101 (sinus rhythm) and 102 (paced): 2 x 30 minutes, about 4,300 beats. */
	private static final List<String> RECORDS = List.of("101", "102");
	private static final Path MITDB = SharedData.resolve("mitdb");

	@RegisterExtension
	static final LocalSpark local = new LocalSpark();

	@TempDir
	Path dir;

	@Test
	void givesTheBeatsOfClassifyEcgFolderAndAnErrorRowForABadRecord() throws Exception {
		assumeTrue(Files.isRegularFile(MITDB.resolve("102.dat")), "MIT-BIH records 101 and 102: " + SharedData.missing(MITDB.resolve("102.dat")));
		Path in = Files.createDirectories(dir.resolve("in"));
		for (String r : RECORDS) {
			for (String ext : List.of(".hea", ".dat", ".atr")) Files.copy(MITDB.resolve(r + ext), in.resolve(r + ext));
		}
		// a header whose signal file is not there
		Files.writeString(in.resolve("bad.hea"), Files.readString(MITDB.resolve("101.hea")).replace("101", "bad"));

		Path folderOut = Files.createDirectories(dir.resolve("folder-out"));
		long start = System.nanoTime();
		Map<String, Object> outputs;
		try (Context context = new Context()) {
			CommandExecutor commands = new CommandExecutor(context);
			outputs = commands.execute(commands.find("Classify ECG Folder"), new HashMap<>(Map.of("folder", in.toFile(), "output_folder", folderOut.toFile()))).outputs();
		}
		long loads = ConvKitRuntime.get().models().loadCount();
		// the command's own outputs beside the records are not records
		Files.copy(folderOut.resolve("summary.csv"), in.resolve("summary.csv"));
		Files.copy(folderOut.resolve("101_beats.csv"), in.resolve("101_beats.csv"));
		long folderDone = System.nanoTime();

		Path out = dir.resolve("spark-out");
		Map<String, Long> statuses = ConvKitSpark.run(local.session(), new String[] {"ecg", "--input", in.toString(), "--output", out.toString()});
		assertEquals(Map.of("ok", 2L, "failed", 1L), statuses);
		System.out.printf(Locale.ROOT, "Classify ECG Folder %.1f s, the Spark job (local[2]) %.1f s on %s and a bad record%n", (folderDone - start) / 1e9,
			(System.nanoTime() - folderDone) / 1e9, RECORDS);
		assertEquals(loads, ConvKitRuntime.get().models().loadCount(), "the tasks reuse the JVM's model, loaded once");

		// beats: partitioned by record, equal to <record>_beats.csv field for field (as the CSV rounds them)
		assertTrue(Files.isDirectory(out.resolve("beats/record=101")) && Files.isDirectory(out.resolve("beats/record=102")));
		assertFalse(Files.exists(out.resolve("beats/record=bad")), "a failed record has no beats");
		for (String r : RECORDS) {
			List<String> expected = Files.readAllLines(folderOut.resolve(r + "_beats.csv"));
			List<Row> rows = local.session().read().parquet(out.resolve("beats").toString()).where("record = '" + r + "'").orderBy("beat").collectAsList();
			assertEquals(expected.size() - 1, rows.size(), "beats of " + r);
			for (int i = 0; i < rows.size(); i++) assertEquals(expected.get(i + 1), csvLine(rows.get(i)), r + ", beat " + (i + 1));
		}

		// records: Classify ECG Folder's summary.csv figures, and the bad record's error
		List<String> summary = Files.readAllLines(folderOut.resolve("summary.csv"));
		List<Row> records = local.session().read().parquet(out.resolve("records").toString()).orderBy("record").collectAsList();
		assertEquals(List.of("101", "102", "bad"), records.stream().map(row -> row.<String>getAs("record")).toList());
		for (int k = 0; k < 2; k++) assertEquals(summary.get(k + 1).replaceFirst("^\\d+\\.hea,", ""), summaryLine(records.get(k)));
		Row bad = records.get(2);
		assertEquals("failed", bad.getAs("status"));
		String error = bad.getAs("error");
		assertTrue(error.contains("bad.dat"), error);
		assertTrue(outputs.get("summary").toString().contains("bad.hea: " + error), "the same error as the command's: " + outputs.get("summary"));

		// a rerun into the same output is refused before any work; --mode overwrite replaces it (here as CSV)
		IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
			() -> ConvKitSpark.run(local.session(), new String[] {"ecg", "--input", in.resolve("bad.hea").toString(), "--output", out.toString()}));
		assertEquals(String.format(JobOutput.EXISTS, "file:" + out), refused.getMessage());
		ConvKitSpark.run(local.session(), new String[] {"ecg", "--input", in.resolve("bad.hea").toString(), "--output", out.toString(), "--mode", "overwrite", "--format", "csv"});
		List<Row> replaced = local.session().read().option("header", "true").csv(out.resolve("records").toString()).collectAsList();
		assertEquals(1, replaced.size());
		assertEquals("bad", replaced.get(0).getAs("record"));
		assertEquals(error, replaced.get(0).getAs("error"));
		try (var left = Files.list(dir)) {
			assertEquals(List.of("folder-out", "in", "spark-out"), left.map(p -> p.getFileName().toString()).sorted().toList(), "no staging folder is left");
		}
	}

	@Test
	void refusesBadOptionsNamingThem() {
		assertEquals("--input: required", assertThrows(IllegalArgumentException.class,
			() -> ConvKitSpark.run(local.session(), new String[] {"ecg", "--output", dir.resolve("o").toString()})).getMessage());
		assertEquals(String.format(InputFiles.NOTHING, dir.resolve("none*"), ".csv, .edf, .hea"), assertThrows(IllegalArgumentException.class,
			() -> ConvKitSpark.run(local.session(), new String[] {"ecg", "--input", dir.resolve("none*").toString(), "--output", dir.resolve("o").toString()})).getMessage());
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ConvKitSpark.run(local.session(), new String[] {"ecg", "--bogus", "1"})).getMessage()
			.startsWith("--bogus: unknown option; expected one of [--input, --output"));
		assertEquals("--format: expected one of [parquet, csv], got 'json'", assertThrows(IllegalArgumentException.class,
			() -> ConvKitSpark.run(local.session(), new String[] {"ecg", "--input", "x", "--output", "y", "--format", "json"})).getMessage());
	}

	/** A beats row as Classify ECG Folder writes it in {@code <record>_beats.csv}. */
	private static String csvLine(Row b) {
		List<String> f = new ArrayList<>(List.of(b.getAs("record"), b.getAs("lead"), b.getAs("beat").toString(), b.getAs("sample").toString(),
			String.format(Locale.ROOT, "%.4f", b.<Double>getAs("time_s")), String.format(Locale.ROOT, "%.4f", b.<Float>getAs("rr_previous_s")),
			String.format(Locale.ROOT, "%.4f", b.<Float>getAs("rr_next_s")), b.getAs("atrial_fibrillation").toString(), b.getAs("paced").toString(), b.getAs("class")));
		for (String c : List.of("p_N", "p_S", "p_V", "p_F", "p_Q")) f.add(String.format(Locale.ROOT, "%.5f", b.<Float>getAs(c)));
		f.add(b.getAs("reference") == null ? "" : b.getAs("reference"));
		return String.join(",", f);
	}

	/** A records row as summary.csv holds it, after the record's file name. */
	private static String summaryLine(Row r) {
		return String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%.6f,", r.getAs("status"), r.<Integer>getAs("beats"), r.<Integer>getAs("N"),
			r.<Integer>getAs("S"), r.<Integer>getAs("V"), r.<Integer>getAs("F"), r.<Integer>getAs("Q"), r.<Integer>getAs("atrial_fibrillation_beats"),
			r.<Integer>getAs("paced_beats"), r.<Integer>getAs("reference_beats"), r.<Double>getAs("accuracy"));
	}
}
