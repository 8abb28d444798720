package org.convkit.face;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.face.net.FaceLandmarkNet;
import org.convkit.face.net.TinyFaceDetectorNet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Finds faces and their 68 landmarks as face-api.js does with
 * {@code detectAllFaces(image, new TinyFaceDetectorOptions({inputSize, scoreThreshold})).withFaceLandmarks()}
 * on an image tensor: the same networks ({@link TinyFaceDetectorNet}, {@link FaceLandmarkNet}), the
 * same pre- and post-processing, and so the same boxes, scores and points (tests hold them to face-api's
 * own within 0.5 px and 1e-4).
 * <p>
 * An image is a {@link RandomAccessibleInterval} with dimensions {@code [width, height, 3]}: x, y and
 * the R, G, B channels, values 0..255, any {@link RealType}, a view is fine (its min need not be 0;
 * results are relative to its top-left corner). A grey image becomes one without a copy through
 * {@link #rgbView}. Thread-safe.
 * <p>
 * Detection: the image is padded with zeros at the bottom or right to a square, resized (bilinear,
 * TF's {@code resizeBilinear} without corner alignment or half-pixel centres, float arithmetic as
 * tfjs) to {@code inputSize} pixels, run through the detector; each grid cell's five anchor boxes are
 * decoded (centre {@code (cell + sigmoid(t)) / grid}, size {@code exp(t) * anchor / grid}), kept when
 * {@code sigmoid(score) > scoreThreshold}, and thinned by non-maximum suppression (a box is dropped
 * when its intersection over union with a better one exceeds {@value #IOU_THRESHOLD}).
 * <p>
 * Landmarks: each box is clipped to the image and its corner and size rounded down (face-api's
 * {@code extractFaceTensors}); the crop is padded with zeros to a square, centred, resized to 112x112
 * and run through the landmark network (all faces in batches); the points are scaled back to the crop
 * and shifted by the box's corner. One deliberate difference: face-api shifts by the box's corner even
 * when the box starts left of or above the image, although the crop starts at 0 there, which moves
 * such a face's points off by the overhang; this class shifts by the clipped corner. Inside the image
 * the two agree.
 */
public final class FaceDetector {

	/** face-api's default detector input size. */
	public static final int DEFAULT_INPUT_SIZE = 416;
	/** face-api's default score threshold. */
	public static final double DEFAULT_SCORE_THRESHOLD = 0.5;
	/** face-api's overlap (intersection over union) above which the weaker of two boxes is dropped. */
	public static final double IOU_THRESHOLD = 0.4;
	/** Smallest image side accepted. */
	public static final int MIN_IMAGE_SIZE = 16;
	/** Faces per landmark network call. */
	public static final int LANDMARK_BATCH = 32;

	private static final int LANDMARK_SIZE = FaceLandmarkNet.INPUT_SIZE;

	private final ConvKitRuntime runtime;

	public FaceDetector(ConvKitRuntime runtime) {
		this.runtime = Objects.requireNonNull(runtime, "runtime");
	}

	/** {@link #detect(RandomAccessibleInterval, int, double)} with face-api's defaults (416, 0.5). */
	public List<FaceBox> detect(RandomAccessibleInterval<? extends RealType<?>> rgb) throws IOException {
		return detect(rgb, DEFAULT_INPUT_SIZE, DEFAULT_SCORE_THRESHOLD);
	}

	/**
	 * The faces in an image, best first.
	 *
	 * @param rgb the image, dimensions [width, height, 3], values 0..255
	 * @param inputSize the detector's input size in pixels, a multiple of 32 (face-api's default 416;
	 * larger finds smaller faces, smaller is faster)
	 * @param scoreThreshold boxes scoring at or below this are dropped, in (0, 1) (default 0.5)
	 * @return the faces' boxes in image pixels, highest score first; empty when there is none
	 * @throws IllegalArgumentException for an image that is not [width, height, 3] or smaller than
	 * {@value #MIN_IMAGE_SIZE} pixels, or an invalid input size or threshold
	 * @throws IOException if the network cannot be loaded
	 */
	public List<FaceBox> detect(RandomAccessibleInterval<? extends RealType<?>> rgb, int inputSize, double scoreThreshold) throws IOException {
		checkImage(rgb);
		if (inputSize < TinyFaceDetectorNet.STRIDE || inputSize % TinyFaceDetectorNet.STRIDE != 0) {
			throw new IllegalArgumentException("input_size: expected a positive multiple of 32, got " + inputSize);
		}
		if (!(scoreThreshold > 0 && scoreThreshold < 1)) {
			throw new IllegalArgumentException("score_threshold: expected a number between 0 and 1 (both excluded), got " + scoreThreshold);
		}
		float[] output = detectorOutput(rgb, inputSize);
		return decode(output, (int) TinyFaceDetectorNet.gridSize(inputSize), rgb.dimension(0), rgb.dimension(1), inputSize, scoreThreshold);
	}

	/**
	 * The 68 landmarks of each face, in the order of {@code faces}.
	 *
	 * @param rgb the image the faces were found in, dimensions [width, height, 3], values 0..255
	 * @param faces boxes in image pixels, e.g. from {@link #detect}
	 * @return one set of landmarks per face, in image pixels
	 * @throws IllegalArgumentException for an invalid image or a box that does not overlap it by a
	 * whole pixel
	 * @throws IOException if the network cannot be loaded
	 */
	public List<FaceLandmarks> landmarks(RandomAccessibleInterval<? extends RealType<?>> rgb, List<FaceBox> faces) throws IOException {
		checkImage(rgb);
		long width = rgb.dimension(0), height = rgb.dimension(1);
		long[][] crops = new long[faces.size()][];
		for (int i = 0; i < faces.size(); i++) {
			crops[i] = crop(faces.get(i), width, height);
			if (crops[i] == null) {
				FaceBox f = faces.get(i);
				throw new IllegalArgumentException(String.format(Locale.ROOT,
					"faces[%d]: the box at (%.1f, %.1f), %.1f x %.1f pixels, does not cover a whole pixel of the %d x %d image", i, f.x(), f.y(),
					f.width(), f.height(), width, height));
			}
		}
		List<FaceLandmarks> result = new ArrayList<>(faces.size());
		if (faces.isEmpty()) return result;
		int size = LANDMARK_SIZE;
		int plane = 3 * size * size;
		int points = FaceLandmarkNet.POINTS;
		float[][] outputs = runtime.infer(FaceLandmarkNet.INSTANCE, session -> {
			float[][] out = new float[faces.size()][];
			for (int start = 0; start < faces.size(); start += LANDMARK_BATCH) {
				int n = Math.min(LANDMARK_BATCH, faces.size() - start);
				float[] batch = new float[n * plane];
				for (int b = 0; b < n; b++) {
					long[] c = crops[start + b];
					float[] input = squareResized(rgb, c[0], c[1], c[2], c[3], true, size);
					System.arraycopy(input, 0, batch, b * plane, plane);
				}
				NDArray x = session.manager().create(batch, new Shape(n, 3, size, size));
				NDArray y = session.forward(x);
				float[] flat = y.toFloatArray();
				for (int b = 0; b < n; b++) out[start + b] = Arrays.copyOfRange(flat, b * 2 * points, (b + 1) * 2 * points);
				x.close();
				y.close();
			}
			return out;
		});
		for (int i = 0; i < faces.size(); i++) {
			long[] c = crops[i];
			FaceBox face = faces.get(i);
			// face-api's FaceLandmark68NetBase.postProcess, in float32 as its tensors are, for a crop of
			// c[2] x c[3] pixels centred in the square, then FaceLandmarks' scaling to the crop and shift.
			double scale = (double) size / Math.max(c[2], c[3]);
			float scaledW = (float) (c[2] * scale), scaledH = (float) (c[3] * scale);
			float padX = scaledW < scaledH ? (float) (Math.abs(c[2] * scale - c[3] * scale) / 2) : 0f;
			float padY = scaledH < scaledW ? (float) (Math.abs(c[2] * scale - c[3] * scale) / 2) : 0f;
			double shiftX = Math.max(face.x(), 0), shiftY = Math.max(face.y(), 0);
			double[] xs = new double[points], ys = new double[points];
			for (int p = 0; p < points; p++) {
				float relX = (outputs[i][2 * p] * size - padX) / scaledW;
				float relY = (outputs[i][2 * p + 1] * size - padY) / scaledH;
				xs[p] = relX * (double) c[2] + shiftX;
				ys[p] = relY * (double) c[3] + shiftY;
			}
			result.add(new FaceLandmarks(face, xs, ys));
		}
		return result;
	}

	/**
	 * A grey image as the RGB image the networks read, without copying: the plane stacked three times.
	 *
	 * @param grey dimensions [width, height], values 0..255
	 * @return a view with dimensions [width, height, 3]
	 */
	public static <T extends RealType<T>> RandomAccessibleInterval<T> rgbView(RandomAccessibleInterval<T> grey) {
		if (grey.numDimensions() != 2) {
			throw new IllegalArgumentException("image: expected a grey image with dimensions [width, height], got " + Arrays.toString(grey.dimensionsAsLongArray()));
		}
		return Views.stack(grey, grey, grey);
	}

	/** The detector's raw output {@code (25, grid, grid)}, flat, for an image (package-private for tests). */
	float[] detectorOutput(RandomAccessibleInterval<? extends RealType<?>> rgb, int inputSize) throws IOException {
		float[] input = squareResized(rgb, 0, 0, rgb.dimension(0), rgb.dimension(1), false, inputSize);
		return runtime.infer(TinyFaceDetectorNet.INSTANCE, session -> {
			NDArray x = session.manager().create(input, new Shape(1, 3, inputSize, inputSize));
			return session.forward(x).toFloatArray();
		});
	}

	/**
	 * face-api's {@code TinyYolov2Base.extractBoxes} and {@code detect}: boxes above the threshold,
	 * relative to the resized image (with face-api's correction for the padding), non-maximum
	 * suppression, then scaled to the image.
	 */
	static List<FaceBox> decode(float[] output, int grid, long width, long height, int inputSize, double scoreThreshold) {
		double scale = (double) inputSize / Math.max(width, height);
		long reshapedW = Math.round(width * scale), reshapedH = Math.round(height * scale);
		double size = Math.max(reshapedW, reshapedH);
		double correctionX = size / reshapedW, correctionY = size / reshapedH;
		int cells = grid * grid;
		double[][] anchors = TinyFaceDetectorNet.ANCHORS;
		List<double[]> boxes = new ArrayList<>(); // left, top, right, bottom (relative), score
		for (int row = 0; row < grid; row++) {
			for (int col = 0; col < grid; col++) {
				for (int a = 0; a < anchors.length; a++) {
					int base = a * TinyFaceDetectorNet.BOX_ENCODING * cells + row * grid + col;
					double score = sigmoid(output[base + 4 * cells]);
					if (!(score > scoreThreshold)) continue;
					double centerX = ((col + sigmoid(output[base])) / grid) * correctionX;
					double centerY = ((row + sigmoid(output[base + cells])) / grid) * correctionY;
					double w = ((Math.exp(output[base + 2 * cells]) * anchors[a][0]) / grid) * correctionX;
					double h = ((Math.exp(output[base + 3 * cells]) * anchors[a][1]) / grid) * correctionY;
					double x = centerX - w / 2, y = centerY - h / 2;
					boxes.add(new double[] { x, y, x + w, y + h, score });
				}
			}
		}
		List<FaceBox> faces = new ArrayList<>();
		for (int index : nonMaxSuppression(boxes, inputSize)) {
			double[] b = boxes.get(index);
			faces.add(new FaceBox(b[0] * width, b[1] * height, (b[2] - b[0]) * width, (b[3] - b[1]) * height, b[4]));
		}
		return faces;
	}

	/** face-api's {@code nonMaxSuppression}: indices of the kept boxes, highest score first. */
	private static List<Integer> nonMaxSuppression(List<double[]> boxes, int inputSize) {
		// face-api compares the boxes scaled by the input size: x, y, width, height each multiplied.
		double[][] scaled = new double[boxes.size()][];
		for (int i = 0; i < boxes.size(); i++) {
			double[] b = boxes.get(i);
			double x = b[0] * inputSize, y = b[1] * inputSize;
			scaled[i] = new double[] { x, y, x + (b[2] - b[0]) * inputSize, y + (b[3] - b[1]) * inputSize };
		}
		List<Integer> remaining = new ArrayList<>();
		for (int i = 0; i < boxes.size(); i++) remaining.add(i);
		remaining.sort(Comparator.comparingDouble(i -> boxes.get(i)[4])); // stable, ascending: the best is last
		List<Integer> picked = new ArrayList<>();
		while (!remaining.isEmpty()) {
			int best = remaining.remove(remaining.size() - 1);
			picked.add(best);
			remaining.removeIf(other -> !(iou(scaled[best], scaled[other]) <= IOU_THRESHOLD));
		}
		return picked;
	}

	private static double iou(double[] a, double[] b) {
		double w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
		double h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
		double intersection = w * h;
		return intersection / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - intersection);
	}

	private static double sigmoid(double x) {
		return 1 / (1 + Math.exp(-x));
	}

	/**
	 * face-api's crop of a box ({@code FaceDetection.forSize}, {@code Box.clipAtImageBorders}: clipped
	 * to the image, then x, y, width and height each rounded down) as {x, y, width, height}, or null
	 * when nothing of the image is left.
	 */
	static long[] crop(FaceBox box, long width, long height) {
		double x = Math.max(box.x(), 0), y = Math.max(box.y(), 0);
		double w = Math.min(box.right() - x, width - x), h = Math.min(box.bottom() - y, height - y);
		long[] crop = { (long) Math.floor(x), (long) Math.floor(y), (long) Math.floor(w), (long) Math.floor(h) };
		if (crop[2] <= 0 || crop[3] <= 0 || crop[0] >= width || crop[1] >= height) return null;
		return crop;
	}

	/**
	 * The region {@code [x, x + w) x [y, y + h)} of an image (relative to its min) padded with zeros to
	 * a square and resized to {@code size x size}, as face-api's {@code NetInput.toBatchTensor}:
	 * {@code padToSquare} (zeros at the bottom or right, or centred with the extra pixel of an odd
	 * difference after the image) then, unless the square already has that size, TF's
	 * {@code resizeBilinear} (no corner alignment, no half-pixel centres), computed in float as tfjs does.
	 *
	 * @return the channels-first {@code (3, size, size)} values, flat
	 */
	static float[] squareResized(RandomAccessibleInterval<? extends RealType<?>> rgb, long x, long y, long w, long h, boolean centre, int size) {
		int side = (int) Math.max(w, h);
		long diff = Math.abs(w - h);
		long before = centre ? diff - Math.round(diff * 0.5) : 0; // face-api appends round(diff / 2), prepends the rest
		// square pixel (sx, sy) is image pixel (x0 + sx, y0 + sy) inside [x, x + w) x [y, y + h), else 0
		long x0 = rgb.min(0) + x - (w < h ? before : 0), y0 = rgb.min(1) + y - (h < w ? before : 0);
		long left = rgb.min(0) + x, right = left + w, top = rgb.min(1) + y, bottom = top + h;
		float[] out = new float[3 * size * size];
		int plane = size * size;
		RandomAccess<? extends RealType<?>> access = rgb.randomAccess();
		if (side == size) {
			for (int c = 0; c < 3; c++) {
				access.setPosition(c, 2);
				for (int sy = 0; sy < size; sy++) {
					for (int sx = 0; sx < size; sx++) out[c * plane + sy * size + sx] = value(access, x0 + sx, y0 + sy, left, right, top, bottom);
				}
			}
			return out;
		}
		float ratio = (float) side / (float) size;
		int[] col0 = new int[size], col1 = new int[size];
		float[] colFrac = new float[size];
		for (int i = 0; i < size; i++) {
			float source = i * ratio;
			col0[i] = (int) Math.floor(source);
			col1[i] = Math.min(col0[i] + 1, side - 1);
			colFrac[i] = source - col0[i];
		}
		// rows of the square read so far: values at the needed columns, per channel
		float[][] rowA = new float[3][2 * size], rowB = new float[3][2 * size];
		int rowAIndex = -1, rowBIndex = -1;
		for (int sy = 0; sy < size; sy++) {
			float source = sy * ratio;
			int r0 = (int) Math.floor(source), r1 = Math.min(r0 + 1, side - 1);
			float rowFrac = source - r0;
			if (r0 != rowAIndex) {
				if (r0 == rowBIndex) {
					float[][] t = rowA;
					rowA = rowB;
					rowB = t;
					rowBIndex = rowAIndex;
				}
				else {
					readRow(access, r0, col0, col1, x0, y0, left, right, top, bottom, rowA);
				}
				rowAIndex = r0;
			}
			if (r1 != rowBIndex) {
				readRow(access, r1, col0, col1, x0, y0, left, right, top, bottom, rowB);
				rowBIndex = r1;
			}
			for (int c = 0; c < 3; c++) {
				float[] a = rowA[c], b = rowB[c];
				int offset = c * plane + sy * size;
				for (int sx = 0; sx < size; sx++) {
					float topLeft = a[2 * sx], topRight = a[2 * sx + 1];
					float bottomLeft = b[2 * sx], bottomRight = b[2 * sx + 1];
					float upper = topLeft + (topRight - topLeft) * colFrac[sx];
					float lower = bottomLeft + (bottomRight - bottomLeft) * colFrac[sx];
					out[offset + sx] = upper + (lower - upper) * rowFrac;
				}
			}
		}
		return out;
	}

	/** Square row {@code row} at columns col0[i] and col1[i], as row[c][2i] and row[c][2i + 1]. */
	private static void readRow(RandomAccess<? extends RealType<?>> access, int row, int[] col0, int[] col1, long x0, long y0,
		long left, long right, long top, long bottom, float[][] values)
	{
		for (int c = 0; c < 3; c++) {
			access.setPosition(c, 2);
			for (int i = 0; i < col0.length; i++) {
				values[c][2 * i] = value(access, x0 + col0[i], y0 + row, left, right, top, bottom);
				values[c][2 * i + 1] = value(access, x0 + col1[i], y0 + row, left, right, top, bottom);
			}
		}
	}

	private static float value(RandomAccess<? extends RealType<?>> access, long px, long py, long left, long right, long top, long bottom) {
		if (px < left || px >= right || py < top || py >= bottom) return 0f;
		access.setPosition(px, 0);
		access.setPosition(py, 1);
		return access.get().getRealFloat();
	}

	private static void checkImage(RandomAccessibleInterval<?> rgb) {
		long[] dims = rgb.dimensionsAsLongArray();
		if (dims.length != 3 || dims[2] != 3) {
			throw new IllegalArgumentException("image: expected dimensions [width, height, 3] (x, y, RGB), got " + Arrays.toString(dims)
				+ (dims.length == 2 ? "; for a grey image use FaceDetector.rgbView(image)" : ""));
		}
		if (dims[0] < MIN_IMAGE_SIZE || dims[1] < MIN_IMAGE_SIZE) {
			throw new IllegalArgumentException("image: expected at least " + MIN_IMAGE_SIZE + "x" + MIN_IMAGE_SIZE + " pixels, got " + dims[0] + "x" + dims[1]);
		}
	}
}
