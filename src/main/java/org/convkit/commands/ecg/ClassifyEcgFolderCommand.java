package org.convkit.commands.ecg;

import ij.measure.ResultsTable;
import org.convkit.commands.ConvKitCommand;
import org.convkit.core.io.AtomicFiles;
import org.convkit.core.io.Csv;
import org.convkit.ecg.EcgFiles;
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
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Plugins &gt; ConvKit &gt; ECG &gt; Classify ECG Folder: every record in a folder (.hea, .edf,
 * .csv) is detected and classified; one CSV of beats per record ({@code <record>_beats.csv}) and a
 * {@code summary.csv} (beats per class, beats in atrial fibrillation, and accuracy where reference
 * annotations exist) are written to the output folder. A record that cannot be read is reported in the summary with its
 * error, and the batch goes on.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>ECG>Classify ECG Folder")
public class ClassifyEcgFolderCommand extends ConvKitCommand {

	static final String NOT_A_FOLDER = "folder: expected a folder of ECG records (.hea, .edf, .csv), got %s";
	static final String NO_RECORDS = "folder: %s has no ECG records (.hea, .edf, .csv)";
	static final String NO_OUTPUT = "output_folder: expected an existing folder for the CSV files, got %s";
	static final String SUMMARY = "summary.csv";
	static final String BEATS = "_beats.csv";

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

	@Parameter(type = ItemIO.OUTPUT, label = "ECG folder summary")
	private ResultsTable records;

	@Override
	protected void execute() throws IOException {
		if (folder == null || !folder.isDirectory()) throw new IllegalArgumentException(String.format(NOT_A_FOLDER, folder));
		if (output_folder == null || !output_folder.isDirectory()) throw new IllegalArgumentException(String.format(NO_OUTPUT, output_folder));
		List<Path> files;
		try (Stream<Path> entries = Files.list(folder.toPath())) {
			// this command's own outputs are not records (an output folder may be the records folder)
			files = entries.filter(p -> Files.isRegularFile(p) && List.of("hea", "edf", "csv").contains(EcgFiles.extension(p))
				&& !p.getFileName().toString().equals(SUMMARY) && !p.getFileName().toString().endsWith(BEATS)).sorted().toList();
		}
		if (files.isEmpty()) throw new IllegalArgumentException(String.format(NO_RECORDS, folder));
		BeatClassifier classifier = new BeatClassifier(EcgCommandSupport.model(model));
		Path out = output_folder.toPath();
		records = new ResultsTable();
		StringBuilder csv = new StringBuilder("record,status,beats,N,S,V,F,Q,atrial_fibrillation_beats,reference_beats,accuracy,error\n");
		for (Path file : files) {
			if (isCanceled()) break;
			records.incrementCounter();
			records.addValue("record", file.getFileName().toString());
			try {
				EcgFiles.Annotated in = EcgFiles.readAnnotated(file, frequency);
				ClassifiedBeats result = classifier.classify(in.record(), lead, in.annotations().orElse(null));
				result.writeCsv(out.resolve(EcgFiles.baseName(file) + BEATS));
				int[] counts = result.counts();
				BeatEvaluation e = result.evaluation();
				records.addValue("status", "ok");
				records.addValue("beats", result.size());
				for (AamiClass c : AamiClass.values()) records.addValue(c.name(), counts[c.ordinal()]);
				records.addValue("atrial_fibrillation_beats", result.atrialFibrillationBeats());
				records.addValue("reference_beats", e.total());
				records.addValue("accuracy", e.total() > 0 ? e.accuracy() : Double.NaN);
				records.addValue("error", "");
				csv.append(String.format(Locale.ROOT, "%s,ok,%d,%d,%d,%d,%d,%d,%d,%d,%s,\n", Csv.field(file.getFileName().toString()), result.size(), counts[0],
					counts[1], counts[2], counts[3], counts[4], result.atrialFibrillationBeats(), e.total(), e.total() > 0 ? String.format(Locale.ROOT, "%.6f", e.accuracy()) : ""));
			}
			catch (IOException | RuntimeException e) {
				// a bad record is reported and the batch goes on, whatever went wrong with it
				records.addValue("status", "failed");
				records.addValue("error", e.getMessage());
				csv.append(Csv.field(file.getFileName().toString())).append(",failed,,,,,,,,,,").append(Csv.field(String.valueOf(e.getMessage()))).append('\n');
			}
		}
		AtomicFiles.writeString(out.resolve(SUMMARY), csv.toString());
	}
}
