package org.convkit.commands.face;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.convkit.face.FaceGallery;
import org.convkit.face.FacePipeline;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;
import java.util.List;

/**
 * Plugins &gt; ConvKit &gt; Faces &gt; Enroll Face: adds a person to a gallery from one image (or its
 * ROI): one face per slice, each slice one more encoding of that person. No retraining. When the
 * detector finds no face inside a rectangle ROI, the ROI itself is taken as the face. The gallery is
 * checked before any work (readable, same encoder, writable); the faces are encoded; then the
 * gallery is read again, extended and saved under its lock, so enrolments running at the same time
 * (other threads or JVMs) all end up in it.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Faces>Enroll Face")
public class EnrollFaceCommand extends FaceCommand {

	/** Slice, image title, faces found, and how to show the face ({@link FaceSupport#showTheFace}). */
	static final String NOT_ONE_FACE = "image: expected one face in slice %d of '%s', found %d; %s, or lower/raise min_score";
	static final String HINT_ROI = "draw a rectangle ROI around the face";

	@Parameter(description = "Image, stack or ROI with one face per slice")
	private ImagePlus image;

	@Parameter(description = "The person's name (letters, digits, spaces, . _ ' -)")
	private String name;

	@Parameter(style = FileWidget.SAVE_STYLE, description = "Gallery file (.json); created if it does not exist")
	private File gallery;

	@Parameter(type = ItemIO.OUTPUT, label = "Enrolled")
	private ResultsTable enrolled;

	@Override
	protected void execute() throws IOException {
		FaceGallery.checkName(name);
		// Before any work: the gallery must be one this ConvKit can add to (readable, same encoder, writable).
		FaceSupport.loadOrCreateGallery(gallery, encoder());
		FaceSupport.checkWritable(gallery);
		if (image == null) throw new IllegalArgumentException(FaceSupport.NO_IMAGE);
		List<FacePipeline.Face> faces = faces(image, "image");
		if (faces.isEmpty() && face_mode.equals("detect") && image.getRoi() != null && image.getRoi().isArea()) {
			// A ROI drawn tight around a face leaves the detector too little context: the ROI is the face.
			faces = pipeline().faces(FaceSupport.planes(image, "image"), new FacePipeline.Options(FacePipeline.Mode.CROPPED, min_score, input_size));
		}
		int planes = image.getNSlices() * image.getNFrames();
		for (int slice = 1; slice <= planes; slice++) {
			int inSlice = slice;
			long count = faces.stream().filter(f -> f.slice() == inSlice).count();
			if (count != 1) {
				throw new IllegalArgumentException(String.format(NOT_ONE_FACE, slice, FaceGallery.shorten(image.getTitle()), count, FaceSupport.showTheFace(HINT_ROI)));
			}
		}
		List<FacePipeline.Face> found = faces;
		// The encodings are ready: now the gallery as it is at this moment (another enrolment may
		// have saved it meanwhile), under its lock, gets this person's encodings.
		FaceGallery people = FaceSupport.update(gallery, true, encoder(), g -> {
			for (FacePipeline.Face face : found) g.enroll(name, face.encoding());
		});
		enrolled = new ResultsTable();
		int encodings = people.encodings(name).size();
		for (FacePipeline.Face face : faces) {
			FaceSupport.addFaceColumns(enrolled, face, FaceSupport.origin(image));
			enrolled.addValue("name", name);
			enrolled.addValue("encodings", encodings);
		}
	}
}
