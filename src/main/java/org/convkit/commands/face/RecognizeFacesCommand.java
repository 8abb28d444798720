package org.convkit.commands.face;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.convkit.face.FaceGallery;
import org.convkit.face.FaceMatcher;
import org.convkit.face.FacePipeline;
import org.convkit.face.PairClassifier;
import org.convkit.face.PairRule;
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
 * Plugins &gt; ConvKit &gt; Faces &gt; Recognize Faces: the gallery's nearest person for each face,
 * or "unknown" beyond tau, with the distance and the runner-up; with {@code rule=classifier} the
 * person whose encoding gives the highest y_hat, "unknown" below the classifier's threshold.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Faces>Recognize Faces")
public class RecognizeFacesCommand extends FaceMatchingCommand {

	@Parameter(description = "Image or stack")
	private ImagePlus image;

	@Parameter(description = "Gallery file (.json)")
	private File gallery;

	@Parameter(type = ItemIO.OUTPUT, label = "Recognition")
	private ResultsTable recognition;

	@Override
	protected void execute() throws IOException {
		FaceGallery people = FaceSupport.loadGallery(gallery, encoder());
		PairRule same = pairRule();
		boolean probability = same instanceof PairClassifier;
		// Checked before any work: an image without faces would otherwise pass without a word.
		if (people.isEmpty()) throw new IllegalArgumentException(FaceMatcher.EMPTY_GALLERY);
		FaceMatcher matcher = new FaceMatcher(people, same);
		if (image == null) throw new IllegalArgumentException(FaceSupport.NO_IMAGE);
		List<FacePipeline.Face> faces = faces(image, "image");
		recognition = new ResultsTable();
		List<String> labels = new ArrayList<>();
		List<Color> colours = new ArrayList<>();
		for (FacePipeline.Face face : faces) {
			FaceMatcher.Recognition r = matcher.recognize(face.encoding());
			FaceSupport.addFaceColumns(recognition, face, FaceSupport.origin(image));
			recognition.addValue("identity", r.identity());
			double runnerUp = Double.isInfinite(r.runnerUpDistance()) ? Double.NaN : r.runnerUpDistance();
			if (probability) { // the rule's dissimilarity is 1 - y_hat
				recognition.addValue("probability", 1 - r.distance());
				recognition.addValue("runner_up", r.runnerUp());
				recognition.addValue("runner_up_probability", 1 - runnerUp);
			}
			else {
				recognition.addValue("distance", r.distance());
				recognition.addValue("squared_distance", r.distance() * r.distance());
				recognition.addValue("runner_up", r.runnerUp());
				recognition.addValue("runner_up_distance", runnerUp);
			}
			labels.add(String.format(Locale.ROOT, "%s %.2f", r.identity(), probability ? 1 - r.distance() : r.distance()));
			colours.add(r.known() ? Color.GREEN : Color.ORANGE);
		}
		FaceSupport.addMissingSlices(recognition, image, faces);
		FaceSupport.drawFaces(image, faces, labels, colours);
	}
}
