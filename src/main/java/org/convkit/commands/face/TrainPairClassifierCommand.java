package org.convkit.commands.face;

import ij.measure.ResultsTable;
import org.convkit.face.FaceEncoder;
import org.convkit.face.LabelledFaces;
import org.convkit.face.PairClassifier;
import org.convkit.face.PairClassifierTrainer;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Plugins &gt; ConvKit &gt; Faces &gt; Train Pair Classifier: y_hat = sigma(sum_k w_k x_k + b) on the
 * features of pairs of encodings by a frozen encoder ({@code model}; empty: the pretrained
 * network), learnt by logistic regression on all same/different pairs of a folder of
 * {@code person/*} images ({@link PairClassifierTrainer}). Each face is encoded once. Saved to
 * {@code classifier} for Verify Face, Recognize Faces and Evaluate Verification ({@code rule=classifier}).
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Faces>Train Pair Classifier")
public class TrainPairClassifierCommand extends FaceCommand {

	static final String NO_CLASSIFIER = "classifier: expected a folder to save the pair classifier in";

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "Folder with one subfolder of images per person")
	private File folder;

	@Parameter(required = false, description = "Persons to use, e.g. 's1-s10' or 'ann, bob'; empty: every subfolder")
	private String persons = "";

	@Parameter(choices = { "absolute", "chi_square", "squared" }, description = "Pair features: |f_k(a) - f_k(b)|, (f_k(a) - f_k(b))^2 / (|f_k(a)| + |f_k(b)|), or (f_k(a) - f_k(b))^2")
	private String form = "absolute";

	@Parameter(min = "0", max = "0.99", description = "The classifier's threshold on y_hat (0: the one of best accuracy over all pairs of these persons)")
	private double threshold = 0;

	@Parameter(description = "Random seed (which different-person pairs are used beyond 60,000 pairs)")
	private long seed = 1;

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "Folder to save the classifier in (created if needed): pair_classifier.json")
	private File classifier;

	@Parameter(description = "Save into a folder that is not empty, replacing its pair_classifier.json")
	private boolean overwrite = false;

	@Parameter
	private LogService log;

	@Parameter(type = ItemIO.OUTPUT, label = "Pair classifier")
	private ResultsTable weights;

	@Parameter(type = ItemIO.OUTPUT, label = "Summary")
	private String summary;

	@Override
	protected void execute() throws IOException {
		if (isBlank(classifier)) throw new IllegalArgumentException(NO_CLASSIFIER);
		PairClassifier.Form features = PairClassifier.Form.fromKey(form);
		if (folder == null) throw new IllegalArgumentException(String.format(FaceModelFolders.NOT_A_FOLDER, folder));
		FaceModelFolders.check("classifier", classifier.toPath(), overwrite, List.of(PairClassifier.FILE), folder.toPath());
		LabelledFaces faces = LabelledFaces.read(folder.toPath(), persons, pipeline(), options(), 2);
		faces.skipped().forEach(line -> log.warn("folder: " + line));
		var encodings = faces.encode(new FaceEncoder(convKit.runtime(), encoderNetwork()));
		PairClassifier trained = PairClassifierTrainer.train(encodings, features, encoder(), seed, threshold);
		trained.save(classifier.toPath());
		weights = new ResultsTable();
		double[] w = trained.weights();
		for (int k = 0; k < w.length; k++) {
			weights.incrementCounter();
			weights.addValue("k", k);
			weights.addValue("w", w[k]);
		}
		weights.incrementCounter();
		weights.addValue("k", "b");
		weights.addValue("w", trained.bias());
		summary = String.format(Locale.ROOT, "trained a %s pair classifier on %d persons (%d faces) encoded by %s, penalty %s (%s), threshold %.4f on y_hat; saved to %s%s",
			form, faces.names().size(), faces.size(), encoder(), trained.training().get("penalty").getAsString(),
			trained.training().get("penalty_chosen_on").getAsString(), trained.probabilityThreshold(), classifier,
			faces.skipped().isEmpty() ? "" : "\nskipped: " + String.join("\nskipped: ", faces.skipped()));
	}
}
