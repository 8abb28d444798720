package org.convkit.commands.face;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.convkit.commands.ConvKitCommand;
import org.convkit.core.runtime.ConvKitService;
import org.convkit.face.FacePipeline;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.awt.Color;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Plugins &gt; ConvKit &gt; Faces &gt; Detect Faces: boxes and scores of every face in every slice. */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Faces>Detect Faces")
public class DetectFacesCommand extends ConvKitCommand {

	@Parameter
	private ConvKitService convKit;

	@Parameter(description = "Image or stack (8/16/32-bit grey or RGB)")
	private ImagePlus image;

	@Parameter(min = "0.05", max = "1", description = "Minimum detection score of a face")
	private double min_score = 0.5;

	@Parameter(min = "128", max = "1024", description = "Detector input size, a multiple of 32: larger finds smaller faces")
	private int input_size = 416;

	@Parameter(type = ItemIO.OUTPUT, label = "Faces")
	private ResultsTable faces;

	@Override
	protected void execute() throws IOException {
		List<FacePipeline.Face> found = new FacePipeline(convKit.runtime()).detect(FaceSupport.planes(image, "image"),
			new FacePipeline.Options(FacePipeline.Mode.DETECT, min_score, input_size));
		faces = new ResultsTable();
		for (FacePipeline.Face face : found) FaceSupport.addFaceColumns(faces, face, FaceSupport.origin(image));
		List<String> labels = found.stream().map(f -> String.format(Locale.ROOT, "%.2f", f.box().score())).toList();
		FaceSupport.drawFaces(image, found, labels, Collections.nCopies(found.size(), Color.YELLOW));
	}
}
