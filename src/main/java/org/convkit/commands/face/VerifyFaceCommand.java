package org.convkit.commands.face;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.convkit.face.FaceGallery;
import org.convkit.face.FaceMatcher;
import org.convkit.face.FacePipeline;
import org.convkit.face.PairClassifier;
import org.convkit.face.PairRule;
import org.scijava.widget.FileWidget;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plugins &gt; ConvKit &gt; Faces &gt; Verify Face: is each face the claimed person? Same when the
 * distance to the person's closest gallery encoding is at most tau, or ({@code rule=classifier})
 * when the pair classifier's y_hat with the closest encoding is at least its threshold: one
 * forward pass for the query, the gallery's encodings are stored.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Faces>Verify Face")
public class VerifyFaceCommand extends FaceCommand {

	@Parameter(description = "Image or stack")
	private ImagePlus image;

	@Parameter(description = "The claimed person, as enrolled in the gallery")
	private String name;

	@Parameter(description = "Gallery file (.json)")
	private File gallery;

	@Parameter(choices = { "distance", "classifier" }, description = "distance: same when d <= tau; classifier: same when the pair classifier's y_hat >= tau")
	private String rule = "distance";

	@Parameter(required = false, style = FileWidget.DIRECTORY_STYLE, description = "Pair classifier folder (Train Pair Classifier), for rule=classifier")
	private File classifier;

	@Parameter(min = "0", max = "2", description = "rule=distance: largest Euclidean distance between encodings of one person (0: the model's own; "
		+ "0.6, dlib's, for the pretrained network); rule=classifier: smallest y_hat (0: the classifier's own, 0.5)")
	private double tau = 0;

	@Parameter(type = ItemIO.OUTPUT, label = "Verification")
	private ResultsTable verification;

	@Override
	protected void execute() throws IOException {
		FaceGallery people = FaceSupport.loadGallery(gallery, encoder());
		PairRule same = FaceSupport.rule(rule, classifier, tau, encoder(), encoderTau());
		boolean probability = same instanceof PairClassifier;
		FaceMatcher matcher = new FaceMatcher(people, same);
		people.encodings(name); // an unknown claimed name is bad input, before any work
		if (image == null) throw new IllegalArgumentException(FaceSupport.NO_IMAGE);
		List<FacePipeline.Face> faces = faces(image, "image");
		verification = new ResultsTable();
		List<String> labels = new ArrayList<>();
		List<Color> colours = new ArrayList<>();
		for (FacePipeline.Face face : faces) {
			FaceMatcher.Verification v = matcher.verify(face.encoding(), name);
			FaceSupport.addFaceColumns(verification, face, FaceSupport.origin(image));
			verification.addValue("claimed", name);
			if (probability) verification.addValue("probability", 1 - v.distance()); // the rule's dissimilarity is 1 - y_hat
			else {
				verification.addValue("distance", v.distance());
				verification.addValue("squared_distance", v.squaredDistance());
			}
			verification.addValue("same", v.same() ? 1 : 0);
			labels.add(String.format(Locale.ROOT, "%s? %s %.2f", name, v.same() ? "yes" : "no", probability ? 1 - v.distance() : v.distance()));
			colours.add(v.same() ? Color.GREEN : Color.RED);
		}
		FaceSupport.addMissingSlices(verification, image, faces);
		FaceSupport.drawFaces(image, faces, labels, colours);
	}
}
