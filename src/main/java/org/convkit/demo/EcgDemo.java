package org.convkit.demo;

import ij.ImagePlus;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.core.io.AtomicFiles;
import org.convkit.core.io.SharedData;
import org.convkit.ij.io.ImageFiles;
import org.scijava.Context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ECG part: MIT-BIH record 208 (from ../shared/data/mitdb when present; otherwise a synthetic
 * record with ventricular and atrial premature beats) classified beat by beat with the shipped
 * model, plotted with the predicted classes next to the cardiologists' reference.
 */
final class EcgDemo implements DemoPart {

	private static final Path MITDB_208 = SharedData.resolve("mitdb/208.hea");
	private static final double START_S = 60, DURATION_S = 15;

	@Override
	public String title() {
		return "ECG: beats detected and classified by the 1-D CNN (N black, S blue, V red, F magenta, Q grey)";
	}

	@Override
	public List<Item> run(Context context, Path folder) throws IOException {
		CommandExecutor executor = new CommandExecutor(context);
		boolean real = Files.isRegularFile(MITDB_208);
		Path record = real ? MITDB_208 : synthetic(folder);
		DemoPart.data(real ? "MIT-BIH record 208 (" + MITDB_208 + ")" : "a synthetic record: " + SharedData.missing(MITDB_208));
		Path predicted = folder.resolve("ecg-predicted.cnn"), beatsCsv = folder.resolve("ecg-beats.csv");
		Map<String, Object> classified = DemoPart.command(executor, "Classify ECG Beats", Map.of("record", record.toFile(),
			"output_csv", beatsCsv.toFile(), "output_annotations", predicted.toFile(), "overwrite", true)); // the demo remakes its own files
		String summary = (String) classified.get("summary");
		AtomicFiles.writeString(folder.resolve("ecg-summary.txt"), summary + "\n");
		ImagePlus predictedPlot = (ImagePlus) DemoPart.command(executor, "Open ECG Record", Map.of("record", record.toFile(),
			"start_s", START_S, "duration_s", DURATION_S, "annotation_file", predicted.toFile())).get("plot");
		ImageFiles.savePng(predictedPlot, folder.resolve("ecg-predicted.png"));
		String source = real ? "MIT-BIH record 208 (" + MITDB_208 + ")" : "a synthetic record (MIT-BIH not found at " + MITDB_208 + ")";
		String window = String.format(Locale.ROOT, "%.0f-%.0f s", START_S, START_S + DURATION_S);
		List<Item> items = new java.util.ArrayList<>();
		items.add(new Item("ecg-predicted.png", "Predicted classes, " + window + " of " + source));
		Path reference = folder.resolve("ecg-reference.png");
		if (real) {
			ImagePlus referencePlot = (ImagePlus) DemoPart.command(executor, "Open ECG Record", Map.of("record", record.toFile(),
				"start_s", START_S, "duration_s", DURATION_S)).get("plot");
			ImageFiles.savePng(referencePlot, reference);
			items.add(new Item("ecg-reference.png", "The reference annotations of the same window (208 is one of the shipped model's "
				+ "training records; patient-wise figures are in the README)"));
		}
		items.add(new Item("ecg-summary.txt", "ecg-summary.txt: " + summary.replace('\n', ' ')));
		items.add(new Item("ecg-beats.csv", "ecg-beats.csv: every beat with its RR intervals, class and class probabilities"));
		return items;
	}

	/** The synthetic record as a CSV (time, MLII): a format every ConvKit command reads. */
	private static Path synthetic(Path folder) throws IOException {
		return SyntheticEcg.writeCsv(SyntheticEcg.generate(120, 360, 7), folder.resolve("ecg-synthetic.csv"));
	}

}
