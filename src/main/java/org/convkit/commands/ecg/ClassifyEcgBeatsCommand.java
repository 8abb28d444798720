package org.convkit.commands.ecg;

import ij.measure.ResultsTable;
import org.convkit.commands.ConvKitCommand;
import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgFiles;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.beats.AamiClass;
import org.convkit.ecg.beats.BeatClassifier;
import org.convkit.ecg.beats.BeatCrossValidation;
import org.convkit.ecg.beats.ClassifiedBeats;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Plugins &gt; ConvKit &gt; ECG &gt; Classify ECG Beats: detects the beats of a record and classifies
 * each as N, S, V, F or Q with a trained 1-D CNN (by default the model shipped with ConvKit,
 * trained on MIT-BIH DS1); a table of beats, optional CSV and WFDB annotation files, and a score
 * against the record's reference annotations when it has them.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>ECG>Classify ECG Beats")
public class ClassifyEcgBeatsCommand extends ConvKitCommand {

	static final String NO_REFERENCE = "beats: 'reference' classifies the beats of the reference annotations, but %s has none (%s)";

	@Parameter(style = FileWidget.OPEN_STYLE, description = "Record file: .hea (WFDB), .edf (EDF/EDF+) or .csv")
	private File record;

	@Parameter(min = "0", description = "Sampling frequency in Hz of a CSV file without a time column")
	private double frequency = 360;

	@Parameter(required = false, description = "Lead to classify; empty: MLII when present, else the first lead")
	private String lead = "";

	@Parameter(required = false, style = FileWidget.DIRECTORY_STYLE, description = "Model folder from Train ECG Classifier; empty: the shipped MIT-BIH DS1 model")
	private File model;

	@Parameter(choices = { "detected", "reference" }, description = "detected: beats found by the QRS detector; reference: the beats of the reference annotations (.atr)")
	private String beats = "detected";

	@Parameter(required = false, style = FileWidget.SAVE_STYLE, description = "Optional CSV file of the classified beats")
	private File output_csv;

	@Parameter(required = false, style = FileWidget.SAVE_STYLE, description = "Optional WFDB annotation file of the classified beats (e.g. 208.cnn)")
	private File output_annotations;

	@Parameter(type = ItemIO.OUTPUT, label = "ECG beats")
	private ResultsTable classified;

	@Parameter(type = ItemIO.OUTPUT, label = "Summary")
	private String summary;

	@Override
	protected void execute() throws IOException {
		Path csv = EcgCommandSupport.output(output_csv, "output_csv");
		Path ann = EcgCommandSupport.output(output_annotations, "output_annotations");
		EcgFiles.Annotated in = EcgCommandSupport.readAnnotated(record, frequency);
		EcgRecord ecg = in.record();
		Optional<List<Annotation>> reference = in.annotations();
		BeatClassifier classifier = new BeatClassifier(EcgCommandSupport.model(model));
		ClassifiedBeats result;
		if (beats.equals("reference")) {
			if (reference.isEmpty()) {
				throw new IllegalArgumentException(String.format(NO_REFERENCE, record.getName(), EcgFiles.referenceAnnotationFile(record.toPath()).getFileName()));
			}
			result = classifier.classifyAt(ecg, lead, reference.get());
		} else {
			result = classifier.classify(ecg, lead, reference.orElse(null));
		}
		classified = table(result);
		if (csv != null) result.writeCsv(csv);
		if (ann != null) result.writeAnnotations(ann);
		summary = summary(result, classifier, reference.isPresent());
	}

	static ResultsTable table(ClassifiedBeats result) {
		ResultsTable table = new ResultsTable();
		for (int i = 0; i < result.size(); i++) {
			table.incrementCounter();
			table.addValue("beat", i + 1);
			table.addValue("sample", result.frame(i));
			table.addValue("time_s", result.frame(i) / result.frameFrequency());
			float[] rr = result.beats().rr(i);
			table.addValue("rr_previous_s", rr[0]);
			table.addValue("rr_next_s", rr[1]);
			table.addValue("atrial_fibrillation", String.valueOf(result.beats().inAtrialFibrillation(i)));
			table.addValue("class", result.predicted(i).name());
			table.addValue("probability", result.probability(i, result.predicted(i)));
			table.addValue("reference", result.beats().isLabelled(i) ? result.beats().label(i).name() : "");
		}
		return table;
	}

	static String summary(ClassifiedBeats result, BeatClassifier classifier, boolean scored) {
		int[] counts = result.counts();
		StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s, lead %s: %d beats classified by %s:", result.record(),
			result.lead(), result.size(), classifier.model().description()));
		for (AamiClass c : AamiClass.values()) s.append(' ').append(c).append('=').append(counts[c.ordinal()]);
		s.append(String.format(Locale.ROOT, "; %d beats in atrial fibrillation (none called S there: S counts for N)", result.atrialFibrillationBeats()));
		if (scored) s.append("\nagainst the reference annotations: ").append(BeatCrossValidation.summary(result.evaluation()));
		return s.toString();
	}
}
