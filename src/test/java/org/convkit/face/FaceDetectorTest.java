package org.convkit.face;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.face.net.FaceNetGolden;
import org.convkit.face.net.TinyFaceDetectorNet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.*;

/**
 * FaceDetector against face-api.js's own results (src/test/resources/org/convkit/face/golden/detections.json,
 * made by tools/faceapi-reference/detections.cjs): synthetic inputs always, real images when the shared
 * data folder ({@code ../shared/data}) is there.
 */
class FaceDetectorTest {

	private static final Path DATA = Path.of("..", "shared", "data");
	private static final double BOX_TOLERANCE = 0.5, SCORE_TOLERANCE = 1e-4, POINT_TOLERANCE = 0.5;

	private final FaceDetector detector = new FaceDetector(ConvKitRuntime.get());

	/** Padding to a square at the bottom, resizing 300 -> 224 and the network give face-api's raw output. */
	@Test
	void detectorInputPreparationMatchesFaceApi() throws Exception {
		JsonObject golden = FaceNetGolden.load().getAsJsonObject("raw").getAsJsonObject("detector_300x200");
		int inputSize = golden.get("inputSize").getAsInt();
		int grid = (int) TinyFaceDetectorNet.gridSize(inputSize);
		float[] nchw = detector.detectorOutput(FaceNetGolden.pattern(300, 200), inputSize);
		float[] expected = FaceNetGolden.floats(golden.getAsJsonArray("values"));
		float[] actual = new float[expected.length];
		for (int r = 0; r < grid; r++)
			for (int c = 0; c < grid; c++)
				for (int k = 0; k < 25; k++) actual[(r * grid + c) * 25 + k] = nchw[(k * grid + r) * grid + c];
		double worst = FaceNetGolden.assertClose(expected, actual, 1e-4, "detector output, 300x200 input");
		System.out.println("detector, 300x200 padded and resized to 224: max relative difference to face-api " + worst);
		// a view whose min is not 0 is read from its min
		var translated = net.imglib2.view.Views.translate(FaceNetGolden.pattern(300, 200), 40, -7, 0);
		assertArrayEquals(nchw, detector.detectorOutput(translated, inputSize));
	}

	/**
	 * The networks' inputs equal face-api's toBatchTensor (row and column sums per channel): padding at
	 * the bottom for the detector, centred with the odd pixel after for the landmarks, bilinear resizing.
	 */
	@Test
	void inputPreparationMatchesFaceApi() throws Exception {
		JsonObject raw = FaceNetGolden.load().getAsJsonObject("raw");
		for (String name : new String[] { "detector_input_300x200", "landmark_input_150x131", "landmark_input_77x90" }) {
			JsonObject golden = raw.getAsJsonObject(name);
			int size = golden.get("size").getAsInt();
			float[] chw = FaceDetector.squareResized(FaceNetGolden.pattern(golden.get("width").getAsInt(), golden.get("height").getAsInt()),
				0, 0, golden.get("width").getAsInt(), golden.get("height").getAsInt(), golden.get("centre").getAsBoolean(), size);
			float[] rows = new float[3 * size], columns = new float[3 * size];
			for (int c = 0; c < 3; c++)
				for (int y = 0; y < size; y++)
					for (int x = 0; x < size; x++) {
						double v = chw[(c * size + y) * size + x];
						rows[c * size + y] += v;
						columns[c * size + x] += v;
					}
			FaceNetGolden.assertClose(FaceNetGolden.floats(golden.getAsJsonArray("rowSums")), rows, 1e-6, name + " row sums");
			FaceNetGolden.assertClose(FaceNetGolden.floats(golden.getAsJsonArray("columnSums")), columns, 1e-6, name + " column sums");
		}
	}

	/** A 150x131 crop (centred padding with an odd difference, resize to 112, mapping back) as face-api. */
	@Test
	void landmarksOfANonSquareCropMatchFaceApi() throws Exception {
		JsonArray expected = FaceNetGolden.load().getAsJsonObject("raw").getAsJsonObject("landmarks_150x131").getAsJsonArray("positions");
		FaceLandmarks landmarks = detector.landmarks(FaceNetGolden.pattern(150, 131), List.of(new FaceBox(0, 0, 150, 131, 1))).get(0);
		double worst = 0;
		for (int i = 0; i < FaceLandmarks.POINTS; i++) {
			JsonArray p = expected.get(i).getAsJsonArray();
			worst = Math.max(worst, Math.max(Math.abs(landmarks.x(i) - p.get(0).getAsDouble()), Math.abs(landmarks.y(i) - p.get(1).getAsDouble())));
		}
		System.out.println("landmarks, 150x131 crop: max difference to face-api " + worst + " px");
		assertTrue(worst < 1e-3, "max difference " + worst + " px");
	}

	@Test
	void noFaceInUniformGreyOrNoise() throws Exception {
		ArrayImg<UnsignedByteType, ByteArray> grey = ArrayImgs.unsignedBytes(320, 240, 3);
		grey.forEach(p -> p.set(128));
		assertEquals(List.of(), detector.detect(grey));
		ArrayImg<UnsignedByteType, ByteArray> noise = ArrayImgs.unsignedBytes(320, 240, 3);
		Random random = new Random(7);
		noise.forEach(p -> p.set(random.nextInt(256)));
		assertEquals(List.of(), detector.detect(noise));
		assertEquals(List.of(), detector.detect(noise, 608, 0.5));
		assertEquals(List.of(), detector.landmarks(noise, List.of()));
	}

	@Test
	void badInputIsExplained() {
		var grey = ArrayImgs.floats(92, 112);
		assertEquals("image: expected dimensions [width, height, 3] (x, y, RGB), got [92, 112]; for a grey image use FaceDetector.rgbView(image)",
			assertThrows(IllegalArgumentException.class, () -> detector.detect(grey)).getMessage());
		assertEquals("image: expected dimensions [width, height, 3] (x, y, RGB), got [92, 112, 4]",
			assertThrows(IllegalArgumentException.class, () -> detector.detect(ArrayImgs.floats(92, 112, 4))).getMessage());
		assertEquals("image: expected at least 16x16 pixels, got 8x8",
			assertThrows(IllegalArgumentException.class, () -> detector.detect(ArrayImgs.floats(8, 8, 3))).getMessage());
		var rgb = ArrayImgs.floats(64, 48, 3);
		assertEquals("input_size: expected a positive multiple of 32, got 100",
			assertThrows(IllegalArgumentException.class, () -> detector.detect(rgb, 100, 0.5)).getMessage());
		assertEquals("input_size: expected a positive multiple of 32, got 0",
			assertThrows(IllegalArgumentException.class, () -> detector.detect(rgb, 0, 0.5)).getMessage());
		assertEquals("score_threshold: expected a number between 0 and 1 (both excluded), got 1.5",
			assertThrows(IllegalArgumentException.class, () -> detector.detect(rgb, 416, 1.5)).getMessage());
		assertEquals("faces[1]: the box at (70.0, 10.0), 20.0 x 20.0 pixels, does not cover a whole pixel of the 64 x 48 image",
			assertThrows(IllegalArgumentException.class, () -> detector.landmarks(rgb,
				List.of(new FaceBox(0, 0, 20, 20, 0.9), new FaceBox(70, 10, 20, 20, 0.9)))).getMessage());
		assertEquals("image: expected a grey image with dimensions [width, height], got [64, 48, 3]",
			assertThrows(IllegalArgumentException.class, () -> FaceDetector.rgbView(rgb)).getMessage());
		assertThrows(IllegalArgumentException.class, () -> new FaceBox(0, 0, -1, 2, 0.5));
	}

	@Test
	void greyViewRepeatsThePlane() {
		var grey = ArrayImgs.floats(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
		RandomAccessibleInterval<FloatType> rgb = FaceDetector.rgbView(grey);
		assertArrayEquals(new long[] { 3, 2, 3 }, rgb.dimensionsAsLongArray());
		for (int c = 0; c < 3; c++) assertEquals(6f, rgb.getAt(2, 1, c).get());
		grey.getAt(2, 1).set(9);
		assertEquals(9f, rgb.getAt(2, 1, 2).get(), "a view, not a copy");
	}

	/** face-api's crop: clipped to the image, then corner and size each rounded down. */
	@Test
	void cropClipsAndRoundsDown() {
		assertArrayEquals(new long[] { 0, 5, 39, 40 }, FaceDetector.crop(new FaceBox(-10.5, 5.2, 50, 40, 1), 100, 100));
		assertArrayEquals(new long[] { 90, 80, 9, 19 }, FaceDetector.crop(new FaceBox(90.7, 80.9, 30, 30, 1), 100, 100));
		assertNull(FaceDetector.crop(new FaceBox(99.5, 0, 0.4, 10, 1), 100, 100));
	}

	/** A box hanging over the left and top edges gives the points of its clipped part (face-api would shift them by the overhang). */
	@Test
	void boxOverTheEdgeIsShiftedByItsClippedCorner() throws Exception {
		var image = FaceNetGolden.pattern(150, 131);
		List<FaceLandmarks> landmarks = detector.landmarks(image, List.of(new FaceBox(-10.5, -3.25, 100, 90, 0.9), new FaceBox(0, 0, 89.5, 86.75, 0.9)));
		assertArrayEquals(landmarks.get(1).points(), landmarks.get(0).points());
	}

	@Test
	void landmarkAccessors() {
		double[] xs = new double[68], ys = new double[68];
		for (int i = 0; i < 68; i++) {
			xs[i] = i;
			ys[i] = 2 * i;
		}
		FaceLandmarks landmarks = new FaceLandmarks(new FaceBox(0, 0, 10, 10, 1), xs, ys);
		assertArrayEquals(new double[] { 38.5, 77 }, landmarks.leftEye());
		assertArrayEquals(new double[] { 44.5, 89 }, landmarks.rightEye());
		assertArrayEquals(new double[] { 30, 60 }, landmarks.nose());
		assertArrayEquals(new double[] { 57.5, 115 }, landmarks.mouth());
		assertEquals(68, landmarks.points().length);
	}

	/**
	 * The real images of the golden file: same number of faces, boxes within 0.5 px, scores within 1e-4
	 * and landmarks within 0.5 px of face-api's.
	 */
	@Test
	void realImagesMatchFaceApi() throws Exception {
		Assumptions.assumeTrue(Files.isDirectory(DATA.resolve("faces")) && Files.isDirectory(DATA.resolve("style").resolve("photos")),
			"shared data not found at " + DATA.toAbsolutePath().normalize() + " (faces/, style/photos/): skipping the real-image golden tests");
		double worstBox = 0, worstScore = 0, worstPoint = 0;
		int images = 0, faces = 0;
		for (JsonElement element : FaceNetGolden.load().getAsJsonArray("images")) {
			JsonObject golden = element.getAsJsonObject();
			String name = golden.get("name").getAsString();
			RandomAccessibleInterval<UnsignedByteType> image = build(golden);
			List<FaceBox> boxes = detector.detect(image, golden.get("inputSize").getAsInt(), golden.get("scoreThreshold").getAsDouble());
			JsonArray expected = golden.getAsJsonArray("faces");
			assertEquals(expected.size(), boxes.size(), name + ": number of faces " + boxes);
			List<FaceLandmarks> landmarks = detector.landmarks(image, boxes);
			for (int f = 0; f < boxes.size(); f++) {
				JsonObject face = expected.get(f).getAsJsonObject();
				JsonObject box = face.getAsJsonObject("box");
				FaceBox actual = boxes.get(f);
				double boxError = max(Math.abs(actual.x() - box.get("x").getAsDouble()), Math.abs(actual.y() - box.get("y").getAsDouble()),
					Math.abs(actual.width() - box.get("width").getAsDouble()), Math.abs(actual.height() - box.get("height").getAsDouble()));
				double scoreError = Math.abs(actual.score() - face.get("score").getAsDouble());
				assertTrue(boxError <= BOX_TOLERANCE, name + " face " + f + ": box " + actual + ", face-api " + box);
				assertTrue(scoreError <= SCORE_TOLERANCE, name + " face " + f + ": score " + actual.score() + ", face-api " + face.get("score"));
				JsonArray points = face.getAsJsonArray("landmarks");
				for (int i = 0; i < FaceLandmarks.POINTS; i++) {
					JsonArray p = points.get(i).getAsJsonArray();
					double pointError = Math.max(Math.abs(landmarks.get(f).x(i) - p.get(0).getAsDouble()), Math.abs(landmarks.get(f).y(i) - p.get(1).getAsDouble()));
					assertTrue(pointError <= POINT_TOLERANCE, name + " face " + f + " landmark " + i + ": (" + landmarks.get(f).x(i) + ", "
						+ landmarks.get(f).y(i) + "), face-api " + p);
					worstPoint = Math.max(worstPoint, pointError);
				}
				worstBox = Math.max(worstBox, boxError);
				worstScore = Math.max(worstScore, scoreError);
				faces++;
			}
			images++;
		}
		System.out.printf(Locale.ROOT, "real images vs face-api: %d images, %d faces; max differences: box %.2e px, score %.2e, landmarks %.2e px%n",
			images, faces, worstBox, worstScore, worstPoint);
	}

	private static double max(double... values) {
		double max = 0;
		for (double v : values) max = Math.max(max, v);
		return max;
	}

	/** An image as defined in the golden file, checked against the CRC-32 of the bytes face-api saw. */
	private static RandomAccessibleInterval<UnsignedByteType> build(JsonObject golden) throws IOException {
		int width = golden.get("width").getAsInt(), height = golden.get("height").getAsInt();
		JsonObject definition = golden.getAsJsonObject("definition");
		byte[] rgb;
		if (definition.has("synthetic")) {
			rgb = new byte[width * height * 3];
			java.util.Arrays.fill(rgb, (byte) definition.get("value").getAsInt());
		}
		else if (definition.has("file")) {
			BufferedImage png = ImageIO.read(DATA.resolve(definition.get("file").getAsString()).toFile());
			assertEquals(width, png.getWidth());
			assertEquals(height, png.getHeight());
			rgb = new byte[width * height * 3];
			for (int y = 0; y < height; y++)
				for (int x = 0; x < width; x++) {
					int argb = png.getRGB(x, y);
					for (int c = 0; c < 3; c++) rgb[(y * width + x) * 3 + c] = (byte) (argb >> (16 - 8 * c));
				}
		}
		else {
			// ORL faces pasted into a grey canvas, built as a grey image and viewed as RGB without a copy
			byte[] canvas = new byte[width * height];
			java.util.Arrays.fill(canvas, (byte) definition.get("background").getAsInt());
			for (JsonElement e : definition.getAsJsonArray("faces")) {
				JsonObject face = e.getAsJsonObject();
				Pgm pgm = Pgm.read(DATA.resolve(face.get("file").getAsString()));
				int ox = face.get("x").getAsInt(), oy = face.get("y").getAsInt();
				for (int y = 0; y < pgm.height; y++) System.arraycopy(pgm.grey, y * pgm.width, canvas, (oy + y) * width + ox, pgm.width);
			}
			rgb = new byte[width * height * 3];
			for (int i = 0; i < width * height; i++) for (int c = 0; c < 3; c++) rgb[i * 3 + c] = canvas[i];
			checkCrc(golden, rgb);
			return FaceDetector.rgbView(ArrayImgs.unsignedBytes(canvas, width, height));
		}
		checkCrc(golden, rgb);
		return interleaved(rgb, width, height);
	}

	private static void checkCrc(JsonObject golden, byte[] rgb) {
		CRC32 crc = new CRC32();
		crc.update(rgb);
		assertEquals(golden.get("crc32").getAsLong(), crc.getValue(),
			golden.get("name").getAsString() + ": the rebuilt input differs from the one face-api saw (CRC-32 of the RGB bytes)");
	}

	/** R G B interleaved bytes, row by row, as an image with dims [w, h, 3]. */
	private static ArrayImg<UnsignedByteType, ByteArray> interleaved(byte[] rgb, int width, int height) {
		assertEquals(width * height * 3, rgb.length, "bytes in the RGB data");
		byte[] planar = new byte[rgb.length];
		int plane = width * height;
		for (int i = 0; i < plane; i++) for (int c = 0; c < 3; c++) planar[c * plane + i] = rgb[i * 3 + c];
		return ArrayImgs.unsignedBytes(planar, width, height, 3);
	}

	/** An 8-bit binary PGM (P5), as the ORL faces are stored. */
	private record Pgm(int width, int height, byte[] grey) {
		static Pgm read(Path file) throws IOException {
			byte[] data = Files.readAllBytes(file);
			List<String> tokens = new ArrayList<>();
			int i = 0;
			while (tokens.size() < 4) {
				while (Character.isWhitespace(data[i])) i++;
				if (data[i] == '#') {
					while (data[i] != '\n') i++;
					continue;
				}
				int start = i;
				while (!Character.isWhitespace(data[i])) i++;
				tokens.add(new String(data, start, i - start, StandardCharsets.US_ASCII));
			}
			i++;
			if (!tokens.get(0).equals("P5") || !tokens.get(3).equals("255")) throw new IOException(file + ": expected an 8-bit binary PGM");
			int width = Integer.parseInt(tokens.get(1)), height = Integer.parseInt(tokens.get(2));
			return new Pgm(width, height, java.util.Arrays.copyOfRange(data, i, i + width * height));
		}
	}
}
