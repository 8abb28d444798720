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
 * Plugins &gt; ConvKit &gt; Faces &gt; Verify Face: is each face the claimed person? Same when the
 * distance to the person's closest gallery encoding is at most tau, or ({@code rule=classifier})
 * when the pair classifier's y_hat with the closest encoding is at least its threshold: one
 * forward pass for the query, the gallery's encodings are stored.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Faces>Verify Face")
public class VerifyFaceCommand extends FaceMatchingCommand {

	@Parameter(description = "Image or stack")
	private ImagePlus image;

	@Parameter(description = "The claimed person, as enrolled in the gallery")
	private String name;

	@Parameter(description = "Gallery file (.json)")
	private File gallery;

	@Parameter(type = ItemIO.OUTPUT, label = "Verification")
	private ResultsTable verification;

	@Override
	protected void execute() throws IOException {
		FaceGallery people = FaceSupport.loadGallery(gallery, encoder());
		PairRule same = pairRule();
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
