package org.convkit.face;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ij.ImagePlusImgs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The whole pipeline on the bundled photo: tilted faces, stacks, modes. */
class FacePipelineTest {

	private static ImagePlus photo;
	private static FacePipeline pipeline;

	@BeforeAll
	static void load() throws IOException {
		Path file = Files.createTempFile("group", ".jpg");
		try (InputStream in = FacePipelineTest.class.getResourceAsStream("/org/convkit/demo/faces/group-of-three.jpg")) {
			Files.write(file, in.readAllBytes());
		}
		photo = IJ.openImage(file.toString());
		Files.delete(file);
		pipeline = new FacePipeline(ConvKitRuntime.get());
	}

	private static List<RandomAccessibleInterval<FloatType>> planes(ImagePlus image) {
		return FaceImages.rgbPlanes(ImagePlusImgs.wrap(image), 0, 255);
	}

	/** The middle person's face, with context, turned by {@code degrees} about the crop's centre. */
	private static ImagePlus middleFace(double degrees) {
		ImageProcessor crop = photo.getProcessor().duplicate();
		crop.setRoi(240, 80, 300, 300);
		ImageProcessor face = crop.crop();
		face.setBackgroundValue(0);
		face.setInterpolationMethod(ImageProcessor.BILINEAR);
		face.rotate(degrees);
		return new ImagePlus("face " + degrees, face);
	}

	private static FacePipeline.Face onlyFace(ImagePlus image) throws IOException {
		List<FacePipeline.Face> faces = pipeline.faces(planes(image), new FacePipeline.Options(FacePipeline.Mode.DETECT, 0.3, 416));
		assertEquals(1, faces.size(), image.getTitle());
		return faces.get(0);
	}

	@Test
	void tiltedFacesAreLevelledBeforeEncoding() throws IOException {
		FacePipeline.Face upright = onlyFace(middleFace(0));
		for (double degrees : new double[] { -15, 25 }) {
			FacePipeline.Face tilted = onlyFace(middleFace(degrees));
			double levelled = FaceMatcher.distance(upright.encoding(), tilted.encoding());
			// The same chip without levelling: eyes moved to their mean height, so the angle is 0.
			FaceLandmarks points = tilted.landmarks();
			double eyeY = (points.leftEye()[1] + points.rightEye()[1]) / 2;
			float[] unlevelled = new FaceEncoder(ConvKitRuntime.get()).encode(FaceAligner.chip(planes(middleFace(degrees)).get(0),
				new double[] { points.leftEye()[0], eyeY }, new double[] { points.rightEye()[0], eyeY }, points.mouth()));
			double notLevelled = FaceMatcher.distance(upright.encoding(), unlevelled);
			System.out.printf("%+.0f degrees: levelled %.3f, not levelled %.3f%n", degrees, levelled, notLevelled);
			assertTrue(levelled < 0.3, degrees + " degrees: distance to the upright face " + levelled);
			assertTrue(levelled < notLevelled, degrees + " degrees: levelled " + levelled + ", not levelled " + notLevelled);
			// ImageJ turns clockwise on screen: with y pointing down, that adds to the eye line's angle.
			assertEquals(degrees, Math.toDegrees(Math.atan2(points.rightEye()[1] - points.leftEye()[1],
				points.rightEye()[0] - points.leftEye()[0])) - angleOf(upright.landmarks()), 6, "eye line follows the turn");
		}
	}

	private static double angleOf(FaceLandmarks points) {
		return Math.toDegrees(Math.atan2(points.rightEye()[1] - points.leftEye()[1], points.rightEye()[0] - points.leftEye()[0]));
	}

	@Test
	void slicesAreNumberedAndDetectSkipsEncoding() throws IOException {
		ij.ImageStack stack = new ij.ImageStack(photo.getWidth(), photo.getHeight());
		stack.addSlice(photo.getProcessor().duplicate());
		stack.addSlice(new ij.process.ColorProcessor(photo.getWidth(), photo.getHeight()));
		stack.addSlice(photo.getProcessor().duplicate());
		List<FacePipeline.Face> faces = pipeline.faces(planes(new ImagePlus("s", stack)), FacePipeline.Options.DEFAULT);
		assertEquals(List.of(1, 1, 1, 3, 3, 3), faces.stream().map(FacePipeline.Face::slice).toList(), "no face on the black slice 2");
		for (int i = 0; i < 3; i++) assertArrayEquals(faces.get(i).encoding(), faces.get(i + 3).encoding(), 1e-5f, "same image, same encoding");
		List<FacePipeline.Face> boxes = pipeline.detect(planes(new ImagePlus("s", stack)), FacePipeline.Options.DEFAULT);
		assertEquals(6, boxes.size());
		assertNull(boxes.get(0).encoding());
	}
}
