package org.convkit.commands.face;

import org.convkit.face.PairRule;
import org.scijava.plugin.Parameter;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;

/** The face commands that decide "same person" (Verify Face, Recognize Faces, Evaluate Verification): the rule and its threshold. */
abstract class FaceMatchingCommand extends FaceCommand {

	@Parameter(choices = { "distance", "classifier" }, description = "distance: same when d <= tau; classifier: same when the pair classifier's y_hat >= tau")
	protected String rule = "distance";

	@Parameter(required = false, style = FileWidget.DIRECTORY_STYLE, description = "Pair classifier folder (Train Pair Classifier), for rule=classifier")
	protected File classifier;

	@Parameter(min = "0", max = "2", description = "rule=distance: largest Euclidean distance between encodings of one person (0: the model's own; "
		+ "0.6, dlib's, for the pretrained network); rule=classifier: smallest y_hat (0: the classifier's own)")
	protected double tau = 0;

	/** The rule of {@code rule}, {@code classifier} and {@code tau} ({@link FaceSupport#rule}). */
	protected PairRule pairRule() throws IOException {
		return FaceSupport.rule(rule, classifier, tau, encoder(), encoderTau());
	}
}
