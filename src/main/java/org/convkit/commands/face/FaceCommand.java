package org.convkit.commands.face;

import ij.ImagePlus;
import org.convkit.core.runtime.ModelSpec;
import org.convkit.face.FaceMatcher;
import org.convkit.face.FacePipeline;
import org.convkit.face.net.FaceRecognitionNet;
import org.convkit.face.train.EmbeddingModel;
import org.scijava.plugin.Parameter;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;
import java.util.List;

/** The parameters every face command that encodes faces shares: how faces are found, and the encoder ({@code model}). */
abstract class FaceCommand extends FaceFindingCommand {

	@Parameter(required = false, style = FileWidget.DIRECTORY_STYLE, description = "Trained embedding (a folder from Train Face Embedding); empty: the pretrained 128-D network")
	protected File model;

	private ModelSpec encoder;

	/** Every face of every slice of the image (or its ROI), with its encoding. */
	protected List<FacePipeline.Face> faces(ImagePlus image, String parameter) throws IOException {
		return pipeline().faces(FaceSupport.planes(image, parameter), options());
	}

	/** The pipeline with this command's encoder. */
	protected FacePipeline pipeline() throws IOException {
		return new FacePipeline(convKit.runtime(), encoderNetwork());
	}

	/** The encoder network: the trained embedding of {@code model}, else the pretrained one (read once per run). */
	protected ModelSpec encoderNetwork() throws IOException {
		if (encoder == null) encoder = isBlank(model) ? FaceRecognitionNet.INSTANCE : EmbeddingModel.open(model.toPath());
		return encoder;
	}

	/** The id of the encoder: what a gallery must have been made with. */
	protected String encoder() throws IOException {
		return encoderNetwork().id();
	}

	/** The encoder's own distance threshold: 0.6 for the pretrained network, the trained model's recommended tau. */
	protected double encoderTau() throws IOException {
		return encoderNetwork() instanceof EmbeddingModel trained ? trained.tau() : FaceMatcher.DEFAULT_TAU;
	}

}
