package org.convkit.commands.ecg;

import ij.measure.ResultsTable;
import org.convkit.commands.HeadlessCommands;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.core.io.OutputFiles;
import org.convkit.ecg.Annotation;
import org.convkit.ecg.beats.AamiClass;
import org.convkit.ecg.beats.BeatModel;
import org.convkit.ecg.io.WfdbAnnotations;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** Classify, Train and Evaluate ECG commands on real MIT-BIH records, headless, as every front end runs them. */
class EcgClassifierCommandsTest {

	static final Path MITDB = EcgCommandsTest.MITDB;

	@RegisterExtension
	static final HeadlessCommands commands = new HeadlessCommands();

	@TempDir
	Path dir;

	private static void assumeMitdb(String... records) {
		for (String r : records) {
			Assumptions.assumeTrue(Files.isRegularFile(MITDB.resolve(r + ".hea")) && Files.isRegularFile(MITDB.resolve(r + ".atr")),
				"MIT-BIH record " + r + " not found in " + MITDB.toAbsolutePath() + "; ECG classifier command test skipped");
		}
	}

	private static double figure(String summary, String name) {
		Matcher m = Pattern.compile(Pattern.quote(name) + " ([0-9.]+)%").matcher(summary);
		assertTrue(m.find(), name + " in: " + summary);
		return Double.parseDouble(m.group(1));
	}

	/**
	 * The shipped model on record 208 (many V and F beats). 208 is one of the model's training
	 * records, so this checks the whole chain (read, detect, classify, write), not how well the
	 * model generalises: that figure comes from patient-wise cross-validation (README).
	 */
	@Test
	void classifiesTheDetectedBeatsOf208AndWritesCsvAndAnnotations() throws Exception {
		assumeMitdb("208");
		Path csv = dir.resolve("208_beats.csv"), ann = dir.resolve("208.cnn");
		Map<String, Object> out = commands.run("Classify ECG Beats", Map.of("record", MITDB.resolve("208.hea").toFile(),
			"output_csv", csv.toFile(), "output_annotations", ann.toFile()));
		ResultsTable table = (ResultsTable) out.get("classified");
		String summary = (String) out.get("summary");
		assertTrue(summary.startsWith("208, lead MLII: " + table.size() + " beats classified by the shipped MIT-BIH DS1 model:"), summary);
		assertEquals(2955, table.size(), 30, "208 has 2955 reference beats");
		assertTrue(figure(summary, "accuracy") > 90, summary);
		assertTrue(figure(summary, "V Se") > 90, summary);

		List<String> lines = Files.readAllLines(csv);
		assertEquals(table.size() + 1, lines.size());
		assertEquals("record,lead,beat,sample,time_s,rr_previous_s,rr_next_s,atrial_fibrillation,paced,class,p_N,p_S,p_V,p_F,p_Q,reference", lines.get(0));
		// the table is the CSV file: same columns, same figures
		assertEquals(List.of(lines.get(0).split(",")), List.of(table.getHeadings()));
		for (int i : new int[] {0, table.size() / 2, table.size() - 1}) {
			String[] fields = lines.get(i + 1).split(",", -1);
			assertEquals(Double.parseDouble(fields[10 + AamiClass.V.ordinal()]), table.getValue("p_V", i), 0);
			assertEquals(Double.parseDouble(fields[4]), table.getValue("time_s", i), 0);
			assertEquals(fields[15], table.getStringValue("reference", i));
			assertEquals("false", fields[8], "208 is not paced");
		}
		List<Annotation> written = WfdbAnnotations.read(ann);
		assertEquals(table.size(), written.size());
		int v = 0;
		for (int i = 0; i < written.size(); i++) {
			assertEquals((long) table.getValue("sample", i), written.get(i).sample());
			AamiClass c = AamiClass.valueOf(table.getStringValue("class", i));
			assertEquals(c, AamiClass.ofSymbol(written.get(i).symbol()).orElseThrow());
			assertTrue(lines.get(i + 1).startsWith("208,MLII," + (i + 1) + "," + written.get(i).sample() + ","), lines.get(i + 1));
			if (c == AamiClass.V) v++;
		}
		assertEquals(992, v, 100, "208 has 992 V beats");
		assertFalse(summary.contains("paced"), summary);
	}

	/**
	 * Record 107 (paced throughout): the paced beats are class Q in the table, the CSV file and the
	 * annotations ('/', MIT-BIH's paced symbol), and the summary says the record is paced.
	 */
	@Test
	void pacedBeatsOf107AreQAndTheSummarySaysSo() throws Exception {
		assumeMitdb("107");
		Path csv = dir.resolve("107_beats.csv"), ann = dir.resolve("107.cnn");
		Map<String, Object> out = commands.run("Classify ECG Beats", Map.of("record", MITDB.resolve("107.hea").toFile(),
			"output_csv", csv.toFile(), "output_annotations", ann.toFile()));
		ResultsTable table = (ResultsTable) out.get("classified");
		String summary = (String) out.get("summary");
		int paced = 0;
		for (int i = 0; i < table.size(); i++) {
			if (Boolean.parseBoolean(table.getStringValue("paced", i))) {
				paced++;
				assertEquals("Q", table.getStringValue("class", i));
			}
		}
		assertTrue(paced > 0.95 * table.size(), paced + " of " + table.size());
		assertTrue(summary.contains("; paced rhythm: " + paced + " of " + table.size() + " beats paced (class Q)"), summary);
		assertTrue(figure(summary, "accuracy") > 95, summary);
		assertTrue(figure(summary, "Q Se") > 95, summary);
		List<String> lines = Files.readAllLines(csv);
		int column = List.of(lines.get(0).split(",")).indexOf("paced");
		assertEquals(paced, lines.stream().skip(1).filter(l -> l.split(",")[column].equals("true")).count());
		List<Annotation> written = WfdbAnnotations.read(ann);
		assertEquals(paced, written.stream().filter(a -> a.symbol().equals("/")).count());
	}

	/**
	 * Honest in miniature: trained on three patients, scored on another. The three have almost no S
	 * beats, so the test is about V beats and the command chain (no synthetic S beats either).
	 */
	@Test
	void trainsOnSomePatientsAndEvaluatesOnOthers() throws Exception {
		assumeMitdb("106", "119", "208", "223", "215");
		Path model = dir.resolve("model");
		Map<String, Object> out = commands.run("Train ECG Classifier", Map.of("folder", MITDB.toFile(), "records", "106, 119, 208",
			"validation_records", "215", "epochs", 2, "normal_fraction", 0.3, "premature_fraction", 0.0, "networks", 2, "model", model.toFile(),
			"calibration_folds", 2));
		ResultsTable training = (ResultsTable) out.get("training");
		assertEquals(4, training.size(), "two epochs of each of two networks");
		assertEquals(2, training.getValue("network", 3));
		assertTrue(training.getValue("loss", 1) < training.getValue("loss", 0), "loss falls");
		assertTrue(training.getValue("loss", 3) < training.getValue("loss", 2), "loss falls");
		assertTrue(training.getValue("validation_accuracy", 0) > 0, "validation figures per epoch");
		assertEquals("106,119,208", BeatModel.open(model).property("training.records"));
		assertEquals("215", BeatModel.open(model).property("training.validation_records"));
		assertEquals("2", BeatModel.open(model).property("networks"));
		// the decision bias was chosen on two folds of the training patients (106 and 208, then 119) and saved with the model
		assertEquals("2", BeatModel.open(model).property("training.calibration_folds"));
		// by default the model adapts to each record's dominant beats, against the training records' saved with it
		assertEquals("dominant", BeatModel.open(model).adaptation().format());
		assertFalse(BeatModel.open(model).adaptation().reference().isEmpty());
		String trained = (String) out.get("summary");
		assertTrue(trained.contains("; record adaptation dominant"), trained);
		assertTrue(trained.endsWith("; decision bias " + BeatModel.open(model).bias().format() + " chosen on 2 patient-wise folds"), trained);

		Path csv = dir.resolve("evaluation.csv");
		Map<String, Object> scored = commands.run("Evaluate ECG Classifier", Map.of("folder", MITDB.toFile(), "records", "223",
			"model", model.toFile(), "output_csv", csv.toFile()));
		String summary = (String) scored.get("summary");
		assertTrue(figure(summary, "V Se") > 80, summary);
		assertTrue(figure(summary, "accuracy") > 70, summary);
		ResultsTable classes = (ResultsTable) scored.get("classes");
		assertEquals("V", classes.getStringValue("class", 2));
		assertEquals(473, classes.getValue("beats", 2), 5, "223 has 473 V beats");
		ResultsTable confusion = (ResultsTable) scored.get("confusion");
		assertEquals(5, confusion.size());
		assertTrue(Files.readString(csv).startsWith("class,beats,tp,fn,fp,se,ppv,f1\n"));
	}

	@Test
	void beatsInAtrialFibrillationAreMarkedAndNoneIsCalledS() throws Exception {
		assumeMitdb("201");
		Path csv = dir.resolve("201_beats.csv");
		Map<String, Object> out = commands.run("Classify ECG Beats", Map.of("record", MITDB.resolve("201.hea").toFile(), "output_csv", csv.toFile()));
		ResultsTable table = (ResultsTable) out.get("classified");
		int fibrillation = 0, s = 0;
		for (int i = 0; i < table.size(); i++) {
			boolean af = Boolean.parseBoolean(table.getStringValue("atrial_fibrillation", i));
			if (af) fibrillation++;
			if (table.getStringValue("class", i).equals("S")) {
				assertFalse(af, "beat " + (i + 1) + " is called S in atrial fibrillation");
				s++;
			}
		}
		// 201 has 911 beats in atrial fibrillation (MIT-BIH rhythm annotations) and 128 S beats outside it
		assertEquals(911, fibrillation, 30);
		assertTrue(s > 20, "S beats are still found outside fibrillation: " + s);
		assertTrue(((String) out.get("summary")).contains("; " + fibrillation + " beats in atrial fibrillation (none called S there: S counts for N)"), (String) out.get("summary"));
		List<String> lines = Files.readAllLines(csv);
		int column = List.of(lines.get(0).split(",")).indexOf("atrial_fibrillation");
		assertEquals(fibrillation, lines.stream().skip(1).filter(l -> l.split(",")[column].equals("true")).count());
	}

	@Test
	void aFolderBatchGoesOnPastABadRecordAndReportsIt() throws Exception {
		assumeMitdb("101");
		Path in = Files.createDirectories(dir.resolve("in")), out = Files.createDirectories(dir.resolve("out"));
		for (String ext : new String[] {".hea", ".dat", ".atr"}) Files.copy(MITDB.resolve("101" + ext), in.resolve("101" + ext));
		Files.copy(MITDB.resolve("101.hea"), in.resolve("102.hea")); // a header whose signal file is not there
		Files.writeString(in.resolve("102.hea"), Files.readString(in.resolve("102.hea")).replace("101", "102"));
		CommandExecutor.Result run = commands.executor().execute(commands.executor().find("Classify ECG Folder"),
			new HashMap<>(Map.of("folder", in.toFile(), "output_folder", out.toFile())));
		assertEquals(1, run.failedItems(), "the command line exits 3");
		Map<String, Object> result = run.outputs();
		ResultsTable records = (ResultsTable) result.get("records");
		assertEquals(2, records.size());
		assertEquals("101.hea", records.getStringValue("record", 0));
		assertEquals("ok", records.getStringValue("status", 0));
		assertTrue(records.getValue("accuracy", 0) > 0.9, "101 is nearly all N");
		assertEquals("failed", records.getStringValue("status", 1));
		assertTrue(records.getStringValue("error", 1).contains("102.dat"), records.getStringValue("error", 1));
		List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
		assertEquals("record,status,beats,N,S,V,F,Q,atrial_fibrillation_beats,paced_beats,reference_beats,accuracy,error", summary.get(0));
		assertTrue(summary.get(1).startsWith("101.hea,ok,"), summary.get(1));
		assertEquals(0, records.getValue("atrial_fibrillation_beats", 0), "101 is in sinus rhythm");
		assertEquals(0, records.getValue("paced_beats", 0), "101 is not paced");
		assertTrue(summary.get(2).startsWith("102.hea,failed,") && summary.get(2).contains("102.dat"), summary.get(2));
		assertEquals((int) records.getValue("beats", 0) + 1, Files.readAllLines(out.resolve("101_beats.csv")).size());
		assertFalse(Files.exists(out.resolve("102_beats.csv")));
		assertEquals("102.hea: " + records.getStringValue("error", 1) + "\n1 of 2 records classified, 1 failed", result.get("summary"));

		// writing into the records folder itself, twice (the second time replacing the first's files): the command's own CSV files are not taken for records
		commands.run("Classify ECG Folder", Map.of("folder", in.toFile(), "output_folder", in.toFile()));
		CommandFailedException e = assertThrows(CommandFailedException.class,
			() -> commands.run("Classify ECG Folder", Map.of("folder", in.toFile(), "output_folder", in.toFile())));
		assertEquals(String.format(OutputFiles.EXISTS, "output_folder", in.resolve("101_beats.csv")), e.getMessage());
		ResultsTable again = (ResultsTable) commands.run("Classify ECG Folder", Map.of("folder", in.toFile(), "output_folder", in.toFile(),
			"overwrite", true)).get("records");
		assertEquals(2, again.size());
	}

	@Test
	void aFolderSummaryNamesThePacedRecords() throws Exception {
		assumeMitdb("101", "217");
		Path in = Files.createDirectories(dir.resolve("in")), out = Files.createDirectories(dir.resolve("out"));
		for (String r : new String[] {"101", "217"}) {
			for (String ext : new String[] {".hea", ".dat", ".atr"}) Files.copy(MITDB.resolve(r + ext), in.resolve(r + ext));
		}
		Map<String, Object> result = commands.run("Classify ECG Folder", Map.of("folder", in.toFile(), "output_folder", out.toFile()));
		ResultsTable records = (ResultsTable) result.get("records");
		assertEquals(0, records.getValue("paced_beats", 0), "101 is not paced");
		int paced = (int) records.getValue("paced_beats", 1), beats = (int) records.getValue("beats", 1);
		// 217: 1542 paced and 260 fusion beats of 2208
		assertEquals(1802, paced, 90);
		assertTrue(records.getValue("Q", 1) >= paced);
		assertEquals("217.hea: paced rhythm: " + paced + " of " + beats + " beats paced (class Q)\n2 of 2 records classified, 0 failed", result.get("summary"));
		List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
		int column = List.of(summary.get(0).split(",")).indexOf("paced_beats");
		assertEquals("0", summary.get(1).split(",")[column]);
		assertEquals(Integer.toString(paced), summary.get(2).split(",")[column]);
		List<String> lines = Files.readAllLines(out.resolve("217_beats.csv"));
		int pacedColumn = List.of(lines.get(0).split(",")).indexOf("paced");
		assertEquals(paced, lines.stream().skip(1).filter(l -> l.split(",")[pacedColumn].equals("true")).count());
	}

	@Test
	void badInputsNameTheParameter() throws Exception {
		CommandFailedException e = assertThrows(CommandFailedException.class, () -> commands.run("Classify ECG Beats",
			Map.of("record", EcgCommandsTest.writeSyntheticCsv(dir.resolve("s.csv"), true).toFile(), "beats", "reference")));
		assertEquals("beats: 'reference' classifies the beats of the reference annotations, but s.csv has none (s.atr)", e.getMessage());
		e = assertThrows(CommandFailedException.class, () -> commands.run("Classify ECG Beats",
			Map.of("record", dir.resolve("s.csv").toFile(), "model", dir.toFile())));
		assertEquals("model: expected a folder holding beatnet.params and beatnet.properties (written by Train ECG Classifier), got " + dir, e.getMessage());
		e = assertThrows(CommandFailedException.class, () -> commands.run("Classify ECG Beats",
			Map.of("record", dir.resolve("s.csv").toFile(), "output_csv", dir.resolve("no/such/folder/x.csv").toFile())));
		assertEquals("output_csv: the folder " + dir.resolve("no/such/folder").toAbsolutePath() + " does not exist", e.getMessage());
		e = assertThrows(CommandFailedException.class, () -> commands.run("Classify ECG Folder", Map.of("folder", dir.resolve("none").toFile(),
			"output_folder", dir.toFile())));
		assertEquals("folder: expected a folder of ECG records (.hea, .edf, .csv), got " + dir.resolve("none"), e.getMessage());
		assumeMitdb("101");
		e = assertThrows(CommandFailedException.class, () -> commands.run("Train ECG Classifier", Map.of("folder", MITDB.toFile(),
			"records", "101, 999", "model", dir.resolve("m").toFile())));
		assertEquals("records: record 999 needs 999.hea in " + MITDB + ", which does not exist", e.getMessage());
		e = assertThrows(CommandFailedException.class, () -> commands.run("Train ECG Classifier", Map.of("folder", MITDB.toFile(),
			"records", "101, 106", "validation_records", "106", "model", dir.resolve("m").toFile())));
		assertEquals("validation_records: record 106 is also a training record; validation must be other patients", e.getMessage());
		for (int folds : new int[] {1, 3}) {
			e = assertThrows(CommandFailedException.class, () -> commands.run("Train ECG Classifier", Map.of("folder", MITDB.toFile(),
				"records", "101, 106", "calibration_folds", folds, "model", dir.resolve("m").toFile())));
			assertEquals("calibration_folds: expected 0 (no decision bias) or 2 to 2 (the number of training records), got " + folds, e.getMessage());
		}
		e = assertThrows(CommandFailedException.class, () -> commands.run("Train ECG Classifier", Map.of("folder", MITDB.toFile(),
			"records", "101", "record_adaptation", "sometimes", "model", dir.resolve("m").toFile())));
		assertEquals("record_adaptation: expected off, record, mean, dominant or the share of the training statistics kept (0 up to but not 1), got 'sometimes'",
			e.getMessage());
		e = assertThrows(CommandFailedException.class, () -> commands.run("Train ECG Classifier", Map.of("folder", MITDB.toFile(),
			"records", "101", "signal_jitter", 1.5, "model", dir.resolve("m").toFile())));
		assertEquals("signal_jitter: expected a fraction of beats in [0, 1], got 1.5", e.getMessage());
		Path one = Files.createDirectories(dir.resolve("one record"));
		for (String ext : new String[] {".hea", ".dat", ".atr"}) Files.copy(MITDB.resolve("101" + ext), one.resolve("101" + ext));
		e = assertThrows(CommandFailedException.class, () -> commands.run("Train ECG Classifier", Map.of("folder", one.toFile(),
			"validation_records", "101", "model", dir.resolve("m").toFile())));
		assertEquals(TrainEcgClassifierCommand.NO_TRAINING, e.getMessage());
		assertFalse(Files.exists(dir.resolve("m")), "a failed training leaves no model folder");
	}
}
