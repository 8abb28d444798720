package org.convkit.commands.ecg;

import ij.measure.ResultsTable;
import org.convkit.commands.ConvKitCommand;
import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgFiles;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.io.WfdbAnnotations;
import org.convkit.ecg.signal.DetectionEvaluation;
import org.convkit.ecg.signal.QrsDetector;
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
import java.util.Locale;

/**
 * Plugins &gt; ConvKit &gt; ECG &gt; Detect QRS Complexes: R peaks of one lead as a table (sample,
 * time, RR interval, heart rate), optionally written as WFDB annotations (symbol N) and scored
 * against the record's reference annotations (ANSI/AAMI EC57 sensitivity and positive
 * predictivity, 150 ms tolerance, first and last 0.5 s and ventricular flutter episodes left out).
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>ECG>Detect QRS Complexes")
public class DetectQrsCommand extends ConvKitCommand {

	static final String NO_QRS = "%s, lead %s: no QRS complex was found; the signal may be flat or too noisy, or the lead may not show the QRS "
		+ "complexes (leads: %s; choose one with lead=NAME)";
	static final String ONE_QRS = "%s, lead %s: 1 QRS complex (no heart rate from a single beat)";

	@Parameter(style = FileWidget.OPEN_STYLE, description = "Record file: .hea (WFDB), .edf (EDF/EDF+) or .csv")
	private File record;

	@Parameter(min = "0", description = "Sampling frequency in Hz of a CSV file without a time column")
	private double frequency = 360;

	@Parameter(required = false, description = "Lead to detect on; empty: MLII when present, else the first lead")
	private String lead = "";

	@Parameter(required = false, style = FileWidget.SAVE_STYLE, description = "Optional WFDB annotation file (e.g. 101.qrs) for the detected beats")
	private File output_annotations;

	@Parameter(description = "Score against the reference annotations (WFDB .atr next to the .hea) when present")
	private boolean evaluate = true;

	@Parameter(description = "Replace output_annotations when it exists (never the record's own files)")
	private boolean overwrite = false;

	@Parameter(type = ItemIO.OUTPUT, label = "QRS complexes")
	private ResultsTable beats;

	@Parameter(type = ItemIO.OUTPUT, label = "Summary")
	private String summary;

	@Override
	protected void execute() throws IOException {
		if (EcgCommandSupport.isBlank(record)) throw new IllegalArgumentException(EcgCommandSupport.NO_RECORD);
		Path out = EcgCommandSupport.output(output_annotations, "output_annotations", overwrite, EcgCommandSupport.inputs(record));
		// a WFDB record's reference annotations are read with it when they are to be scored against, with the reader's warnings
		boolean wfdb = EcgFiles.extension(record.toPath()).equals("hea");
		EcgFiles.Annotated in = evaluate && wfdb ? EcgCommandSupport.readAnnotated(record, frequency)
			: new EcgFiles.Annotated(EcgCommandSupport.read(record, frequency), java.util.Optional.empty());
		EcgRecord ecg = in.record();
		EcgRecord.Lead chosen = EcgCommandSupport.detectionLead(ecg, lead, record.toPath());
		QrsDetector.Result result = new QrsDetector().detect(chosen);
		int[] peaks = result.peaks();
		double fs = chosen.frequency();
		beats = new ResultsTable();
		for (int i = 0; i < peaks.length; i++) {
			beats.incrementCounter();
			beats.addValue("beat", i + 1);
			beats.addValue("sample", peaks[i]);
			beats.addValue("time_s", peaks[i] / fs);
			double rr = i == 0 ? Double.NaN : (peaks[i] - peaks[i - 1]) / fs;
			beats.addValue("rr_s", rr);
			beats.addValue("heart_rate_bpm", 60 / rr);
		}
		if (peaks.length == 0) EcgCommandSupport.columns(beats, "beat", "sample", "time_s", "rr_s", "heart_rate_bpm");
		StringBuilder text = new StringBuilder(peaks.length == 0
			? String.format(Locale.ROOT, NO_QRS, ecg.name(), chosen.name(), ecg.leads().stream().map(EcgRecord.Lead::name).toList())
			: peaks.length == 1 ? String.format(Locale.ROOT, ONE_QRS, ecg.name(), chosen.name())
			: String.format(Locale.ROOT, "%s, lead %s: %d QRS complexes, mean heart rate %.1f bpm", ecg.name(), chosen.name(), peaks.length, result.meanHeartRate()));

		// Annotations count frames of the record's frequency; peaks count samples of the lead's.
		double scale = ecg.frequency() / fs;
		int[] framePeaks = new int[peaks.length];
		for (int i = 0; i < peaks.length; i++) framePeaks[i] = (int) Math.round(peaks[i] * scale);
		if (out != null) {
			List<Annotation> annotations = new ArrayList<>(peaks.length);
			for (int p : framePeaks) annotations.add(Annotation.of(p, "N"));
			EcgCommandSupport.write("output_annotations", () -> WfdbAnnotations.write(out, annotations));
			text.append("\nwrote ").append(peaks.length).append(" annotations to ").append(out);
		}
		if (evaluate) {
			Path atr = EcgFiles.referenceAnnotationFile(record.toPath());
			if (in.annotations().isPresent()) {
				List<Annotation> reference = in.annotations().get();
				long length = Math.round(chosen.samples().length * scale);
				DetectionEvaluation.RecordResult r = DetectionEvaluation.compare(ecg.name(), DetectionEvaluation.referenceBeats(reference),
					framePeaks, ecg.frequency(), length, 0.5, DetectionEvaluation.ventricularFlutterIntervals(reference));
				text.append(String.format(Locale.ROOT, "\nEC57 against %s: Se %.2f%%, +P %.2f%% (TP %d, FP %d, FN %d of %d reference beats)",
					atr.getFileName(), 100 * r.sensitivity(), 100 * r.positivePredictivity(), r.tp(), r.fp(), r.fn(), r.referenceBeats()));
			} else {
				text.append("\nevaluate: no reference annotations (").append(atr.getFileName())
					.append(" next to a .hea record); not evaluated");
			}
		}
		summary = text + EcgCommandSupport.warnings(in);
	}
}
