package org.convkit.commands.ecg;

import ij.ImagePlus;
import ij.gui.Plot;
import ij.measure.Calibration;
import ij.process.FloatProcessor;
import org.convkit.commands.ConvKitCommand;
import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgFiles;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.beats.AamiClass;
import org.convkit.ecg.io.WfdbAnnotations;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Plugins &gt; ConvKit &gt; ECG &gt; Open ECG Record: a WFDB, EDF or CSV record as a plot of a time
 * window (every lead, offset vertically, beats marked by their symbol in their AAMI class's colour:
 * the reference beats, or those of another annotation file such as a classifier's) and as a
 * calibrated 32-bit image of leads x samples.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>ECG>Open ECG Record")
public class OpenEcgRecordCommand extends ConvKitCommand {

	static final String BAD_START = "start_s: expected a time from 0 to the record's length, %s s, got %s";
	static final String BAD_DURATION = "duration_s: expected a positive number of seconds, got %s";
	static final String NO_ANNOTATION_FILE = "annotation_file: file not found: %s";
	static final String ANNOTATION_FOLDER = "annotation_file: %s is a folder; expected a WFDB annotation file (e.g. 208.cnn)";

	@Parameter(style = FileWidget.OPEN_STYLE, description = "Record file: .hea (WFDB), .edf (EDF/EDF+) or .csv")
	private File record;

	@Parameter(min = "0", description = "Sampling frequency in Hz of a CSV file without a time column")
	private double frequency = 360;

	@Parameter(min = "0", description = "Start of the plotted window in seconds")
	private double start_s = 0;

	@Parameter(min = "0", description = "Length of the plotted window in seconds")
	private double duration_s = 10;

	@Parameter(description = "Mark the beats: of annotation_file when given, else the reference beats (WFDB .atr next to the .hea, or EDF+ annotations)")
	private boolean show_annotations = true;

	@Parameter(required = false, style = FileWidget.OPEN_STYLE, description = "Optional WFDB annotation file to mark instead of the reference (e.g. the output of Classify ECG Beats)")
	private File annotation_file;

	@Parameter(type = ItemIO.OUTPUT, label = "Plot")
	private ImagePlus plot;

	@Parameter(type = ItemIO.OUTPUT, label = "Signal")
	private ImagePlus signal;

	@Parameter(type = ItemIO.OUTPUT, label = "Beats shown")
	private int annotation_count;

	@Parameter(type = ItemIO.OUTPUT, label = "Info")
	private String info;

	@Override
	protected void execute() throws IOException {
		// the record's own annotations come with it (an EDF+ file holds both and is read once)
		boolean ownAnnotations = show_annotations && EcgCommandSupport.isBlank(annotation_file);
		if (show_annotations && !ownAnnotations) {
			if (Files.isDirectory(annotation_file.toPath())) throw new IllegalArgumentException(String.format(ANNOTATION_FOLDER, annotation_file));
			if (!Files.isRegularFile(annotation_file.toPath())) throw new IllegalArgumentException(String.format(NO_ANNOTATION_FILE, annotation_file));
		}
		EcgFiles.Annotated in = ownAnnotations ? EcgCommandSupport.readAnnotated(record, frequency)
			: new EcgFiles.Annotated(EcgCommandSupport.read(record, frequency), Optional.empty());
		EcgRecord ecg = in.record();
		double f = ecg.frequency();
		double length = ecg.leads().stream().mapToDouble(EcgRecord.Lead::durationSeconds).max().orElse(0);
		if (!(start_s >= 0 && start_s < length)) {
			throw new IllegalArgumentException(String.format(Locale.ROOT, BAD_START, fmt(length), fmt(start_s)));
		}
		if (!(duration_s > 0 && Double.isFinite(duration_s))) throw new IllegalArgumentException(String.format(Locale.ROOT, BAD_DURATION, fmt(duration_s)));
		double end = Math.min(length, start_s + duration_s);
		StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%s: %d lead%s, %s Hz, %s s; showing %s-%s s",
			ecg.name(), ecg.leads().size(), ecg.leads().size() == 1 ? "" : "s", fmt(f), fmt(length), fmt(start_s), fmt(end)));
		text.append(EcgCommandSupport.warnings(in));

		List<Annotation> beats = new ArrayList<>();
		if (show_annotations) {
			Optional<List<Annotation>> annotations = in.annotations();
			if (!ownAnnotations) {
				// a file cut short is shown as far as it goes, with a warning, as a record's own .atr is
				WfdbAnnotations.Contents given = WfdbAnnotations.readAsFarAsItGoes(annotation_file.toPath());
				annotations = Optional.of(given.annotations());
				text.append(EcgCommandSupport.warnings(given.warnings()));
			}
			if (annotations.isEmpty()) {
				text.append("\nshow_annotations: no annotations for ").append(record.getName()).append(" (expected ")
					.append(EcgFiles.extension(record.toPath()).equals("hea")
						? EcgFiles.referenceAnnotationFile(record.toPath()).getFileName() + " next to it"
						: "an EDF+ annotation signal or a WFDB record with a .atr file")
					.append("); showing the signal only");
			} else {
				long from = (long) Math.ceil(start_s * f), to = (long) Math.ceil(end * f);
				for (Annotation a : annotations.get()) {
					if (a.sample() >= from && a.sample() < to && AamiClass.isBeat(a.symbol())) beats.add(a);
				}
				text.append("\n").append(beats.size()).append(" beats in the window");
				if (!EcgCommandSupport.isBlank(annotation_file)) text.append(" (from ").append(annotation_file.getName()).append(')');
			}
		}
		annotation_count = beats.size();
		plot = plot(ecg, end, beats).getImagePlus();
		plot.setTitle(ecg.name() + "-plot");
		signal = signalImage(ecg);
		info = text.toString();
	}

	private Plot plot(EcgRecord ecg, double end, List<Annotation> beats) {
		List<EcgRecord.Lead> leads = ecg.leads();
		int n = leads.size();
		double[][] xs = new double[n][], ys = new double[n][];
		double[] mins = new double[n], maxs = new double[n];
		double spacing = 0;
		for (int k = 0; k < n; k++) {
			EcgRecord.Lead lead = leads.get(k);
			int from = (int) Math.ceil(start_s * lead.frequency());
			int to = Math.min(lead.samples().length, (int) Math.ceil(end * lead.frequency()));
			int count = Math.max(0, to - from);
			xs[k] = new double[count];
			ys[k] = new double[count];
			double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
			for (int i = 0; i < count; i++) {
				xs[k][i] = (from + i) / lead.frequency();
				float v = lead.samples()[from + i];
				ys[k][i] = v;
				if (!Float.isNaN(v)) {
					min = Math.min(min, v);
					max = Math.max(max, v);
				}
			}
			if (min > max) min = max = 0;
			mins[k] = min;
			maxs[k] = max;
			spacing = Math.max(spacing, max - min);
		}
		spacing = spacing > 0 ? spacing * 1.2 : 1;
		String units = leads.stream().map(EcgRecord.Lead::units).distinct().count() == 1 ? leads.get(0).units() : "mixed units";
		Plot p = new Plot(ecg.name() + String.format(Locale.ROOT, " %s-%s s", fmt(start_s), fmt(end)), "time (s)",
			n > 1 ? "amplitude (" + units + "), leads offset by " + fmt(spacing) : "amplitude (" + units + ")");
		double[] offsets = new double[n];
		double top = Double.NEGATIVE_INFINITY, bottom = Double.POSITIVE_INFINITY;
		for (int k = 0; k < n; k++) {
			// First lead on top: lead k is moved down k spacings, about its own centre.
			offsets[k] = -k * spacing - (mins[k] + maxs[k]) / 2;
			double[] y = ys[k];
			for (int i = 0; i < y.length; i++) y[i] += offsets[k];
			top = Math.max(top, maxs[k] + offsets[k]);
			bottom = Math.min(bottom, mins[k] + offsets[k]);
			p.setColor(Color.DARK_GRAY);
			p.addPoints(xs[k], y, Plot.LINE);
		}
		double margin = 0.15 * spacing;
		p.setLimits(start_s, end, bottom - margin, top + 2 * margin);
		p.setColor(Color.BLACK);
		for (int k = 0; k < n; k++) {
			EcgRecord.Lead lead = leads.get(k);
			p.addText(lead.name() + " (" + lead.units() + ")", start_s + 0.01 * (end - start_s), maxs[k] + offsets[k] + 0.5 * margin);
		}
		if (!beats.isEmpty()) {
			// Beats sit on the top lead at the record's frequency (annotation samples count its frames).
			int k = 0;
			for (int j = 0; j < n; j++) {
				if (leads.get(j).frequency() == ecg.frequency()) {
					k = j;
					break;
				}
			}
			EcgRecord.Lead lead = leads.get(k);
			double scale = lead.frequency() / ecg.frequency();
			for (AamiClass aami : AamiClass.values()) {
				List<Annotation> ofClass = beats.stream().filter(a -> AamiClass.ofSymbol(a.symbol()).orElse(null) == aami).toList();
				if (ofClass.isEmpty()) continue;
				double[] x = new double[ofClass.size()], y = new double[ofClass.size()];
				p.setColor(EcgCommandSupport.colour(aami));
				for (int i = 0; i < x.length; i++) {
					Annotation a = ofClass.get(i);
					int s = (int) Math.min(lead.samples().length - 1, Math.round(a.sample() * scale));
					x[i] = a.sample() / ecg.frequency();
					float v = lead.samples()[s];
					y[i] = (Float.isNaN(v) ? (mins[k] + maxs[k]) / 2 : v) + offsets[k];
					p.addText(a.symbol(), x[i], maxs[k] + offsets[k] + 1.5 * margin);
				}
				p.addPoints(x, y, Plot.CIRCLE);
			}
		}
		return p;
	}

	/** Leads at the record's frequency as rows of a 32-bit image, one pixel per sample. */
	private static ImagePlus signalImage(EcgRecord ecg) {
		List<EcgRecord.Lead> rows = ecg.leads().stream().filter(l -> l.frequency() == ecg.frequency()).toList();
		int width = rows.stream().mapToInt(l -> l.samples().length).max().orElse(0);
		float[] pixels = new float[width * rows.size()];
		java.util.Arrays.fill(pixels, Float.NaN);
		for (int r = 0; r < rows.size(); r++) {
			float[] s = rows.get(r).samples();
			System.arraycopy(s, 0, pixels, r * width, s.length);
		}
		ImagePlus image = new ImagePlus(ecg.name() + "-signal", new FloatProcessor(width, rows.size(), pixels));
		Calibration cal = image.getCalibration();
		cal.pixelWidth = 1 / ecg.frequency();
		cal.pixelHeight = 1;
		cal.setXUnit("s");
		cal.setYUnit("lead");
		cal.setValueUnit(rows.isEmpty() ? "" : rows.get(0).units());
		image.setProperty("Info", "leads: " + String.join(", ", rows.stream().map(EcgRecord.Lead::name).toList()));
		image.resetDisplayRange();
		return image;
	}

	private static String fmt(double v) {
		return String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+(?=$|e)", "");
	}
}
