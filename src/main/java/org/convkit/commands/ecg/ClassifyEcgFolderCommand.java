package org.convkit.commands.ecg;

import ij.measure.ResultsTable;
import org.convkit.commands.BatchCommand;
import org.convkit.commands.ConvKitCommand;
import org.convkit.core.io.AtomicFiles;
import org.convkit.core.io.Csv;
import org.convkit.core.io.OutputFiles;
import org.convkit.ecg.EcgFiles;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.beats.AamiClass;
import org.convkit.ecg.beats.BeatClassifier;
import org.convkit.ecg.beats.BeatEvaluation;
import org.convkit.ecg.beats.ClassifiedBeats;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Plugins &gt; ConvKit &gt; ECG &gt; Classify ECG Folder: every record in a folder (.hea, .edf,
 * .csv) is detected and classified; one CSV of beats per record ({@code <record>_beats.csv}) and a
 * {@code summary.csv} (beats per class, beats in atrial fibrillation, paced beats, and accuracy where
 * reference annotations exist; the summary names each paced record) are written to the output folder. A record that cannot be read is reported in the summary with its
 * error, and the batch goes on.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>ECG>Classify ECG Folder")
public class ClassifyEcgFolderCommand extends ConvKitCommand implements BatchCommand {

	static final String NOT_A_FOLDER = "folder: expected a folder of ECG records (.hea, .edf, .csv), got %s";
	static final String NO_RECORDS = "folder: %s has no ECG records (.hea, .edf, .csv)";
	static final String NO_OUTPUT = "output_folder: expected an existing folder for the CSV files, got %s";
	static final String SUMMARY = "summary.csv";
	static final String BEATS = "_beats.csv";
	static final String SAME_NAME = "folder: %s and %s would both write %s; rename one of them or classify them apart";
	static final String FAILED = "%s: %s";
	static final String DONE = "%d of %d records classified, %d failed";
	static final String NO_BEATS = "%s: no QRS complex was found in lead %s (a flat or noisy signal, or the wrong lead)";
	static final String PACED = "%s: %s";

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "Folder of records: .hea (WFDB), .edf (EDF/EDF+) or .csv")
	private File folder;

	@Parameter(min = "0", description = "Sampling frequency in Hz of CSV files without a time column")
	private double frequency = 360;

	@Parameter(required = false, description = "Lead to classify; empty: MLII when present, else the first lead")
	private String lead = "";

	@Parameter(required = false, style = FileWidget.DIRECTORY_STYLE, description = "Model folder from Train ECG Classifier; empty: the shipped MIT-BIH DS1 model")
	private File model;

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "Folder for <record>_beats.csv and summary.csv")
	private File output_folder;

	@Parameter(description = "Replace existing <record>_beats.csv and summary.csv files in output_folder")
	private boolean overwrite = false;

	@Parameter(type = ItemIO.OUTPUT, label = "ECG folder summary")
	private ResultsTable records;

	@Parameter(type = ItemIO.OUTPUT, label = "Summary")
	private String summary;

	private int failed;

	@Override
	public int failedItems() {
		return failed;
	}

	@Override
	protected void execute() throws IOException {
		if (folder == null || !folder.isDirectory()) throw new IllegalArgumentException(String.format(NOT_A_FOLDER, folder));
		if (output_folder == null || !output_folder.isDirectory()) throw new IllegalArgumentException(String.format(NO_OUTPUT, output_folder));
		List<Path> files;
		try (Stream<Path> entries = Files.list(folder.toPath())) {
			// this command's own outputs are not records (an output folder may be the records folder)
			files = entries.filter(p -> Files.isRegularFile(p) && List.of("hea", "edf", "csv").contains(EcgFiles.extension(p))
				&& !isOwnOutput(p.getFileName().toString())).sorted().toList();
		}
		if (files.isEmpty()) throw new IllegalArgumentException(String.format(NO_RECORDS, folder));
		// every output is checked before any record is read: none replaces an input, or an existing file unless overwrite
		Path out = output_folder.toPath();
		List<Path> inputs = new ArrayList<>(EcgCommandSupport.modelFiles(model));
		for (Path file : files) inputs.addAll(EcgFiles.inputFiles(file));
		Map<String, Path> writers = new HashMap<>();
		for (Path file : files) {
			String name = EcgFiles.baseName(file) + BEATS;
			Path other = writers.putIfAbsent(name, file);
			if (other != null) throw new IllegalArgumentException(String.format(SAME_NAME, other.getFileName(), file.getFileName(), name));
			OutputFiles.check("output_folder", out.resolve(name), overwrite, inputs);
		}
		OutputFiles.check("output_folder", out.resolve(SUMMARY), overwrite, inputs);
		EcgCommandSupport.writableFolder("output_folder", out.toAbsolutePath());
		BeatClassifier classifier = new BeatClassifier(EcgCommandSupport.model(model));
		records = new ResultsTable();
		failed = 0;
		int done = 0;
		StringBuilder text = new StringBuilder();
		StringBuilder csv = new StringBuilder("record,status,beats,N,S,V,F,Q,atrial_fibrillation_beats,paced_beats,reference_beats,accuracy,error\n");
		for (Path file : files) {
			if (isCanceled()) break;
			String name = file.getFileName().toString();
			records.incrementCounter();
			records.addValue("record", name);
			List<String> warnings = new ArrayList<>();
			try {
				ClassifiedBeats result = classifyRecord(file, frequency, lead, classifier, warnings);
				appendWarnings(text, name, warnings);
				EcgCommandSupport.write("output_folder", () -> result.writeCsv(out.resolve(EcgFiles.baseName(file) + BEATS)));
				if (result.size() == 0) text.append(String.format(NO_BEATS, name, result.lead())).append('\n');
				if (result.paced().isPaced()) text.append(String.format(PACED, name, result.paced().summary())).append('\n');
				int[] counts = result.counts();
				BeatEvaluation e = result.evaluation();
				records.addValue("status", "ok");
				records.addValue("beats", result.size());
				for (AamiClass c : AamiClass.values()) records.addValue(c.name(), counts[c.ordinal()]);
				records.addValue("atrial_fibrillation_beats", result.atrialFibrillationBeats());
				records.addValue("paced_beats", result.paced().pacedBeats());
				records.addValue("reference_beats", e.total());
				records.addValue("accuracy", e.total() > 0 ? e.accuracy() : Double.NaN);
				records.addValue("error", "");
				csv.append(String.format(Locale.ROOT, "%s,ok,%d,%d,%d,%d,%d,%d,%d,%d,%d,%s,\n", Csv.field(name), result.size(), counts[0],
					counts[1], counts[2], counts[3], counts[4], result.atrialFibrillationBeats(), result.paced().pacedBeats(), e.total(), e.total() > 0 ? String.format(Locale.ROOT, "%.6f", e.accuracy()) : ""));
				done++;
			}
			catch (IOException | RuntimeException e) {
				// a bad record is reported and the batch goes on, whatever went wrong with it
				appendWarnings(text, name, warnings);
				String error = e.getMessage() == null ? e.toString() : e.getMessage();
				failed++;
				records.addValue("status", "failed");
				records.addValue("error", error);
				csv.append(Csv.field(name)).append(",failed,,,,,,,,,,,").append(Csv.field(error)).append('\n');
				text.append(String.format(FAILED, name, error)).append('\n');
			}
		}
		EcgCommandSupport.write("output_folder", () -> AtomicFiles.writeString(out.resolve(SUMMARY), csv.toString()));
		text.append(String.format(Locale.ROOT, DONE, done, done + failed, failed));
		if (done + failed < files.size()) text.append(String.format(Locale.ROOT, " (canceled: %d not classified)", files.size() - done - failed));
		summary = text.toString();
	}

	/**
	 * One record as this command classifies it: read with its reference annotations, refused when
	 * it holds no samples or its lead cannot be detected on, classified on the detection lead. The
	 * reader's warnings go to {@code warnings} as soon as it is read, so they are kept when a check
	 * fails after it. Public for the Spark ECG job, which must give the same beats as this command.
	 */
	public static ClassifiedBeats classifyRecord(Path file, double frequency, String lead, BeatClassifier classifier, List<String> warnings) throws IOException {
		EcgFiles.Annotated in = EcgFiles.readAnnotated(file, frequency);
		warnings.addAll(in.warnings());
		EcgCommandSupport.checkSamples(in.record(), file.getFileName().toString());
		EcgRecord.Lead chosen = EcgCommandSupport.detectionLead(in.record(), lead, file);
		return classifier.classify(in.record(), chosen.name(), in.annotations().orElse(null));
	}

	/** Whether a file name is one this command writes ({@code summary.csv}, {@code <record>_beats.csv}), never a record. */
	public static boolean isOwnOutput(String fileName) {
		return fileName.equals(SUMMARY) || fileName.endsWith(BEATS);
	}

	private static void appendWarnings(StringBuilder text, String name, List<String> warnings) {
		for (String w : warnings) text.append(name).append(": ").append(String.format(EcgCommandSupport.WARNING, w)).append('\n');
	}
}
