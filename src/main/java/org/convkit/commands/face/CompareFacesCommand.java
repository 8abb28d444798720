package org.convkit.commands.face;

import ij.ImagePlus;
import org.convkit.face.FaceGallery;
import org.convkit.face.FaceMatcher;
import org.convkit.face.FacePipeline;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.IOException;
import java.util.List;

/** Plugins &gt; ConvKit &gt; Faces &gt; Compare Faces: the distance between the faces of two images. */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Faces>Compare Faces")
public class CompareFacesCommand extends FaceCommand {

	/** Parameter, image title, faces found, and how to show the face ({@link FaceSupport#showTheFace}). */
	static final String NOT_ONE_FACE = "%s: expected one face in '%s', found %d; %s";
	static final String HINT_ROI = "crop to the face (ROI) or use face_mode=cropped";

	@Parameter(description = "First image, one face")
	private ImagePlus image1;

	@Parameter(description = "Second image, one face")
	private ImagePlus image2;

	@Parameter(min = "0", max = "2", description = "Largest distance between encodings of one person (0: the model's own; 0.6, dlib's, for the pretrained network)")
	private double tau = 0;

	@Parameter(type = ItemIO.OUTPUT)
	private double distance;

	@Parameter(type = ItemIO.OUTPUT)
	private double squared_distance;

	@Parameter(type = ItemIO.OUTPUT)
	private boolean same;

	@Override
	protected void execute() throws IOException {
		float[] a = oneFace("image1", image1);
		float[] b = oneFace("image2", image2);
		distance = FaceMatcher.distance(a, b);
		squared_distance = distance * distance;
		same = distance <= (tau > 0 ? tau : encoderTau());
	}

	private float[] oneFace(String parameter, ImagePlus image) throws IOException {
		if (image == null) throw new IllegalArgumentException(parameter + ": expected an open image");
		if (image.getStackSize() > 1) throw new IllegalArgumentException(parameter + ": expected a single image, got a stack of " + image.getStackSize());
		List<FacePipeline.Face> faces;
		try {
			faces = faces(image, parameter);
		}
		catch (IllegalArgumentException e) {
			// The face networks name their input "image"; here there are two.
			String message = e.getMessage();
			throw new IllegalArgumentException(message.startsWith("image:") ? parameter + message.substring(5) : message, e);
		}
		if (faces.size() != 1) throw new IllegalArgumentException(String.format(NOT_ONE_FACE, parameter, FaceGallery.shorten(image.getTitle()), faces.size(), FaceSupport.showTheFace(HINT_ROI)));
		return faces.get(0).encoding();
	}
}
