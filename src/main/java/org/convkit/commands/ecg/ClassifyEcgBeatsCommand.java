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
 * trained on MIT-BIH DS1), paced beats as Q (the summary says when a record is paced); a table of beats, optional CSV and WFDB annotation files, and a score
 * against the record's reference annotations when it has them.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>ECG>Classify ECG Beats")
public class ClassifyEcgBeatsCommand extends ConvKitCommand {

	static final String NO_REFERENCE = "beats: 'reference' classifies the beats of the reference annotations, but %s has none (%s)";
	static final String NO_BEATS = "%s, lead %s: no QRS complex was found, so no beats were classified; the signal may be flat or too noisy, "
		+ "or the lead may not show the QRS complexes (leads: %s; choose one with lead=NAME)";
	static final String NO_REFERENCE_BEATS = "%s, lead %s: no beats were classified: the reference annotations hold no beats with a whole beat window "
		+ "and a beat on either side";

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

	@Parameter(description = "Replace output_csv and output_annotations when they exist (never the record's own files)")
	private boolean overwrite = false;

	@Parameter(type = ItemIO.OUTPUT, label = "ECG beats")
	private ResultsTable classified;

	@Parameter(type = ItemIO.OUTPUT, label = "Summary")
	private String summary;

	@Override
	protected void execute() throws IOException {
		if (EcgCommandSupport.isBlank(record)) throw new IllegalArgumentException(EcgCommandSupport.NO_RECORD);
		// outputs are checked before any work: never one of the record's files or the model's, never an existing file unless overwrite
		List<Path> inputs = EcgCommandSupport.all(EcgCommandSupport.inputs(record), EcgCommandSupport.modelFiles(model));
		Path csv = EcgCommandSupport.output(output_csv, "output_csv", overwrite, inputs);
		Path ann = EcgCommandSupport.output(output_annotations, "output_annotations", overwrite, inputs);
		EcgCommandSupport.distinct(csv, "output_csv", ann, "output_annotations");
		EcgFiles.Annotated in = EcgCommandSupport.readAnnotated(record, frequency);
		EcgRecord ecg = in.record();
		Optional<List<Annotation>> reference = in.annotations();
		EcgRecord.Lead chosen = EcgCommandSupport.detectionLead(ecg, lead, record.toPath());
		BeatClassifier classifier = new BeatClassifier(EcgCommandSupport.model(model));
		ClassifiedBeats result;
		if (beats.equals("reference")) {
			if (reference.isEmpty()) {
				throw new IllegalArgumentException(String.format(NO_REFERENCE, record.getName(), EcgFiles.referenceAnnotationFile(record.toPath()).getFileName()));
			}
			result = classifier.classifyAt(ecg, chosen.name(), reference.get());
		} else {
			result = classifier.classify(ecg, chosen.name(), reference.orElse(null));
		}
		classified = table(result);
		if (csv != null) EcgCommandSupport.write("output_csv", () -> result.writeCsv(csv));
		if (ann != null) EcgCommandSupport.write("output_annotations", () -> result.writeAnnotations(ann));
		summary = summary(result, classifier, reference.isPresent(), ecg, beats.equals("reference")) + EcgCommandSupport.warnings(in);
	}

	/** The beats as a table of {@link ClassifiedBeats#COLUMNS}, the CSV file's columns and figures; the columns also when there are no beats. */
	static ResultsTable table(ClassifiedBeats result) {
		ResultsTable table = new ResultsTable();
		for (int i = 0; i < result.size(); i++) {
			String[] fields = result.fields(i);
			table.incrementCounter();
			for (int k = 0; k < fields.length; k++) {
				String column = ClassifiedBeats.COLUMNS.get(k);
				// a number as the CSV file holds it, rounded alike
				if (ClassifiedBeats.decimals(column) < 0) table.addValue(column, fields[k]);
				else table.addValue(column, Double.parseDouble(fields[k]));
			}
		}
		if (result.size() == 0) EcgCommandSupport.columns(table, ClassifiedBeats.COLUMNS.toArray(String[]::new));
		for (String column : ClassifiedBeats.COLUMNS) {
			int decimals = ClassifiedBeats.decimals(column);
			if (decimals > 0) table.setDecimalPlaces(table.getColumnIndex(column), decimals);
		}
		return table;
	}

	static String summary(ClassifiedBeats result, BeatClassifier classifier, boolean scored, EcgRecord ecg, boolean atReference) {
		if (result.size() == 0) {
			return atReference ? String.format(Locale.ROOT, NO_REFERENCE_BEATS, result.record(), result.lead())
				: String.format(Locale.ROOT, NO_BEATS, result.record(), result.lead(), ecg.leads().stream().map(EcgRecord.Lead::name).toList());
		}
		int[] counts = result.counts();
		StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s, lead %s: %d beats classified by %s:", result.record(),
			result.lead(), result.size(), classifier.model().description()));
		for (AamiClass c : AamiClass.values()) s.append(' ').append(c).append('=').append(counts[c.ordinal()]);
		s.append(String.format(Locale.ROOT, "; %d beats in atrial fibrillation (none called S there: S counts for N)", result.atrialFibrillationBeats()));
		if (result.paced().isPaced()) s.append("; ").append(result.paced().summary());
		if (scored) {
			BeatEvaluation e = result.evaluation();
			s.append("\nagainst the reference annotations: ").append(BeatCrossValidation.summary(e));
			// paced beats are Q: how well they were found
			if (result.paced().isPaced()) s.append(String.format(Locale.ROOT, ", Q Se %.2f%% +P %.2f%%", 100 * e.sensitivity(AamiClass.Q), 100 * e.positivePredictivity(AamiClass.Q)));
		}
		return s.toString();
	}
}
