package org.convkit.commands.ecg;

import ij.measure.ResultsTable;
import org.convkit.commands.HeadlessCommands;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.core.io.OutputFiles;
import org.convkit.ecg.Annotation;
import org.convkit.ecg.beats.BeatModel;
import org.convkit.ecg.beats.ClassifiedBeats;
import org.convkit.ecg.io.WfdbAnnotations;
import org.convkit.ij.io.ImageFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The ECG commands on odd but plausible input, with records written here (no MIT-BIH data needed):
 * outputs that are inputs or exist, records without beats or samples, damaged models, and the
 * messages each gives.
 */
class EcgCommandsReliabilityTest {

	@RegisterExtension
	static final HeadlessCommands commands = new HeadlessCommands();

	@TempDir
	Path dir;

	// ---- records written here

	/** The synthetic 20 s, 75 bpm lead of {@link EcgCommandsTest#writeSyntheticCsv} as samples (mV) at 250 Hz. */
	static float[] syntheticSamples() throws IOException {
		Path tmp = Files.createTempFile("synthetic", ".csv");
		try {
			EcgCommandsTest.writeSyntheticCsv(tmp, false);
			List<String> lines = Files.readAllLines(tmp);
			float[] v = new float[lines.size() - 1];
			for (int i = 1; i < lines.size(); i++) v[i - 1] = Float.parseFloat(lines.get(i));
			return v;
		}
		finally {
			Files.delete(tmp);
		}
	}

	/** A one-lead WFDB record (format 16, 200 adu/mV, 250 Hz) with its header's initial value and checksum, and beat annotations when given. */
	static Path writeWfdb(Path folder, String name, float[] mv, long[] beats) throws IOException {
		byte[] data = new byte[mv.length * 2];
		short checksum = 0;
		for (int i = 0; i < mv.length; i++) {
			short v = (short) Math.round(mv[i] * 200);
			data[2 * i] = (byte) v;
			data[2 * i + 1] = (byte) (v >> 8);
			checksum += v;
		}
		Files.write(folder.resolve(name + ".dat"), data);
		int first = mv.length == 0 ? 0 : Math.round(mv[0] * 200);
		Path hea = folder.resolve(name + ".hea");
		Files.writeString(hea, String.format(Locale.ROOT, "%s 1 250 %d\n%s.dat 16 200/mV 12 0 %d %d 0 MLII\n", name, mv.length, name, first, checksum));
		if (beats != null) {
			List<Annotation> list = new ArrayList<>();
			for (long b : beats) list.add(Annotation.of(b, "N"));
			WfdbAnnotations.write(folder.resolve(name + ".atr"), list);
		}
		return hea;
	}

	/** The R peaks of {@link #syntheticSamples()}: 0.4 + 0.8 k s at 250 Hz. */
	static long[] syntheticBeats() {
		long[] beats = new long[25];
		for (int k = 0; k < 25; k++) beats[k] = Math.round((0.4 + 0.8 * k) * 250);
		return beats;
	}

	/** An EDF file of one 'ECG' signal (250 samples per 1 s data record) holding the given number of data records of zeros. */
	static Path writeEdf(Path file, int records) throws IOException {
		StringBuilder h = new StringBuilder();
		h.append(pad("0", 8)).append(pad("X X X X", 80)).append(pad("Startdate X X X X", 80)).append(pad("01.01.26", 8)).append(pad("00.00.00", 8))
			.append(pad("512", 8)).append(pad("", 44)).append(pad(Integer.toString(records), 8)).append(pad("1", 8)).append(pad("1", 4))
			.append(pad("ECG", 16)).append(pad("", 80)).append(pad("mV", 8)).append(pad("-3.2768", 8)).append(pad("3.2767", 8))
			.append(pad("-32768", 8)).append(pad("32767", 8)).append(pad("", 80)).append(pad("250", 8)).append(pad("", 32));
		byte[] header = h.toString().getBytes(StandardCharsets.US_ASCII);
		byte[] bytes = Arrays.copyOf(header, header.length + records * 500);
		return Files.write(file, bytes);
	}

	private static String pad(String s, int width) {
		return s + " ".repeat(width - s.length());
	}

	static Path flatCsv(Path file, int samples) throws IOException {
		return Files.writeString(file, "MLII (mV)\n" + "0.0\n".repeat(samples));
	}

	private static Map<String, Object> inputs(Object... keysAndValues) {
		Map<String, Object> map = new HashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
		return map;
	}

	private static String failure(String command, Object... keysAndValues) {
		return assertThrows(CommandFailedException.class, () -> commands.run(command, inputs(keysAndValues))).getMessage();
	}

	// ---- 1. outputs: never an input, never an existing file unless overwrite

	@Test
	void classifyRefusesToWriteOverTheRecordsOwnFiles() throws Exception {
		Path hea = writeWfdb(dir, "rec", syntheticSamples(), syntheticBeats());
		Path atr = dir.resolve("rec.atr"), dat = dir.resolve("rec.dat");
		byte[] reference = Files.readAllBytes(atr);
		for (boolean overwrite : new boolean[] {false, true}) {
			assertEquals(String.format(OutputFiles.IS_INPUT, "output_annotations", atr, "rec.atr"),
				failure("Classify ECG Beats", "record", hea.toFile(), "output_annotations", atr.toFile(), "overwrite", overwrite));
			assertEquals(String.format(OutputFiles.IS_INPUT, "output_csv", dat, "rec.dat"),
				failure("Classify ECG Beats", "record", hea.toFile(), "output_csv", dat.toFile(), "overwrite", overwrite));
			assertEquals(String.format(OutputFiles.IS_INPUT, "output_csv", hea, "rec.hea"),
				failure("Classify ECG Beats", "record", hea.toFile(), "output_csv", hea.toFile(), "overwrite", overwrite));
			assertEquals(String.format(OutputFiles.IS_INPUT, "output_annotations", atr, "rec.atr"),
				failure("Detect QRS Complexes", "record", hea.toFile(), "output_annotations", atr.toFile(), "overwrite", overwrite));
		}
		assertArrayEquals(reference, Files.readAllBytes(atr), "the reference annotations are untouched");

		Path csv = dir.resolve("rec_beats.csv"), cnn = dir.resolve("rec.cnn");
		assertEquals(String.format(EcgCommandSupport.SAME_OUTPUT, "output_annotations", csv, "output_csv"),
			failure("Classify ECG Beats", "record", hea.toFile(), "output_csv", csv.toFile(), "output_annotations", csv.toFile()));
		Map<String, Object> out = commands.run("Classify ECG Beats", inputs("record", hea.toFile(), "output_csv", csv.toFile(), "output_annotations", cnn.toFile()));
		int beats = ((ResultsTable) out.get("classified")).size();
		assertEquals(23, beats, "25 beats less the first and the last");
		byte[] written = Files.readAllBytes(csv);
		// a second run is refused before any work, and leaves the file as it was
		Files.writeString(csv, "mine");
		assertEquals(String.format(OutputFiles.EXISTS, "output_csv", csv),
			failure("Classify ECG Beats", "record", hea.toFile(), "output_csv", csv.toFile()));
		assertEquals("mine", Files.readString(csv));
		assertEquals(String.format(OutputFiles.EXISTS, "output_annotations", cnn),
			failure("Classify ECG Beats", "record", hea.toFile(), "output_annotations", cnn.toFile()));
		commands.run("Classify ECG Beats", inputs("record", hea.toFile(), "output_csv", csv.toFile(), "output_annotations", cnn.toFile(), "overwrite", true));
		assertArrayEquals(written, Files.readAllBytes(csv));
		assertEquals(beats, WfdbAnnotations.read(cnn).size());

		Path qrs = dir.resolve("rec.qrs");
		commands.run("Detect QRS Complexes", inputs("record", hea.toFile(), "output_annotations", qrs.toFile()));
		assertEquals(String.format(OutputFiles.EXISTS, "output_annotations", qrs),
			failure("Detect QRS Complexes", "record", hea.toFile(), "output_annotations", qrs.toFile()));
		Map<String, Object> again = commands.run("Detect QRS Complexes", inputs("record", hea.toFile(), "output_annotations", qrs.toFile(), "overwrite", true));
		assertEquals(25, ((ResultsTable) again.get("beats")).size());
		assertEquals(25, WfdbAnnotations.read(qrs).size());
	}

	@Test
	void evaluateAndTrainRefuseExistingOutputsBeforeAnyWork() throws Exception {
		Path data = Files.createDirectories(dir.resolve("data"));
		writeWfdb(data, "a", syntheticSamples(), syntheticBeats());
		writeWfdb(data, "b", syntheticSamples(), syntheticBeats());
		Path csv = Files.writeString(dir.resolve("evaluation.csv"), "mine");
		assertEquals(String.format(OutputFiles.EXISTS, "output_csv", csv), failure("Evaluate ECG Classifier", "folder", data.toFile(), "output_csv", csv.toFile()));
		Path atr = data.resolve("b.atr");
		assertEquals(String.format(OutputFiles.IS_INPUT, "output_csv", atr, "b.atr"),
			failure("Evaluate ECG Classifier", "folder", data.toFile(), "output_csv", atr.toFile(), "overwrite", true));
		Map<String, Object> scored = commands.run("Evaluate ECG Classifier", inputs("folder", data.toFile(), "output_csv", csv.toFile(), "overwrite", true));
		assertTrue(((String) scored.get("summary")).startsWith("2 records, detected beats, the shipped MIT-BIH DS1 model: "), (String) scored.get("summary"));
		assertTrue(Files.readString(csv).startsWith("class,beats,tp,fn,fp,se,ppv,f1\n"));

		Path model = Files.createDirectories(dir.resolve("model"));
		Files.writeString(model.resolve("notes.txt"), "mine");
		assertEquals(String.format(TrainEcgClassifierCommand.MODEL_NOT_EMPTY, model, "notes.txt"),
			failure("Train ECG Classifier", "folder", data.toFile(), "records", "a", "calibration_folds", 0, "model", model.toFile()));
		Path file = Files.writeString(dir.resolve("model.txt"), "mine");
		assertEquals(String.format(TrainEcgClassifierCommand.MODEL_IS_FILE, file),
			failure("Train ECG Classifier", "folder", data.toFile(), "records", "a", "calibration_folds", 0, "model", file.toFile(), "overwrite", true));
		// the dominant-beat reference needs a record of 100 beats: refused before training, nothing written
		// (the first and last annotated beats have no whole window)
		assertEquals(String.format(TrainEcgClassifierCommand.NO_REFERENCE_RECORD, 100, "[a]", syntheticBeats().length - 2),
			failure("Train ECG Classifier", "folder", data.toFile(), "records", "a", "calibration_folds", 0, "model", model.toFile(), "overwrite", true));
		assertEquals(List.of("notes.txt"), list(model));
		// with overwrite the model is saved beside the user's file, which stays
		Map<String, Object> trained = commands.run("Train ECG Classifier", inputs("folder", data.toFile(), "records", "a", "validation_records", "b",
			"calibration_folds", 0, "epochs", 1, "networks", 1, "record_adaptation", "off", "model", model.toFile(), "overwrite", true));
		assertTrue(((String) trained.get("summary")).startsWith("trained 1 network on "), (String) trained.get("summary"));
		assertEquals("a", BeatModel.open(model).property("training.records"));
		assertEquals("mine", Files.readString(model.resolve("notes.txt")));
		// a model folder that is the data folder: its record files are never model files, and a non-empty folder is refused anyway
		assertEquals(String.format(TrainEcgClassifierCommand.MODEL_NOT_EMPTY, data, "a.atr, a.dat, a.hea, ..."),
			failure("Train ECG Classifier", "folder", data.toFile(), "records", "a", "calibration_folds", 0, "model", data.toFile()));
	}

	@Test
	void aFolderBatchRefusesExistingOutputsUpFrontAndCountsFailedRecords() throws Exception {
		Path in = Files.createDirectories(dir.resolve("in")), out = Files.createDirectories(dir.resolve("out"));
		EcgCommandsTest.writeSyntheticCsv(in.resolve("a.csv"), true);
		writeWfdb(in, "b", syntheticSamples(), syntheticBeats());
		flatCsv(in.resolve("flat.csv"), 2500);
		writeEdf(in.resolve("empty.edf"), 0);
		Files.writeString(in.resolve("broken.hea"), "broken 1 250 100\nbroken.dat 16 200/mV 12 0 0 0 0 MLII\n"); // no signal file

		Files.writeString(out.resolve("summary.csv"), "mine");
		assertEquals(String.format(OutputFiles.EXISTS, "output_folder", out.resolve("summary.csv")),
			failure("Classify ECG Folder", "folder", in.toFile(), "output_folder", out.toFile()));
		Files.delete(out.resolve("summary.csv"));
		Files.writeString(out.resolve("b_beats.csv"), "mine");
		assertEquals(String.format(OutputFiles.EXISTS, "output_folder", out.resolve("b_beats.csv")),
			failure("Classify ECG Folder", "folder", in.toFile(), "output_folder", out.toFile()));
		assertEquals(List.of("b_beats.csv"), list(out), "refused before any record was read");

		CommandExecutor.Result result = commands.executor().execute(commands.executor().find("Classify ECG Folder"),
			inputs("folder", in.toFile(), "output_folder", out.toFile(), "overwrite", true));
		assertEquals(2, result.failedItems());
		ResultsTable records = (ResultsTable) result.outputs().get("records");
		assertEquals(5, records.size());
		String emptyEdf = "empty.edf: holds no data records (header field 'number of data records' is 0)"; // the EDF reader's own words
		assertEquals(List.of("a.csv", "b.hea", "broken.hea", "empty.edf", "flat.csv"), column(records, "record"));
		assertEquals(List.of("ok", "ok", "failed", "failed", "ok"), column(records, "status"));
		assertEquals(emptyEdf, records.getStringValue("error", 3));
		assertEquals(0, records.getValue("beats", 4), "a flat record has no beats and is no failure");
		String summary = (String) result.outputs().get("summary");
		String brokenError = records.getStringValue("error", 2);
		assertTrue(brokenError.contains("broken.dat"), brokenError);
		assertEquals("broken.hea: " + brokenError + "\n"
			+ "empty.edf: " + emptyEdf + "\n"
			+ String.format(ClassifyEcgFolderCommand.NO_BEATS, "flat.csv", "MLII") + "\n"
			+ "3 of 5 records classified, 2 failed", summary);
		assertEquals(23, Files.readAllLines(out.resolve("b_beats.csv")).size() - 1);
		assertEquals(List.of(String.join(",", ClassifiedBeats.COLUMNS)), Files.readAllLines(out.resolve("flat_beats.csv")));
		assertFalse(Files.exists(out.resolve("empty_beats.csv")));
		List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
		assertEquals("empty.edf,failed,,,,,,,,,,," + emptyEdf, csv.get(4));

		// two records that would write one CSV file
		EcgCommandsTest.writeSyntheticCsv(in.resolve("b.csv"), true);
		assertEquals(String.format(ClassifyEcgFolderCommand.SAME_NAME, "b.csv", "b.hea", "b_beats.csv"),
			failure("Classify ECG Folder", "folder", in.toFile(), "output_folder", out.toFile(), "overwrite", true));
	}

	private static List<String> list(Path folder) throws IOException {
		try (var files = Files.list(folder)) {
			return files.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}

	private static List<String> column(ResultsTable table, String column) {
		List<String> values = new ArrayList<>();
		for (int i = 0; i < table.size(); i++) values.add(table.getStringValue(column, i));
		return values;
	}

	// ---- 2. records without beats, records without samples

	@Test
	void aFlatRecordGivesNoBeatsAndValidEmptyFiles() throws Exception {
		Path flatWfdb = writeWfdb(dir, "flat", new float[2500], null);
		Path flatCsv = flatCsv(dir.resolve("flatcsv.csv"), 2500);
		for (Path record : List.of(flatWfdb, flatCsv)) {
			String name = record.getFileName().toString().replaceAll("\\..*", "");
			Path csv = dir.resolve(name + "_beats.csv"), cnn = dir.resolve(name + ".cnn");
			Map<String, Object> out = commands.run("Classify ECG Beats", inputs("record", record.toFile(), "frequency", 250.0,
				"output_csv", csv.toFile(), "output_annotations", cnn.toFile()));
			assertEquals(String.format(ClassifyEcgBeatsCommand.NO_BEATS, name, "MLII", "[MLII]"), out.get("summary"));
			ResultsTable table = (ResultsTable) out.get("classified");
			assertEquals(0, table.size());
			assertEquals(ClassifiedBeats.COLUMNS, List.of(table.getHeadings()));
			assertEquals(List.of(String.join(",", ClassifiedBeats.COLUMNS)), Files.readAllLines(csv));
			assertArrayEquals(new byte[] {0, 0}, Files.readAllBytes(cnn), "only the end-of-file marker");
			assertEquals(List.of(), WfdbAnnotations.read(cnn));
			// the command line saves the table as classified.csv: a header line, as output_csv
			Path saved = dir.resolve(name + "-classified.csv");
			ImageFiles.saveCsv(table, saved);
			assertEquals(Files.readAllLines(csv), Files.readAllLines(saved));

			Path qrs = dir.resolve(name + ".qrs");
			Map<String, Object> detected = commands.run("Detect QRS Complexes", inputs("record", record.toFile(), "frequency", 250.0,
				"output_annotations", qrs.toFile(), "evaluate", false));
			assertEquals(String.format(DetectQrsCommand.NO_QRS, name, "MLII", "[MLII]") + "\nwrote 0 annotations to " + qrs.toAbsolutePath(),
				detected.get("summary"));
			ResultsTable beats = (ResultsTable) detected.get("beats");
			assertEquals(0, beats.size());
			assertEquals(List.of("beat", "sample", "time_s", "rr_s", "heart_rate_bpm"), List.of(beats.getHeadings()));
			assertEquals(List.of(), WfdbAnnotations.read(qrs));
		}
	}

	@Test
	void aRecordWithoutSamplesIsRefusedByName() throws Exception {
		Path edf = writeEdf(dir.resolve("empty.edf"), 0);
		assertEquals("record: empty.edf holds no samples (its lead is empty); expected a record with at least one sample of signal",
			String.format(EcgCommandSupport.NO_SAMPLES, "empty.edf", "its lead is empty"));
		// the EDF reader refuses it first, naming the header field (it used to blame start_s)
		String expected = "empty.edf: holds no data records (header field 'number of data records' is 0)";
		assertEquals(expected, failure("Open ECG Record", "record", edf.toFile()));
		assertEquals(expected, failure("Open ECG Record", "record", edf.toFile(), "show_annotations", false));
		assertEquals(expected, failure("Detect QRS Complexes", "record", edf.toFile()));
		assertEquals(expected, failure("Classify ECG Beats", "record", edf.toFile()));
		Path header = Files.writeString(dir.resolve("header.csv"), "time,MLII (mV)\n");
		assertEquals("header.csv: has a header row but no samples", failure("Open ECG Record", "record", header.toFile()));
	}

	@Test
	void readerWarningsAreSummaryLines() {
		org.convkit.ecg.EcgRecord ecg = new org.convkit.ecg.EcgRecord("r", 250, List.of(new org.convkit.ecg.EcgRecord.Lead("MLII", "mV", 250, new float[10])));
		assertEquals("", EcgCommandSupport.warnings(new org.convkit.ecg.EcgFiles.Annotated(ecg, java.util.Optional.empty())));
		assertEquals("\nwarning: r.atr: truncated\nwarning: r.hea: names record q", EcgCommandSupport.warnings(
			new org.convkit.ecg.EcgFiles.Annotated(ecg, java.util.Optional.empty(), List.of("r.atr: truncated", "r.hea: names record q"))));
	}

	// ---- 3. messages naming the parameter and the cause

	@Test
	void outputAndAnnotationFileErrorsNameTheParameter() throws Exception {
		Path csvRecord = EcgCommandsTest.writeSyntheticCsv(dir.resolve("s.csv"), true);
		Path missing = dir.resolve("absent.cnn");
		assertEquals("annotation_file: file not found: " + missing, failure("Open ECG Record", "record", csvRecord.toFile(), "annotation_file", missing.toFile()));
		assertEquals(String.format(OpenEcgRecordCommand.ANNOTATION_FOLDER, dir), failure("Open ECG Record", "record", csvRecord.toFile(), "annotation_file", dir.toFile()));

		Path folder = Files.createDirectories(dir.resolve("a folder"));
		assertEquals("output_csv: " + folder + " is a folder; expected a file name", failure("Classify ECG Beats", "record", csvRecord.toFile(), "output_csv", folder.toFile()));

		Path readOnly = Files.createDirectories(dir.resolve("read-only"));
		Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
		try {
			assertEquals(String.format(EcgCommandSupport.NOT_WRITABLE, "output_csv", readOnly),
				failure("Classify ECG Beats", "record", csvRecord.toFile(), "output_csv", readOnly.resolve("x.csv").toFile()));
			assertEquals(String.format(EcgCommandSupport.NOT_WRITABLE, "output_annotations", readOnly),
				failure("Detect QRS Complexes", "record", csvRecord.toFile(), "output_annotations", readOnly.resolve("x.qrs").toFile()));
			assertEquals(String.format(EcgCommandSupport.NOT_WRITABLE, "output_folder", readOnly),
				failure("Classify ECG Folder", "folder", dir.toFile(), "output_folder", readOnly.toFile()));
		}
		finally {
			Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
		}
		// a read-only file is not replaced, even with overwrite, and the message names the parameter
		Path locked = Files.writeString(dir.resolve("locked.csv"), "mine");
		Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r--r--r--"));
		assertEquals("output_csv: " + locked.toAbsolutePath() + " is read-only; make it writable (chmod u+w) or write to another file",
			failure("Classify ECG Beats", "record", csvRecord.toFile(), "output_csv", locked.toFile(), "overwrite", true));
		assertEquals("mine", Files.readString(locked));
	}

	// ---- 5. one table, one format

	@Test
	void theBeatsTableIsTheCsvFile() throws Exception {
		Path record = EcgCommandsTest.writeSyntheticCsv(dir.resolve("s.csv"), true);
		Path csv = dir.resolve("s_beats.csv");
		Map<String, Object> out = commands.run("Classify ECG Beats", inputs("record", record.toFile(), "output_csv", csv.toFile()));
		ResultsTable table = (ResultsTable) out.get("classified");
		assertEquals(23, table.size());
		assertEquals(ClassifiedBeats.COLUMNS, List.of(table.getHeadings()));
		Path saved = dir.resolve("classified.csv");
		ImageFiles.saveCsv(table, saved); // as the command line writes it
		// ImageJ writes an empty text as "" (the same CSV field as nothing)
		assertEquals(Files.readAllLines(csv), Files.readAllLines(saved).stream().map(l -> l.replaceAll(",\"\"$", ",")).toList());
	}

	// ---- 6. odd input to the other commands

	@Test
	void shortRecordsUnknownLeadsAndNonFiniteFrequencies() throws Exception {
		float[] all = syntheticSamples();
		Path shortCsv = dir.resolve("short.csv");
		StringBuilder text = new StringBuilder("MLII (mV)\n");
		for (int i = 0; i < 475; i++) text.append(all[i]).append('\n'); // 1.9 s: beats at 0.4 and 1.2 s
		Files.writeString(shortCsv, text.toString());
		Map<String, Object> opened = commands.run("Open ECG Record", inputs("record", shortCsv.toFile(), "frequency", 250.0));
		assertTrue(((String) opened.get("info")).startsWith("short: 1 lead, 250 Hz, 1.9 s; showing 0-1.9 s"), (String) opened.get("info"));
		Map<String, Object> detected = commands.run("Detect QRS Complexes", inputs("record", shortCsv.toFile(), "frequency", 250.0));
		ResultsTable found = (ResultsTable) detected.get("beats");
		assertEquals(List.of(0.4, 1.2), column(found, "time_s").stream().map(t -> Math.round(Double.parseDouble(t) * 10) / 10.0).toList(),
			(String) detected.get("summary"));
		Path oneBeat = dir.resolve("one beat.csv");
		Files.writeString(oneBeat, String.join("\n", Files.readAllLines(shortCsv).subList(0, 250)) + "\n"); // 1 s: a beat at 0.4 s
		assertEquals(String.format(DetectQrsCommand.ONE_QRS, "one beat", "MLII") + "\nevaluate: no reference annotations (one beat.atr next to a .hea record); not evaluated",
			commands.run("Detect QRS Complexes", inputs("record", oneBeat.toFile(), "frequency", 250.0)).get("summary"));
		Map<String, Object> classified = commands.run("Classify ECG Beats", inputs("record", shortCsv.toFile(), "frequency", 250.0));
		assertTrue(((ResultsTable) classified.get("classified")).size() <= 1, "at most one beat has beats on both sides");

		Path record = EcgCommandsTest.writeSyntheticCsv(dir.resolve("s.csv"), false);
		assertEquals("lead: s has no lead named 'V5'; leads: [MLII]", failure("Classify ECG Beats", "record", record.toFile(), "frequency", 250.0, "lead", "V5"));
		Path folder = Files.createDirectories(dir.resolve("folder"));
		Files.copy(record, folder.resolve("s.csv"));
		CommandExecutor.Result batch = commands.executor().execute(commands.executor().find("Classify ECG Folder"),
			inputs("folder", folder.toFile(), "output_folder", folder.toFile(), "frequency", 250.0, "lead", "V5"));
		assertEquals(1, batch.failedItems());
		assertEquals("s.csv: lead: s has no lead named 'V5'; leads: [MLII]\n0 of 1 records classified, 1 failed", batch.outputs().get("summary"));
		// a plausible slip, frequency=25 for 250: the detector's 5-15 Hz band does not fit, and the message says so (not "filter: cut-off ...")
		String low = "s.csv: lead MLII is sampled at 25 Hz; detecting QRS complexes needs more than 30 Hz (a CSV file without a time column is sampled at "
			+ "the frequency parameter)";
		assertEquals(low, failure("Detect QRS Complexes", "record", record.toFile(), "frequency", 25.0));
		assertEquals(low, failure("Classify ECG Beats", "record", record.toFile(), "frequency", 25.0));
		CommandExecutor.Result slow = commands.executor().execute(commands.executor().find("Classify ECG Folder"),
			inputs("folder", folder.toFile(), "output_folder", folder.toFile(), "frequency", 25.0, "overwrite", true));
		assertEquals("s.csv: " + low + "\n0 of 1 records classified, 1 failed", slow.outputs().get("summary"));
		assertTrue(((String) commands.run("Open ECG Record", inputs("record", record.toFile(), "frequency", 25.0)).get("info")).startsWith("s: 1 lead, 25 Hz, 200 s;"),
			"a record at any frequency can be looked at");
		assertEquals(String.format(EcgCommandSupport.RECORD_IS_FOLDER, folder), failure("Classify ECG Beats", "record", folder.toFile()));
		assertEquals(String.format(EcgCommandSupport.RECORD_IS_FOLDER, folder), failure("Open ECG Record", "record", folder.toFile()));
		for (double f : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -250}) {
			String expected = String.format(EcgCommandSupport.BAD_FREQUENCY, "s.csv", f);
			assertEquals(expected, failure("Open ECG Record", "record", record.toFile(), "frequency", f));
			assertEquals(expected, failure("Detect QRS Complexes", "record", record.toFile(), "frequency", f));
			assertEquals(expected, failure("Classify ECG Beats", "record", record.toFile(), "frequency", f));
		}
	}

	@Test
	void trainingAndScoringRecordsWithoutBeats() throws Exception {
		Path data = Files.createDirectories(dir.resolve("data"));
		float[] x = syntheticSamples();
		writeWfdb(data, "a", x, syntheticBeats());
		writeWfdb(data, "nobeats", x, new long[0]); // an annotation file of the end-of-file marker only
		writeWfdb(data, "short", Arrays.copyOf(x, 475), new long[] {100, 300}); // two beats: neither has a beat on both sides
		Path model = dir.resolve("model");
		assertEquals(String.format(TrainEcgClassifierCommand.FEW_BEATS, "[nobeats]", 0),
			failure("Train ECG Classifier", "folder", data.toFile(), "records", "nobeats", "calibration_folds", 0, "model", model.toFile()));
		assertEquals(String.format(TrainEcgClassifierCommand.NO_VALIDATION_BEATS, "[short]"),
			failure("Train ECG Classifier", "folder", data.toFile(), "records", "a", "validation_records", "short", "calibration_folds", 0, "model", model.toFile()));
		assertFalse(Files.exists(model));
		assertEquals("1 records, detected beats, the shipped MIT-BIH DS1 model: " + String.format(EvaluateEcgClassifierCommand.NOTHING_SCORED,
			"no detected beat matched a reference beat within 150 ms"),
			commands.run("Evaluate ECG Classifier", inputs("folder", data.toFile(), "records", "nobeats")).get("summary"));
		assertEquals("1 records, reference beats, the shipped MIT-BIH DS1 model: " + String.format(EvaluateEcgClassifierCommand.NOTHING_SCORED,
			"the records hold no reference beats to classify"),
			commands.run("Evaluate ECG Classifier", inputs("folder", data.toFile(), "records", "short", "beats", "reference")).get("summary"));
		Map<String, Object> atReference = commands.run("Classify ECG Beats", inputs("record", data.resolve("short.hea").toFile(), "beats", "reference"));
		assertEquals(String.format(ClassifyEcgBeatsCommand.NO_REFERENCE_BEATS, "short", "MLII"), atReference.get("summary"));
	}

	@Test
	void aModelFolderThatIsNotAModelNamesTheFolderAndTheFile() throws Exception {
		Path record = EcgCommandsTest.writeSyntheticCsv(dir.resolve("s.csv"), true);
		byte[] params, props;
		try (InputStream p = BeatModel.class.getResourceAsStream("/org/convkit/ecg/model/" + BeatModel.PARAMETERS);
			InputStream q = BeatModel.class.getResourceAsStream("/org/convkit/ecg/model/" + BeatModel.PROPERTIES)) {
			params = p.readAllBytes();
			props = q.readAllBytes();
		}
		Path truncated = Files.createDirectories(dir.resolve("truncated"));
		Files.write(truncated.resolve(BeatModel.PARAMETERS), Arrays.copyOf(params, params.length / 2));
		Files.write(truncated.resolve(BeatModel.PROPERTIES), props);
		assertEquals("model: beatnet.params of " + truncated + " cannot be read: it ends early (truncated?); train the model again or choose another model folder",
			failure("Classify ECG Beats", "record", record.toFile(), "model", truncated.toFile()));
		Path properties = truncated.resolve(BeatModel.PROPERTIES);
		assertEquals(String.format(OutputFiles.IS_INPUT, "output_csv", properties, BeatModel.PROPERTIES),
			failure("Classify ECG Beats", "record", record.toFile(), "model", truncated.toFile(), "output_csv", properties.toFile(), "overwrite", true));

		Path garbage = Files.createDirectories(dir.resolve("garbage"));
		Files.writeString(garbage.resolve(BeatModel.PARAMETERS), "not parameters at all, but long enough to be read as some".repeat(10));
		Files.write(garbage.resolve(BeatModel.PROPERTIES), props);
		String message = failure("Classify ECG Beats", "record", record.toFile(), "model", garbage.toFile());
		assertTrue(message.startsWith("model: beatnet.params of " + garbage + " cannot be read: "), message);
		assertTrue(message.endsWith("; train the model again or choose another model folder"), message);

		Path badProperties = Files.createDirectories(dir.resolve("bad properties"));
		Files.write(badProperties.resolve(BeatModel.PARAMETERS), params);
		Files.writeString(badProperties.resolve(BeatModel.PROPERTIES), "window.length=\\uZZZZ\n");
		message = failure("Classify ECG Beats", "record", record.toFile(), "model", badProperties.toFile());
		assertTrue(message.startsWith("model: beatnet.properties of " + badProperties + " cannot be read: not a properties file ("), message);

		Path noWindow = Files.createDirectories(dir.resolve("no window"));
		Files.write(noWindow.resolve(BeatModel.PARAMETERS), params);
		Files.writeString(noWindow.resolve(BeatModel.PROPERTIES), "networks=1\n");
		message = failure("Classify ECG Beats", "record", record.toFile(), "model", noWindow.toFile());
		assertTrue(message.startsWith("model: beatnet.properties of " + noWindow + " lacks a valid window"), message);

		Path onlyProperties = Files.createDirectories(dir.resolve("only properties"));
		Files.write(onlyProperties.resolve(BeatModel.PROPERTIES), props);
		assertEquals("model: expected a folder holding beatnet.params and beatnet.properties (written by Train ECG Classifier), got " + onlyProperties,
			failure("Classify ECG Beats", "record", record.toFile(), "model", onlyProperties.toFile()));
	}
}
