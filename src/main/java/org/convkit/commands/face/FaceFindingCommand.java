package org.convkit.commands.face;

import org.convkit.commands.ConvKitCommand;
import org.convkit.core.runtime.ConvKitService;
import org.convkit.face.FacePipeline;
import org.scijava.plugin.Parameter;

import java.io.File;

/** The face-finding parameters that every face command shares, including the trainers and the evaluation. */
abstract class FaceFindingCommand extends ConvKitCommand {

	@Parameter
	protected ConvKitService convKit;

	@Parameter(choices = { "detect", "cropped", "cropped_resize" }, description = "detect: find the faces; cropped: each image is one face (align on landmarks); cropped_resize: each image is one face (resize only)")
	protected String face_mode = "detect";

	@Parameter(min = "0.05", max = "1", description = "Minimum detection score of a face")
	protected double min_score = 0.5;

	@Parameter(min = "128", max = "1024", description = "Detector input size, a multiple of 32: larger finds smaller faces (128 for small cropped faces)")
	protected int input_size = 416;

	protected FacePipeline.Options options() {
		return new FacePipeline.Options(FacePipeline.Mode.fromKey(face_mode), min_score, input_size);
	}

	/** An unset file parameter: null, or empty as macros and dialogs leave it. */
	static boolean isBlank(File file) {
		return file == null || file.getPath().isBlank();
	}
}
