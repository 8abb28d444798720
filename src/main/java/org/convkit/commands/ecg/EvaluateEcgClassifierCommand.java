package org.convkit.commands.ecg;

import ij.measure.ResultsTable;
import org.convkit.commands.ConvKitCommand;
import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgFiles;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.beats.AamiClass;
import org.convkit.ecg.beats.BeatClassifier;
import org.convkit.ecg.beats.BeatCrossValidation;
import org.convkit.ecg.beats.BeatEvaluation;
import org.convkit.ecg.beats.ClassifiedBeats;
import org.convkit.ecg.beats.LabelledRecords;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Plugins &gt; ConvKit &gt; ECG &gt; Evaluate ECG Classifier: scores a classifier on annotated WFDB
 * records (patients it was not trained on): per-class sensitivity, positive predictivity and F1,
 * the confusion matrix, accuracy, macro F1, Cohen's kappa and the jκ index, as tables and optionally a
 * CSV file.
 * Beats are the detected ones (matched to the reference within 150 ms, as EC57 does) or the
 * reference beats themselves.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>ECG>Evaluate ECG Classifier")
public class EvaluateEcgClassifierCommand extends ConvKitCommand {

	static final String NOTHING_SCORED = "no beats were scored: %s (a beat needs a reference beat annotation, a whole window and a beat on either side)";

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "Folder of WFDB records with reference annotations (.hea, .dat, .atr)")
	private File folder;

	@Parameter(required = false, description = "Records to score, e.g. '101, 106' or DS1; empty: every annotated record in the folder")
	private String records = "";

	@Parameter(required = false, style = FileWidget.DIRECTORY_STYLE, description = "Model folder from Train ECG Classifier; empty: the shipped MIT-BIH DS1 model")
	private File model;

	@Parameter(choices = { "detected", "reference" }, description = "detected: beats found by the QRS detector, matched to the reference; reference: the reference beats")
	private String beats = "detected";

	@Parameter(required = false, style = FileWidget.SAVE_STYLE, description = "Optional CSV file of the evaluation")
	private File output_csv;

	@Parameter(description = "Replace output_csv when it exists (never one of the records' files)")
	private boolean overwrite = false;

	@Parameter(type = ItemIO.OUTPUT, label = "ECG classes")
	private ResultsTable classes;

	@Parameter(type = ItemIO.OUTPUT, label = "ECG confusion matrix")
	private ResultsTable confusion;

	@Parameter(type = ItemIO.OUTPUT, label = "Summary")
	private String summary;

	@Override
	protected void execute() throws IOException {
		Path data = folder == null ? null : folder.toPath();
		List<String> names = LabelledRecords.names(data, records, "records");
		List<Path> inputs = new ArrayList<>(EcgCommandSupport.modelFiles(model));
		for (String name : names) inputs.addAll(EcgFiles.inputFiles(data.resolve(name + ".hea")));
		Path csv = EcgCommandSupport.output(output_csv, "output_csv", overwrite, inputs);
		BeatClassifier classifier = new BeatClassifier(EcgCommandSupport.model(model));
		BeatEvaluation pooled = new BeatEvaluation();
		StringBuilder warnings = new StringBuilder();
		for (String name : names) {
			if (isCanceled()) return;
			EcgFiles.Annotated in = EcgFiles.readAnnotated(data.resolve(name + ".hea"), 0);
			EcgCommandSupport.checkSamples(in.record(), name + ".hea");
			for (String w : in.warnings()) warnings.append('\n').append(name).append(".hea: ").append(String.format(EcgCommandSupport.WARNING, w));
			EcgRecord ecg = in.record();
			EcgCommandSupport.detectionLead(ecg, null, data.resolve(name + ".hea"));
			List<Annotation> reference = in.annotations().orElse(List.of());
			ClassifiedBeats result = beats.equals("reference") ? classifier.classifyAt(ecg, null, reference) : classifier.classify(ecg, null, reference);
			pooled.add(result.evaluation());
		}
		classes = new ResultsTable();
		EcgCommandSupport.addClassRows(classes, pooled);
		confusion = new ResultsTable();
		for (AamiClass r : AamiClass.values()) {
			confusion.incrementCounter();
			confusion.addValue("reference", r.name());
			for (AamiClass p : AamiClass.values()) confusion.addValue(p.name(), pooled.count(r, p));
		}
		if (csv != null) EcgCommandSupport.write("output_csv", () -> pooled.writeCsv(csv));
		String figures = pooled.total() > 0 ? BeatCrossValidation.summary(pooled) : String.format(NOTHING_SCORED, beats.equals("reference")
			? "the records hold no reference beats to classify" : "no detected beat matched a reference beat within 150 ms");
		summary = names.size() + " records, " + beats + " beats, " + classifier.model().description() + ": " + figures + warnings;
	}
}
