package org.convkit.face.eval;

import org.convkit.face.FaceGallery;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class FaceEvaluationTest {

	private static final double EPS = 1e-9;

	/** A 128-D encoding at (x, y) in its first two dimensions (0 elsewhere). */
	private static float[] at(double x, double y) {
		float[] e = new float[FaceGallery.ENCODING_LENGTH];
		e[0] = (float) x;
		e[1] = (float) y;
		return e;
	}

	private static float[] at(double x) {
		return at(x, 0);
	}

	/**
	 * Two persons on a line, two images each: a = {0, 0.5}, b = {2, 2.25}. Distances: same pairs
	 * 0.5 and 0.25; different pairs 2, 2.25, 1.5, 1.75. Exactly representable in float.
	 */
	private static Map<String, List<float[]>> twoByTwo() {
		Map<String, List<float[]>> m = new LinkedHashMap<>();
		m.put("a", Arrays.asList(at(0), at(0.5)));
		m.put("b", Arrays.asList(at(2), at(2.25)));
		return m;
	}

	@Test
	void separablePairsAreAllRightAndTheBestTauIsTheGapsMiddle() {
		FaceEvaluation e = FaceEvaluation.of(twoByTwo());
		FaceEvaluation.Verification v = e.verification();
		assertEquals(2, v.samePairs());
		assertEquals(4, v.differentPairs());
		assertEquals(0.375, v.meanSameDistance(), EPS);
		assertEquals(1.875, v.meanDifferentDistance(), EPS);
		FaceEvaluation.Rates r = v.atTau();
		assertEquals(0.6, r.tau());
		assertEquals(1, r.accuracy(), EPS);
		assertEquals(1, r.balancedAccuracy(), EPS);
		assertEquals(1, r.trueAcceptRate(), EPS);
		assertEquals(0, r.falseAcceptRate(), EPS);
		// Sorted distances 0.25 0.5 | 1.5 1.75 2 2.25: any tau in [0.5, 1.5) is perfect.
		assertEquals(0.5, v.bestAccuracy().low(), EPS);
		assertEquals(1.5, v.bestAccuracy().high(), EPS);
		assertEquals(1.0, v.bestAccuracy().rates().tau(), EPS);
		assertEquals(1, v.bestAccuracy().rates().accuracy(), EPS);
		assertEquals(v.bestAccuracy(), v.bestBalancedAccuracy());

		assertArrayEquals(new double[] {1, 1}, e.closedSet().accuracy(), EPS);
		assertArrayEquals(new int[] {2, 2}, e.closedSet().queries());
		// Open set: enrol a's image k; b's two images are strangers (>= 1.5 away from either of a's).
		FaceEvaluation.OpenSet o = e.openSet();
		assertEquals(List.of("a"), o.enrolled());
		assertEquals(List.of("b"), o.strangers());
		assertArrayEquals(new double[] {0, 0}, o.falseAcceptRate(), EPS);
		assertArrayEquals(new double[] {1, 1}, o.trueAcceptRate(), EPS);
		assertArrayEquals(new int[] {2, 2}, o.strangerQueries());
		assertArrayEquals(new int[] {1, 1}, o.knownQueries());
	}

	@Test
	void accuracyAndBalancedAccuracyChooseDifferentTaus() {
		// Persons on a line: a = {0, 0.45, 1.2}, b = {1.0, 5, 5.1}. 15 pairs, 6 same, 9 different.
		Map<String, List<float[]>> m = new LinkedHashMap<>();
		m.put("a", Arrays.asList(at(0), at(0.45), at(1.2)));
		m.put("b", Arrays.asList(at(1.0), at(5), at(5.1)));
		FaceEvaluation e = FaceEvaluation.of(m, 0.6);
		FaceEvaluation.Verification v = e.verification();
		assertEquals(6, v.samePairs());
		assertEquals(9, v.differentPairs());
		// same:      0.45 (a0a1), 1.2 (a0a2), 0.75 (a1a2), 4 (b0b1), 4.1 (b0b2), 0.1 (b1b2)
		// different: 1 (a0b0), 5, 5.1, 0.55 (a1b0), 4.55, 4.65, 0.2 (a2b0), 3.8, 3.9
		assertEquals((0.45 + 1.2 + 0.75 + 4 + 4.1 + 0.1) / 6, v.meanSameDistance(), 1e-6);
		assertEquals((1 + 5 + 5.1 + 0.55 + 4.55 + 4.65 + 0.2 + 3.8 + 3.9) / 9, v.meanDifferentDistance(), 1e-6);
		// At 0.6: accepted same 0.1, 0.45 (2 of 6); accepted different 0.2, 0.55 (2 of 9).
		FaceEvaluation.Rates r = v.atTau();
		assertEquals(2.0 / 6, r.trueAcceptRate(), EPS);
		assertEquals(2.0 / 9, r.falseAcceptRate(), EPS);
		assertEquals((2 + 7) / 15.0, r.accuracy(), EPS);
		assertEquals((2.0 / 6 + 7.0 / 9) / 2, r.balancedAccuracy(), EPS);
		// Sorted: 0.1s 0.2d 0.45s 0.55d 0.75s 1.0d 1.2s 3.8d 3.9d 4.0s 4.1s 4.55d 4.65d 5.0d 5.1d.
		// Correct pairs accepting up to each: none 9; 0.1: 10; 0.2: 9; 0.45: 10; 0.55: 9; 0.75: 10;
		// 1.0: 9; 1.2: 10; 3.8: 9; 3.9: 8; 4.0: 9; 4.1: 10; 4.55: 9; 4.65: 8; 5.0: 7; 5.1: 6.
		// The best, 10, is first reached for tau in [0.1, 0.2).
		FaceEvaluation.Threshold best = v.bestAccuracy();
		assertEquals(10 / 15.0, best.rates().accuracy(), EPS);
		assertEquals(0.1, best.low(), 1e-6);
		assertEquals(0.2, best.high(), 1e-6);
		assertEquals(0.15, best.rates().tau(), 1e-6);
		assertEquals(1.0 / 6, best.rates().trueAcceptRate(), EPS);
		assertEquals(0, best.rates().falseAcceptRate(), EPS);
		// Balanced (TAR + TNR) / 2 = (s/6 + (9 - d)/9) / 2 = (3s + 2(9 - d)) / 36 with s, d accepted:
		// none 18; 0.1: 21; 0.2: 19; 0.45: 22; 0.55: 20; 0.75: 23; 1.0: 21; 1.2: 24; 3.8: 22; 3.9: 20;
		// 4.0: 23; 4.1 (s = 6, d = 5): 26; 4.55: 24; 4.65: 22; 5.0: 20; 5.1: 18. Best 26/36 in [4.1, 4.55).
		FaceEvaluation.Threshold balanced = v.bestBalancedAccuracy();
		assertEquals(26 / 36.0, balanced.rates().balancedAccuracy(), EPS);
		assertEquals(4.1, balanced.low(), 1e-6);
		assertEquals(4.55, balanced.high(), 1e-6);
		assertEquals(4.325, balanced.rates().tau(), 1e-6);
		assertEquals(1, balanced.rates().trueAcceptRate(), EPS);
		assertEquals(5.0 / 9, balanced.rates().falseAcceptRate(), EPS);
		assertEquals(10 / 15.0, balanced.rates().accuracy(), EPS);

		// Closed set, enrol k = 0 (a 0, b 1.0): queries a 0.45 -> a, a 1.2 -> b, b 5 -> b, b 5.1 -> b: 3/4.
		// k = 1 (a 0.45, b 5): a 0 -> a, a 1.2 -> a, b 1.0 -> a, b 5.1 -> b: 3/4.
		// k = 2 (a 1.2, b 5.1): a 0 -> a, a 0.45 -> a, b 1.0 -> a, b 5 -> b: 3/4.
		assertArrayEquals(new double[] {0.75, 0.75, 0.75}, e.closedSet().accuracy(), EPS);
		assertArrayEquals(new int[] {4, 4, 4}, e.closedSet().queries());
		assertEquals(0.75, e.closedSet().accuracyAtK0(), EPS);
		assertEquals(0.75, e.closedSet().meanAccuracy(), EPS);
		// Open set at 0.6, a enrolled, b strangers {1.0, 5, 5.1}:
		// k = 0 (a 0): a 0.45 accepted, a 1.2 not: TAR 1/2; no stranger within 0.6: FAR 0.
		// k = 1 (a 0.45): a 0 yes, a 1.2 no (0.75): 1/2; stranger 1.0 (0.55) accepted: FAR 1/3.
		// k = 2 (a 1.2): a 0 no, a 0.45 no (0.75): 0; stranger 1.0 (0.2) accepted: 1/3.
		FaceEvaluation.OpenSet o = e.openSet();
		assertArrayEquals(new double[] {0.5, 0.5, 0}, o.trueAcceptRate(), EPS);
		assertArrayEquals(new double[] {0, 1.0 / 3, 1.0 / 3}, o.falseAcceptRate(), EPS);
		assertEquals(1.0 / 3, o.meanTrueAcceptRate(), EPS);
		assertEquals(2.0 / 9, o.meanFalseAcceptRate(), EPS);
		assertEquals(0.5, o.trueAcceptRateAtK0(), EPS);
		assertEquals(0, o.falseAcceptRateAtK0(), EPS);
	}

	@Test
	void tiedDistancesMoveTogetherAndAcceptingAllCanBeBest() {
		// a = {(0,0), (1,0)}, b = {(0,1), (0,2)}. Same: a0a1 1, b0b1 1; different: a0b0 1, a0b1 2,
		// a1b0 sqrt 2, a1b1 sqrt 5. The three 1s are accepted or rejected together.
		// Correct: none 4 of 6; the 1s: 2 same + 3 rejected = 5; sqrt 2: 4; 2: 3; sqrt 5: 2.
		Map<String, List<float[]>> m = new LinkedHashMap<>();
		m.put("a", Arrays.asList(at(0, 0), at(1, 0)));
		m.put("b", Arrays.asList(at(0, 1), at(0, 2)));
		FaceEvaluation.Threshold best = FaceEvaluation.of(m, 0.6).verification().bestAccuracy();
		assertEquals(5 / 6.0, best.rates().accuracy(), EPS);
		assertEquals(1, best.low(), EPS);
		assertEquals(Math.sqrt(2), best.high(), 1e-6);
		assertEquals(1, best.rates().trueAcceptRate(), EPS);
		assertEquals(0.25, best.rates().falseAcceptRate(), EPS);

		// Only same-person pairs (b has no encodings): accepting all is best, [0.3, inf), tau = low.
		Map<String, List<float[]>> sameOnly = new LinkedHashMap<>();
		sameOnly.put("a", Arrays.asList(at(0), at(0.3)));
		sameOnly.put("b", Arrays.asList(null, null));
		FaceEvaluation.Verification v = FaceEvaluation.of(sameOnly, 0.6).verification();
		assertEquals(1, v.samePairs());
		assertEquals(0, v.differentPairs());
		assertEquals(1, v.bestAccuracy().rates().accuracy(), EPS);
		assertEquals(0.3, v.bestAccuracy().low(), 1e-6);
		assertEquals(Double.POSITIVE_INFINITY, v.bestAccuracy().high());
		assertEquals(0.3, v.bestAccuracy().rates().tau(), 1e-6);
		assertEquals(1, v.bestBalancedAccuracy().rates().balancedAccuracy(), EPS);
	}

	@Test
	void missingEncodingsAreLeftOut() {
		Map<String, List<float[]>> m = new LinkedHashMap<>();
		m.put("a", Arrays.asList(at(0), at(0.5), null));
		m.put("b", Arrays.asList(null, at(3), at(3.25)));
		m.put("c", Arrays.asList(at(6), at(6.5), at(6.75)));
		FaceEvaluation e = FaceEvaluation.of(m);
		assertEquals(2, e.missing());
		assertEquals(7 * 6 / 2, e.verification().pairs());
		assertEquals(1 + 1 + 3, e.verification().samePairs());
		// k = 0: b is not enrolled, so only a's (1) and c's (2) others are queried.
		assertArrayEquals(new int[] {3, 4, 3}, e.closedSet().queries());
		assertArrayEquals(new double[] {1, 1, 1}, e.closedSet().accuracy(), EPS);
		// Open set: a enrolled (3 persons / 2 = 1), b and c strangers.
		assertEquals(List.of("a"), e.openSet().enrolled());
		assertArrayEquals(new int[] {5, 5, 5}, e.openSet().strangerQueries());
		assertArrayEquals(new int[] {1, 1, 0}, e.openSet().knownQueries());
		assertTrue(Double.isNaN(e.openSet().trueAcceptRate()[2]), "no queries: NaN, left out of the mean");
		assertEquals(1, e.openSet().meanTrueAcceptRate(), EPS);
		assertTrue(e.report().contains("2 missing"), e.report());
	}

	@Test
	void badInputIsRejectedWithTheReason() {
		Map<String, List<float[]>> uneven = new LinkedHashMap<>();
		uneven.put("a", Arrays.asList(at(0), at(1)));
		uneven.put("b", Arrays.asList(at(0), at(1), at(2)));
		assertEquals("encodings: every person needs as many images; 'a' has 2, 'b' has 3",
			assertThrows(IllegalArgumentException.class, () -> FaceEvaluation.of(uneven)).getMessage());
		Map<String, List<float[]>> one = new LinkedHashMap<>();
		one.put("a", Arrays.asList(at(0), at(1)));
		assertEquals("encodings: expected at least 2 persons, got 1",
			assertThrows(IllegalArgumentException.class, () -> FaceEvaluation.of(one)).getMessage());
		Map<String, List<float[]>> shortOnes = new LinkedHashMap<>();
		shortOnes.put("a", List.of(new float[3], new float[3]));
		shortOnes.put("b", List.of(new float[3], new float[3]));
		assertEquals("encodings: expected 128 values per encoding, got 3 for 'a'",
			assertThrows(IllegalArgumentException.class, () -> FaceEvaluation.of(shortOnes)).getMessage());
		assertEquals("tau: expected a positive distance, got 0.0",
			assertThrows(IllegalArgumentException.class, () -> FaceEvaluation.of(twoByTwo(), 0)).getMessage());
	}

	@Test
	void reportShowsTheTable() {
		String report = FaceEvaluation.of(twoByTwo()).report();
		assertTrue(report.startsWith("2 persons x 2 images (4 encodings, 0 missing), tau = 0.6"), report);
		assertTrue(report.contains("all 6 pairs (2 same person, 4 different)"), report);
		assertTrue(report.contains("best accuracy"), report);
		assertTrue(report.contains("[0.5000, 1.5000)"), report);
		assertTrue(report.contains("closed-set accuracy"), report);
		assertTrue(report.contains("open-set FAR at tau"), report);
	}

	// ---- face-api.js on ORL (committed descriptors, no shared data needed) ----

	/**
	 * face-api.js's own figures on ORL s1..s20 from the committed descriptors. The pinned values were
	 * computed independently from the same JSON (Python/numpy, float32 descriptors, brute force over
	 * every threshold), so this also checks FaceEvaluation on real data. Face-api's reference:
	 * whole_image (the 92 x 112 image padded and resized to the chip, no detection) separates
	 * persons poorly at dlib's tau 0.6 (ORL frames are not dlib-aligned chips: distances shrink,
	 * 64% of different-person pairs fall within 0.6); detect (TinyFaceDetector 128 + 68 landmarks +
	 * aligned crop) is face-api's intended use and works well.
	 */
	@Test
	void faceApiOnOrl() throws IOException {
		Map<String, FaceEvaluation> byPipeline = new LinkedHashMap<>();
		for (String pipeline : List.of("whole_image", "detect")) {
			Map<String, List<float[]>> encodings = OrlEvaluation.faceApi(pipeline);
			assertEquals(20, encodings.size());
			FaceEvaluation e = FaceEvaluation.of(encodings);
			byPipeline.put(pipeline, e);
			System.out.println("face-api.js 1.7.15 on ORL s1..s20, pipeline " + pipeline + ":");
			System.out.println(e.report());
			FaceEvaluation.Verification v = e.verification();
			assertTrue(v.meanSameDistance() < v.meanDifferentDistance(), pipeline + ": same-person pairs are closer on average");
			assertTrue(v.bestAccuracy().rates().accuracy() >= v.atTau().accuracy(), pipeline);
			assertTrue(v.bestBalancedAccuracy().rates().balancedAccuracy() >= v.atTau().balancedAccuracy(), pipeline);
			assertTrue(e.closedSet().meanAccuracy() > 0.7, pipeline + ": closed-set accuracy " + e.closedSet().meanAccuracy());
		}

		FaceEvaluation whole = byPipeline.get("whole_image");
		FaceEvaluation.Verification v = whole.verification();
		assertEquals(0, whole.missing());
		assertEquals(900, v.samePairs());
		assertEquals(19000, v.differentPairs());
		assertEquals(0.3817057, v.meanSameDistance(), 1e-6);
		assertEquals(0.5755577, v.meanDifferentDistance(), 1e-6);
		assertRates(v.atTau(), 7689 / 19900.0, 871 / 900.0, 12182 / 19000.0);
		assertEquals(0.3857745, v.bestAccuracy().low(), 1e-6);
		assertRates(v.bestAccuracy().rates(), 0.9778391959798995, 0.5544444444444444, 0.002105263157894737);
		assertEquals(0.4634492, v.bestBalancedAccuracy().low(), 1e-6);
		assertRates(v.bestBalancedAccuracy().rates(), 0.9215075376884422, 0.78, 0.07178947368421053);
		assertArrayEquals(new double[] {135, 149, 143, 130, 125, 130, 143, 148, 143, 124}, scaled(whole.closedSet().accuracy(), 180), 1e-9);
		assertEquals(0.7611111, whole.closedSet().meanAccuracy(), 1e-6);
		assertArrayEquals(new double[] {90, 95, 93, 94, 93, 98, 91, 92, 94, 90}, scaled(whole.openSet().falseAcceptRate(), 100), 1e-9);
		assertEquals(0.8022222, whole.openSet().meanTrueAcceptRate(), 1e-6);

		FaceEvaluation detect = byPipeline.get("detect");
		v = detect.verification();
		assertEquals(2, detect.missing(), "detect: face-api found no face in s2/6 and s2/9");
		assertEquals(883, v.samePairs());
		assertEquals(18620, v.differentPairs());
		assertEquals(0.3731932, v.meanSameDistance(), 1e-6);
		assertEquals(0.7473550, v.meanDifferentDistance(), 1e-6);
		assertRates(v.atTau(), 0.9670307132236067, 0.9909399773499433, 0.0341031149301826);
		assertEquals(0.5072452, v.bestAccuracy().low(), 1e-6);
		assertRates(v.bestAccuracy().rates(), 0.9942060195867303, 0.9026047565118913, 0.0014500537056928034);
		assertEquals(0.5759147, v.bestBalancedAccuracy().low(), 1e-6);
		assertRates(v.bestBalancedAccuracy().rates(), 0.9835922678562272, 0.9852774631936579, 0.016487647690655208);
		assertEquals(0.9851863, detect.closedSet().meanAccuracy(), 1e-6);
		assertEquals(0.377, detect.openSet().meanFalseAcceptRate(), 1e-6);
		assertEquals(0.9847363, detect.openSet().meanTrueAcceptRate(), 1e-6);
		assertTrue(detect.closedSet().meanAccuracy() > 0.95, "detect: closed-set accuracy");
		assertTrue(detect.verification().atTau().balancedAccuracy() > whole.verification().atTau().balancedAccuracy(),
			"face-api's own pipeline (detect, align) beats feeding the whole frame");
	}

	private static void assertRates(FaceEvaluation.Rates r, double accuracy, double tar, double far) {
		assertEquals(accuracy, r.accuracy(), 1e-9, "accuracy");
		assertEquals(tar, r.trueAcceptRate(), 1e-9, "true-accept rate");
		assertEquals(far, r.falseAcceptRate(), 1e-9, "false-accept rate");
		assertEquals((tar + 1 - far) / 2, r.balancedAccuracy(), 1e-9, "balanced accuracy");
	}

	private static double[] scaled(double[] values, double factor) {
		return Arrays.stream(values).map(v -> v * factor).toArray();
	}
}
