package org.convkit.commands.face;

import ij.ImagePlus;
import org.convkit.commands.ConvKitCommand;
import org.convkit.core.runtime.ConvKitService;
import org.convkit.face.FacePipeline;
import org.scijava.plugin.Parameter;

import java.io.IOException;
import java.util.List;

/** The parameters every face command that encodes faces shares: how faces are found. */
abstract class FaceCommand extends ConvKitCommand {

	@Parameter
	protected ConvKitService convKit;

	@Parameter(choices = { "detect", "cropped", "cropped_resize" }, description = "detect: find the faces; cropped: each image is one face (align on landmarks); cropped_resize: each image is one face (resize only)")
	protected String face_mode = "detect";

	@Parameter(min = "0.05", max = "1", description = "Minimum detection score of a face")
	protected double min_score = 0.5;

	@Parameter(min = "128", max = "1024", description = "Detector input size, a multiple of 32: larger finds smaller faces (128 for small cropped faces)")
	protected int input_size = 416;

	/** Every face of every slice of the image (or its ROI), with its encoding. */
	protected List<FacePipeline.Face> faces(ImagePlus image, String parameter) throws IOException {
		return new FacePipeline(convKit.runtime()).faces(FaceSupport.planes(image, parameter), options());
	}

	protected FacePipeline.Options options() {
		return new FacePipeline.Options(FacePipeline.Mode.fromKey(face_mode), min_score, input_size);
	}
}
