package org.convkit.face.net;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.type.numeric.integer.UnsignedByteType;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The golden numbers of tools/faceapi-reference/detections.cjs (face-api.js's own outputs) and the
 * synthetic pattern image they were made from.
 */
public final class FaceNetGolden {

	private FaceNetGolden() {}

	public static JsonObject load() throws IOException {
		try (InputStream in = FaceNetGolden.class.getResourceAsStream("/org/convkit/face/golden/detections.json")) {
			assertNotNull(in, "golden file org/convkit/face/golden/detections.json missing from the test class path");
			return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
		}
	}

	/** The golden file's pattern: (floor((x*x + 2*y*y) / 16) + 3*x + 37*c) mod 256, dims [w, h, 3]. */
	public static ArrayImg<UnsignedByteType, ByteArray> pattern(int width, int height) {
		ArrayImg<UnsignedByteType, ByteArray> image = ArrayImgs.unsignedBytes(width, height, 3);
		var access = image.randomAccess();
		for (int c = 0; c < 3; c++)
			for (int y = 0; y < height; y++)
				for (int x = 0; x < width; x++) {
					access.setPositionAndGet(x, y, c).set(((x * x + 2 * y * y) / 16 + 3 * x + 37 * c) % 256);
				}
		return image;
	}

	public static float[] floats(JsonArray array) {
		float[] values = new float[array.size()];
		for (int i = 0; i < values.length; i++) values[i] = array.get(i).getAsFloat();
		return values;
	}

	/** Asserts |actual - expected| <= tolerance * max(1, |expected|) for every value. */
	public static double assertClose(float[] expected, float[] actual, double tolerance, String what) {
		assertEquals(expected.length, actual.length, what + ": number of values");
		double worst = 0;
		for (int i = 0; i < expected.length; i++) {
			double error = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
			worst = Math.max(worst, error);
			assertTrue(error <= tolerance, what + " value " + i + ": face-api " + expected[i] + ", ConvKit " + actual[i]);
		}
		return worst;
	}
}
