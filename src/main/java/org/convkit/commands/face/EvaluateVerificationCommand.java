package org.convkit.commands.face;

import ij.ImagePlus;
import ij.gui.Plot;
import ij.measure.ResultsTable;
import org.convkit.core.io.AtomicFiles;
import org.convkit.core.io.Csv;
import org.convkit.core.io.OutputFiles;
import org.convkit.face.FaceEncoder;
import org.convkit.face.LabelledFaces;
import org.convkit.face.PairClassifier;
import org.convkit.face.PairRule;
import org.convkit.face.eval.FaceEvaluation;
import org.convkit.face.eval.PairsFile;
import org.convkit.face.eval.VerificationEvaluation;
import org.convkit.face.eval.VerificationEvaluation.ScoredPair;
import net.imglib2.img.array.ArrayImgs;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Plugins &gt; ConvKit &gt; Faces &gt; Evaluate Verification: how well an encoder ({@code model}) and a
 * rule (distance, or a pair classifier) tell persons apart, on every pair of a folder of
 * {@code person/*} images or on the pairs of an LFW-style {@code pairs} list
 * ({@link VerificationEvaluation}): a one-row {@code summary} (AUC, EER, best tau, accuracy at tau,
 * the 10-fold accuracy with folds split by person, TAR at FAR 1% and 0.1%), the ROC curve as a plot
 * (and {@code output_roc_csv}), every pair's score ({@code output_csv}) and, for a folder and the distance
 * rule, the recognition figures (closed-set rank-1, one-shot open-set false accepts).
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Faces>Evaluate Verification")
public class EvaluateVerificationCommand extends FaceMatchingCommand {

	static final String SAME_OUTPUT = "output_roc_csv: %s is also output_csv; choose another file";

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "Folder with one subfolder of images per person (for pairs: the folder of its images)")
	private File folder;

	@Parameter(required = false, description = "Persons to use (folder without pairs), e.g. 's11-s20'; empty: every subfolder")
	private String persons = "";

	@Parameter(required = false, description = "A pairs list in LFW's pairs.txt format; empty: every pair of the folder's faces")
	private File pairs;

	@Parameter(required = false, style = FileWidget.SAVE_STYLE, description = "CSV of every pair's score")
	private File output_csv;

	@Parameter(required = false, style = FileWidget.SAVE_STYLE, description = "CSV of the ROC curve")
	private File output_roc_csv;

	@Parameter(description = "Replace existing output files")
	private boolean overwrite = false;

	@Parameter
	private LogService log;

	@Parameter(type = ItemIO.OUTPUT, label = "Summary")
	private ResultsTable summary;

	@Parameter(type = ItemIO.OUTPUT, label = "ROC")
	private ImagePlus roc;

	@Parameter(type = ItemIO.OUTPUT, label = "Recognition")
	private String recognition;

	@Override
	protected void execute() throws IOException {
		PairRule same = pairRule();
		boolean probability = same instanceof PairClassifier;
		if (folder == null) throw new IllegalArgumentException(String.format(FaceModelFolders.NOT_A_FOLDER, folder));
		List<Path> inputs = isBlank(pairs) ? List.of() : List.of(pairs.toPath());
		Path scores = isBlank(output_csv) ? null : OutputFiles.check("output_csv", output_csv.toPath(), overwrite, inputs);
		Path curve = isBlank(output_roc_csv) ? null : OutputFiles.check("output_roc_csv", output_roc_csv.toPath(), overwrite, inputs);
		if (scores != null && scores.equals(curve)) throw new IllegalArgumentException(String.format(SAME_OUTPUT, curve));
		FaceEncoder encoder = new FaceEncoder(convKit.runtime(), encoderNetwork());
		List<ScoredPair> scored;
		List<String> skipped = new ArrayList<>();
		if (isBlank(pairs)) {
			LabelledFaces faces = LabelledFaces.read(folder.toPath(), persons, pipeline(), options(), 2);
			skipped.addAll(faces.skipped());
			Map<String, List<float[]>> encodings = faces.encode(encoder);
			Map<String, List<String>> names = new LinkedHashMap<>();
			faces.files().forEach((person, files) -> names.put(person, files.stream().map(f -> person + "/" + f.getFileName()).toList()));
			scored = VerificationEvaluation.allPairs(encodings, names, same);
			recognition = probability ? "recognition figures: for rule=distance only"
				: FaceEvaluation.of(LabelledFaces.padded(encodings), same.threshold()).report();
		}
		else {
			scored = scorePairs(PairsFile.read(pairs.toPath(), folder.toPath()), encoder, same, skipped);
			recognition = "recognition figures: for a folder of persons only (not for a pairs list)";
		}
		skipped.forEach(line -> log.warn("skipped: " + line));
		VerificationEvaluation e = VerificationEvaluation.of(scored, same.threshold());
		summary = new ResultsTable();
		summary.incrementCounter();
		summary.addValue("pairs", scored.size());
		summary.addValue("auc", e.auc());
		summary.addValue("eer", e.eer());
		summary.addValue("best_tau", probability ? 1 - e.bestThreshold() : e.bestThreshold());
		summary.addValue("tau", probability ? 1 - e.threshold() : e.threshold());
		summary.addValue("accuracy_at_tau", e.accuracyAtThreshold());
		summary.addValue("accuracy_10fold", e.accuracy10Fold());
		summary.addValue("accuracy_10fold_sd", e.accuracy10FoldSd());
		summary.addValue("tar_at_far_1pct", e.tarAtFar1pct());
		summary.addValue("tar_at_far_0.1pct", e.tarAtFar01pct());
		summary.addValue("skipped", skipped.size());
		roc = plot(e);
		if (scores != null) writeScores(scores, scored, same.threshold(), probability);
		if (curve != null) writeRoc(curve, e, probability);
	}

	/** Encodes each image of the list once; a pair with an image without a face is skipped and listed. */
	private List<ScoredPair> scorePairs(PairsFile file, FaceEncoder encoder, PairRule same, List<String> skipped) throws IOException {
		Map<Path, float[]> chips = new LinkedHashMap<>();
		for (PairsFile.Pair p : file.pairs()) {
			for (Path image : List.of(p.first(), p.second())) {
				if (!chips.containsKey(image)) chips.put(image, LabelledFaces.chip(pipeline(), image, options()));
			}
		}
		List<Path> found = chips.keySet().stream().filter(k -> chips.get(k) != null).toList();
		float[][] encoded = encoder.encode(found.stream().map(k -> ArrayImgs.floats(chips.get(k), FaceEncoder.CHIP_SIZE, FaceEncoder.CHIP_SIZE, 3)).toList());
		Map<Path, float[]> encodings = new LinkedHashMap<>();
		for (int i = 0; i < found.size(); i++) encodings.put(found.get(i), encoded[i]);
		Map<String, Integer> persons = new LinkedHashMap<>();
		List<ScoredPair> scored = new ArrayList<>();
		for (PairsFile.Pair p : file.pairs()) {
			float[] a = encodings.get(p.first()), b = encodings.get(p.second());
			if (a == null || b == null) {
				skipped.add(String.format(Locale.ROOT, "line %d: no face found in %s", p.line(), a == null ? p.first() : p.second()));
				continue;
			}
			int pa = persons.computeIfAbsent(p.personA(), k -> persons.size()), pb = persons.computeIfAbsent(p.personB(), k -> persons.size());
			scored.add(new ScoredPair(folder.toPath().relativize(p.first()).toString(), folder.toPath().relativize(p.second()).toString(), pa, pb, p.same(),
				same.dissimilarity(a, b), p.fold()));
		}
		return scored;
	}

	private static ImagePlus plot(VerificationEvaluation e) {
		double[] far = e.roc().stream().mapToDouble(VerificationEvaluation.RocPoint::falseAcceptRate).toArray();
		double[] tar = e.roc().stream().mapToDouble(VerificationEvaluation.RocPoint::trueAcceptRate).toArray();
		Plot plot = new Plot("roc", "false-accept rate", "true-accept rate");
		plot.setLimits(0, 1, 0, 1);
		plot.setColor(java.awt.Color.LIGHT_GRAY);
		plot.addPoints(new double[] { 0, 1 }, new double[] { 0, 1 }, Plot.LINE);
		plot.setColor(java.awt.Color.BLUE);
		plot.addPoints(far, tar, Plot.LINE);
		plot.setColor(java.awt.Color.BLACK);
		plot.addLabel(0.45, 0.6, String.format(Locale.ROOT, "AUC %.4f, EER %.4f, %d pairs", e.auc(), e.eer(), e.pairs().size()));
		return plot.getImagePlus();
	}

	private static void writeScores(Path file, List<ScoredPair> scored, double threshold, boolean probability) throws IOException {
		StringBuilder csv = new StringBuilder("first,second,same_person," + (probability ? "probability" : "distance") + ",accepted\n");
		for (ScoredPair p : scored) {
			double value = probability ? 1 - p.dissimilarity() : p.dissimilarity();
			csv.append(Csv.field(p.first())).append(',').append(Csv.field(p.second())).append(',').append(p.same() ? 1 : 0).append(',')
				.append(String.format(Locale.ROOT, "%.6f", value)).append(',').append(p.dissimilarity() <= threshold ? 1 : 0).append('\n');
		}
		AtomicFiles.writeString(file, csv.toString());
	}

	private static void writeRoc(Path file, VerificationEvaluation e, boolean probability) throws IOException {
		StringBuilder csv = new StringBuilder((probability ? "probability_threshold" : "distance_threshold") + ",false_accept_rate,true_accept_rate\n");
		for (VerificationEvaluation.RocPoint p : e.roc()) {
			double t = probability ? 1 - p.threshold() : p.threshold();
			csv.append(Double.isInfinite(t) ? (t > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.6f", t)).append(',')
				.append(String.format(Locale.ROOT, "%.6f,%.6f", p.falseAcceptRate(), p.trueAcceptRate())).append('\n');
		}
		AtomicFiles.writeString(file, csv.toString());
	}
}
