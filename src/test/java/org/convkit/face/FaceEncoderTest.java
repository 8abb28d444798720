package org.convkit.face;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.face.net.FaceRecognitionNetAccess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Java network against face-api.js's own descriptors ({@code golden/descriptors.json}, made by
 * {@code tools/faceapi-reference/descriptors.cjs golden}); the chips are rebuilt here from the
 * definitions written in that file.
 */
class FaceEncoderTest {

	/**
	 * Per component, against face-api.js. Seen: at most 4e-6, nearly all of it from the weights:
	 * TfjsWeights dequantizes uint8 tensors in float arithmetic where TF.js uses double (dequantized
	 * in double, the same network is within 4e-7 of face-api.js).
	 */
	static final double TOLERANCE = 1e-4;
	static final int S = FaceEncoder.CHIP_SIZE;
	static final Path FACES = Path.of("..", "shared", "data", "faces");

	record Golden(String name, String orlFile, long valueSum, float[] descriptor) {}

	static Map<String, Golden> golden;
	static FaceEncoder encoder;

	@BeforeAll
	static void setUp() throws IOException {
		golden = readGolden();
		encoder = new FaceEncoder(ConvKitRuntime.get());
	}

	static Map<String, Golden> readGolden() throws IOException {
		try (InputStream in = FaceEncoderTest.class.getResourceAsStream("golden/descriptors.json")) {
			assertNotNull(in, "golden/descriptors.json missing");
			JsonObject json = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
			Map<String, Golden> map = new LinkedHashMap<>();
			for (JsonElement e : json.getAsJsonArray("chips")) {
				JsonObject c = e.getAsJsonObject();
				JsonArray d = c.getAsJsonArray("descriptor");
				float[] descriptor = new float[d.size()];
				for (int i = 0; i < descriptor.length; i++) descriptor[i] = d.get(i).getAsFloat();
				map.put(c.get("name").getAsString(), new Golden(c.get("name").getAsString(),
					c.has("orlFile") ? c.get("orlFile").getAsString() : null, c.get("valueSum").getAsLong(), descriptor));
			}
			return map;
		}
	}

	// ---- the golden chips, as defined in descriptors.json ("inputs") ----

	/** value(x, y, c) = (7x + 13y + 29c + 31k) mod 256. */
	static ArrayImg<FloatType, FloatArray> ramp(int k) {
		ArrayImg<FloatType, FloatArray> chip = ArrayImgs.floats(S, S, 3);
		float[] v = chip.update(null).getCurrentStorageArray();
		for (int c = 0; c < 3; c++)
			for (int y = 0; y < S; y++)
				for (int x = 0; x < S; x++) v[(c * S + y) * S + x] = (7 * x + 13 * y + 29 * c + 31 * k) % 256;
		return chip;
	}

	static ArrayImg<FloatType, FloatArray> smooth() {
		ArrayImg<FloatType, FloatArray> chip = ArrayImgs.floats(S, S, 3);
		float[] v = chip.update(null).getCurrentStorageArray();
		for (int y = 0; y < S; y++)
			for (int x = 0; x < S; x++) {
				v[y * S + x] = 255 * ((x - 75) * (x - 75) + (y - 75) * (y - 75)) / 11250;
				v[(S + y) * S + x] = 255 * (x + 2 * y) / 447;
				v[(2 * S + y) * S + x] = 255 * (149 - x + y) / 298;
			}
		return chip;
	}

	/** An ORL face (8-bit P5 PGM) by nearest neighbour into all three channels, as an 8-bit image. */
	static ArrayImg<UnsignedByteType, ByteArray> orl(String file) throws IOException {
		byte[] bytes = Files.readAllBytes(FACES.resolve(file));
		int[] header = new int[3]; // width, height, maxval
		int pos = 2; // after "P5"
		for (int h = 0; h < 3; h++) {
			while (Character.isWhitespace(bytes[pos]) || bytes[pos] == '#') {
				if (bytes[pos] == '#') while (bytes[pos] != '\n') pos++;
				else pos++;
			}
			while (!Character.isWhitespace(bytes[pos])) header[h] = header[h] * 10 + (bytes[pos++] - '0');
		}
		pos++;
		int width = header[0], height = header[1];
		ArrayImg<UnsignedByteType, ByteArray> chip = ArrayImgs.unsignedBytes(S, S, 3);
		byte[] v = chip.update(null).getCurrentStorageArray();
		for (int c = 0; c < 3; c++)
			for (int y = 0; y < S; y++)
				for (int x = 0; x < S; x++) v[(c * S + y) * S + x] = bytes[pos + (y * height / S) * width + x * width / S];
		return chip;
	}

	static RandomAccessibleInterval<? extends net.imglib2.type.numeric.RealType<?>> chip(Golden g) throws IOException {
		return switch (g.name()) {
			case "ramp-k0" -> ramp(0);
			case "ramp-k1" -> ramp(1);
			case "smooth" -> smooth();
			default -> orl(g.orlFile());
		};
	}

	static long sum(RandomAccessibleInterval<? extends net.imglib2.type.numeric.RealType<?>> chip) {
		long sum = 0;
		for (net.imglib2.type.numeric.RealType<?> t : Views.flatIterable(chip)) sum += (long) t.getRealDouble();
		return sum;
	}

	static boolean haveFaces() {
		return Files.isDirectory(FACES);
	}

	static void assumeFaces() {
		Assumptions.assumeTrue(haveFaces(), "ORL faces not found at " + FACES.toAbsolutePath().normalize()
			+ " (../shared/data/faces next to the project): skipping the real-face checks");
	}

	static double maxAbsDifference(float[] a, float[] b) {
		assertEquals(a.length, b.length);
		double max = 0;
		for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs((double) a[i] - b[i]));
		return max;
	}

	private void assertMatchesFaceApi(List<Golden> cases) throws IOException {
		List<RandomAccessibleInterval<? extends net.imglib2.type.numeric.RealType<?>>> chips = new ArrayList<>();
		for (Golden g : cases) {
			RandomAccessibleInterval<? extends net.imglib2.type.numeric.RealType<?>> chip = chip(g);
			assertEquals(g.valueSum(), sum(chip), g.name() + ": the chip differs from the one face-api.js was given");
			chips.add(chip);
		}
		float[][] descriptors = encoder.encode(chips);
		StringBuilder report = new StringBuilder();
		double worst = 0;
		for (int i = 0; i < cases.size(); i++) {
			double diff = maxAbsDifference(descriptors[i], cases.get(i).descriptor());
			worst = Math.max(worst, diff);
			report.append(String.format("%s %.3g; ", cases.get(i).name(), diff));
		}
		System.out.println("max abs difference to face-api.js: " + report);
		assertTrue(worst <= TOLERANCE, "descriptors differ from face-api.js's by more than " + TOLERANCE + ": " + report);
	}

	@Test
	void syntheticChipsMatchFaceApi() throws IOException {
		assertMatchesFaceApi(golden.values().stream().filter(g -> g.orlFile() == null).toList());
	}

	@Test
	void orlFacesMatchFaceApi() throws IOException {
		assumeFaces();
		assertMatchesFaceApi(golden.values().stream().filter(g -> g.orlFile() != null).toList());
	}

	@Test
	void samePersonIsCloserThanDifferentPersons() throws IOException {
		assumeFaces();
		// ORL's faces are grey, loosely cropped and not aligned like dlib's chips, so the classes
		// overlap more than on aligned colour chips; seen here (10 people x 4 pictures): same person
		// 0.36 on average, different people 0.54, 38 of 40 nearest neighbours the same person, a
		// same-person pair closer than a different-person pair in 90% of the comparisons.
		int people = 10, pictures = 4;
		List<RandomAccessibleInterval<UnsignedByteType>> chips = new ArrayList<>();
		for (int p = 1; p <= people; p++)
			for (int n = 1; n <= pictures; n++) chips.add(orl("s" + p + "/" + n + ".pgm"));
		float[][] d = encoder.encode(chips);
		List<Double> same = new ArrayList<>(), different = new ArrayList<>();
		int nearestSame = 0;
		for (int i = 0; i < d.length; i++) {
			double nearest = Double.MAX_VALUE;
			boolean nearestIsSame = false;
			for (int j = 0; j < d.length; j++) {
				if (j == i) continue;
				double distance = FaceMatcher.distance(d[i], d[j]);
				boolean samePerson = i / pictures == j / pictures;
				if (j > i) (samePerson ? same : different).add(distance);
				if (distance < nearest) {
					nearest = distance;
					nearestIsSame = samePerson;
				}
			}
			if (nearestIsSame) nearestSame++;
		}
		double meanSame = same.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
		double meanDifferent = different.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
		long ordered = 0;
		for (double s : same)
			for (double x : different)
				if (s < x) ordered++;
		double auc = ordered / ((double) same.size() * different.size());
		System.out.printf("ORL distances: same person %.3f on average, different people %.3f; nearest neighbour same person %d/%d; pairs ordered %.3f%n",
			meanSame, meanDifferent, nearestSame, d.length, auc);
		assertTrue(meanSame + 0.1 < meanDifferent, "same person " + meanSame + " on average, different people " + meanDifferent);
		assertTrue(nearestSame >= 0.9 * d.length, "nearest neighbour is the same person for only " + nearestSame + " of " + d.length);
		assertTrue(auc >= 0.85, "a same-person pair is closer than a different-person pair in only " + auc + " of the comparisons");

		// The golden faces: the two pictures of s1 are closer to each other than to anyone else's.
		float[][] g = encoder.encode(List.of(orl("s1/1.pgm"), orl("s1/2.pgm"), orl("s2/1.pgm"), orl("s3/5.pgm"), orl("s10/3.pgm"), orl("s20/10.pgm")));
		double pair = FaceMatcher.distance(g[0], g[1]);
		for (int k = 2; k < g.length; k++) {
			assertTrue(pair < FaceMatcher.distance(g[0], g[k]) && pair < FaceMatcher.distance(g[1], g[k]), "s1/1-s1/2 " + pair + " vs chip " + k);
		}
		assertTrue(pair < FaceMatcher.DEFAULT_TAU, "s1/1-s1/2 " + pair);
	}

	@Test
	void batchOfOneEqualsBatchOfMany() throws IOException {
		// More chips than one batch, in several pixel types, so the last batch is partial.
		List<RandomAccessibleInterval<? extends net.imglib2.type.numeric.RealType<?>>> chips = new ArrayList<>();
		for (int k = 0; k < FaceEncoder.BATCH_SIZE + 3; k++) chips.add(k % 3 == 2 ? smooth() : ramp(k));
		float[][] batched = encoder.encode(chips);
		assertEquals(chips.size(), batched.length);
		double worst = 0;
		for (int k = 0; k < chips.size(); k++) {
			float[] single = encoder.encode(chips.get(k));
			assertEquals(FaceEncoder.DESCRIPTOR_SIZE, single.length);
			worst = Math.max(worst, maxAbsDifference(single, batched[k]));
		}
		System.out.println("batch of one vs batches of " + FaceEncoder.BATCH_SIZE + ": max abs difference " + worst);
		assertTrue(worst <= 1e-6, "batch of one differs from a batch by " + worst);
		assertEquals(0, encoder.encode(List.of()).length);
	}

	@Test
	void memoryStaysFlatOverManyBatches() throws IOException {
		Path status = Path.of("/proc/self/status");
		Assumptions.assumeTrue(Files.isReadable(status), "no /proc/self/status (not Linux): skipping the memory check");
		List<ArrayImg<FloatType, FloatArray>> batch = new ArrayList<>();
		for (int k = 0; k < FaceEncoder.BATCH_SIZE; k++) batch.add(ramp(k));
		encoder.encode(batch);
		long before = residentBytes(status);
		List<ArrayImg<FloatType, FloatArray>> chips = new ArrayList<>();
		for (int b = 0; b < 6; b++) chips.addAll(batch);
		assertEquals(chips.size(), encoder.encode(chips).length);
		long growth = residentBytes(status) - before;
		// Each batch's activations take about 100 MB: kept until the call ends, 6 batches grew ~1 GB.
		assertTrue(growth < 250L << 20, "resident memory grew by " + (growth >> 20) + " MB over 6 batches");
	}

	private static long residentBytes(Path status) throws IOException {
		System.gc();
		for (String line : Files.readAllLines(status)) {
			if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
		}
		throw new IllegalStateException("no VmRSS in " + status);
	}

	@Test
	void scaleFoldingChangesOnlyRounding() throws IOException {
		FaceEncoder unfolded = new FaceEncoder(ConvKitRuntime.get(), FaceRecognitionNetAccess.unfolded());
		List<ArrayImg<FloatType, FloatArray>> chips = List.of(ramp(0), smooth());
		float[][] a = encoder.encode(chips);
		float[][] b = unfolded.encode(chips);
		double worst = Math.max(maxAbsDifference(a[0], b[0]), maxAbsDifference(a[1], b[1]));
		System.out.println("folded vs unfolded scale layers: max abs difference " + worst);
		assertTrue(worst <= 1e-5, "folding the scale layers changed descriptors by " + worst);
	}

	@Test
	void wrongChipSizeIsNamed() {
		List<ArrayImg<FloatType, FloatArray>> chips = List.of(ramp(0), ArrayImgs.floats(150, 150, 3), ArrayImgs.floats(160, 150, 3));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(chips));
		assertEquals("chip 2: expected 150x150x3 (x, y, RGB), got [160, 150, 3]", e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(ArrayImgs.floats(150, 150)));
		assertEquals("chip 0: expected 150x150x3 (x, y, RGB), got [150, 150]", e.getMessage());
	}
}
