package org.convkit.face;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.loops.LoopBuilder;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import net.imglib2.type.numeric.RealType;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.core.runtime.ModelSpec;
import org.convkit.face.net.FaceRecognitionNet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Image planes to face encodings: detection, 68 landmarks, alignment to a 150x150 chip, the 128-D
 * descriptor. All chips of all planes go through the encoder in batches. For images that already
 * are one cropped face (e.g. the ORL database) the detector is skipped: the whole plane is the
 * face's box (landmarks then align it), or is just resized.
 */
public final class FacePipeline {

	/** How faces are found in a plane. */
	public enum Mode {
		/** Detect every face, landmarks, align. */
		DETECT,
		/** The plane is one face: landmarks on the whole plane, align. */
		CROPPED,
		/** The plane is one face: resize it to the chip, no landmarks. */
		CROPPED_RESIZE;

		/** The macro/parameter name. */
		public String key() {
			return name().toLowerCase(Locale.ROOT);
		}

		public static Mode fromKey(String key) {
			for (Mode mode : values()) {
				if (mode.key().equals(key)) return mode;
			}
			throw new IllegalArgumentException("face_mode: expected one of detect, cropped, cropped_resize, got '" + FaceGallery.shorten(key) + "'");
		}
	}

	/**
	 * Smallest face accepted when the whole plane is the face (cropped, cropped_resize), per side.
	 * The recognition net reads a 150x150 chip and the landmark net a 112x112 input: a face of
	 * fewer than 32 pixels a side (eyes a few pixels apart) is blown up five times or more, and its
	 * encoding describes interpolation blur, not a person, yet it would be enrolled and matched
	 * like any other. face_mode=detect keeps the detector's own minimum
	 * ({@value FaceDetector#MIN_IMAGE_SIZE} pixels; the faces it finds are at least that large).
	 */
	public static final int MIN_FACE_SIZE = 32;
	static final String TOO_SMALL = "image: expected at least %dx%d pixels for face_mode=%s, got %dx%d";

	/** Detector settings: its square input size (multiple of 32) and the minimum score of a face. */
	public record Options(Mode mode, double minScore, int inputSize) {
		public static final Options DEFAULT = new Options(Mode.DETECT, 0.5, 416);
	}

	/** A face found in plane {@code slice} (1-based, ImageJ's numbering), with its encoding. */
	public record Face(int slice, FaceBox box, FaceLandmarks landmarks, float[] encoding) {}

	/** A face found in plane {@code slice} with its aligned chip ([150, 150, 3], RGB 0..255), before encoding. */
	public record Chip(int slice, FaceBox box, FaceLandmarks landmarks, RandomAccessibleInterval<FloatType> chip) {}

	private final FaceDetector detector;
	private final FaceEncoder encoder;
	private final ModelSpec encoderNetwork;

	/** With the pretrained encoder (face-api.js's 128-D network). */
	public FacePipeline(ConvKitRuntime runtime) {
		this(runtime, FaceRecognitionNet.INSTANCE);
	}

	/** With another encoder network mapping (B, 3, 150, 150) RGB 0..255 to (B, 128), e.g. a trained embedding. */
	public FacePipeline(ConvKitRuntime runtime, ModelSpec encoderNetwork) {
		this.detector = new FaceDetector(runtime);
		this.encoder = new FaceEncoder(runtime, encoderNetwork);
		this.encoderNetwork = encoderNetwork;
	}

	/** The id of the pretrained encoder model: galleries remember it, encodings of other encoders do not compare. */
	public static String encoderId() {
		return FaceRecognitionNet.INSTANCE.id();
	}

	/** The id of this pipeline's encoder. */
	public String encoder() {
		return encoderNetwork.id();
	}

	/** The faces of every plane, without landmarks or encodings (cheaper: no landmark or encoder network). */
	public List<Face> detect(List<? extends RandomAccessibleInterval<? extends RealType<?>>> rgbPlanes, Options options) throws IOException {
		checkSizes(rgbPlanes, options.mode());
		List<Face> found = new ArrayList<>();
		for (int p = 0; p < rgbPlanes.size(); p++) {
			RandomAccessibleInterval<? extends RealType<?>> rgb = rgbPlanes.get(p);
			List<FaceBox> boxes = options.mode() == Mode.DETECT ? detector.detect(rgb, options.inputSize(), options.minScore()) : List.of(wholePlane(rgb));
			for (FaceBox box : boxes) found.add(new Face(p + 1, box, null, null));
		}
		return found;
	}

	/** Every face of every plane with its encoding, planes in order, faces of a plane in detection order. */
	public List<Face> faces(List<? extends RandomAccessibleInterval<? extends RealType<?>>> rgbPlanes, Options options) throws IOException {
		List<Chip> chips = chips(rgbPlanes, options);
		float[][] encodings = chips.isEmpty() ? new float[0][] : encoder.encode(chips.stream().map(Chip::chip).toList());
		List<Face> faces = new ArrayList<>(chips.size());
		for (int i = 0; i < chips.size(); i++) {
			Chip chip = chips.get(i);
			faces.add(new Face(chip.slice(), chip.box(), chip.landmarks(), encodings[i]));
		}
		return faces;
	}

	/**
	 * Every face of every plane as an aligned chip, planes in order, faces of a plane in detection
	 * order: what the encoder reads, and what an embedding is trained on.
	 */
	public List<Chip> chips(List<? extends RandomAccessibleInterval<? extends RealType<?>>> rgbPlanes, Options options) throws IOException {
		checkSizes(rgbPlanes, options.mode());
		List<Chip> chips = new ArrayList<>();
		for (int p = 0; p < rgbPlanes.size(); p++) {
			RandomAccessibleInterval<FloatType> rgb = dense(rgbPlanes.get(p));
			if (options.mode() == Mode.CROPPED_RESIZE) {
				chips.add(new Chip(p + 1, wholePlane(rgb), null, FaceAligner.resized(rgb)));
				continue;
			}
			List<FaceBox> boxes = options.mode() == Mode.DETECT
				? detector.detect(rgb, options.inputSize(), options.minScore())
				: List.of(wholePlane(rgb));
			List<FaceLandmarks> landmarks = boxes.isEmpty() ? List.of() : detector.landmarks(rgb, boxes);
			for (int f = 0; f < boxes.size(); f++) {
				FaceLandmarks points = landmarks.get(f);
				chips.add(new Chip(p + 1, boxes.get(f), points, FaceAligner.chip(rgb, points.leftEye(), points.rightEye(), points.mouth())));
			}
		}
		return chips;
	}

	/**
	 * Refuses planes too small to be a face in this mode, before any network runs. In detect mode the detector checks its own minimum.
	 */
	private static void checkSizes(List<? extends RandomAccessibleInterval<?>> planes, Mode mode) {
		if (mode == Mode.DETECT || planes.isEmpty()) return;
		for (RandomAccessibleInterval<?> plane : planes) {
			long width = plane.dimension(0), height = plane.dimension(1);
			if (width < MIN_FACE_SIZE || height < MIN_FACE_SIZE) {
				throw new IllegalArgumentException(String.format(TOO_SMALL, MIN_FACE_SIZE, MIN_FACE_SIZE, mode.key(), width, height));
			}
		}
	}

	/**
	 * The plane in one float array. Detection, landmarks and alignment each sample it many times;
	 * through a view of converted RGB pixels that cost four times more than this one pass.
	 */
	private static RandomAccessibleInterval<FloatType> dense(RandomAccessibleInterval<? extends RealType<?>> rgb) {
		ArrayImg<FloatType, FloatArray> copy = ArrayImgs.floats(rgb.dimensionsAsLongArray());
		LoopBuilder.setImages(Views.zeroMin(rgb), copy).forEachPixel((in, out) -> out.setReal(in.getRealFloat()));
		return copy;
	}

	private static FaceBox wholePlane(RandomAccessibleInterval<?> rgb) {
		return new FaceBox(0, 0, rgb.dimension(0), rgb.dimension(1), 1.0);
	}
}
