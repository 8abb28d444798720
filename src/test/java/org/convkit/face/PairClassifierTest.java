package org.convkit.face;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The pair classifier on made-up encodings whose persons differ in a few of the 128 values: it learns
 * which values matter, judges pairs of persons it never saw, and is saved, read back and refused
 * as the files say.
 */
class PairClassifierTest {

	@TempDir
	Path temp;

	/** Persons differ in values 0..7 (spread 0.3), every value has noise 0.05. */
	private static Map<String, List<float[]>> persons(int count, int images, Random random) {
		Map<String, List<float[]>> persons = new LinkedHashMap<>();
		for (int p = 0; p < count; p++) {
			float[] centre = new float[FaceEncoder.DESCRIPTOR_SIZE];
			for (int k = 0; k < 8; k++) centre[k] = (float) (random.nextGaussian() * 0.3);
			List<float[]> list = new ArrayList<>();
			for (int i = 0; i < images; i++) {
				float[] e = centre.clone();
				for (int k = 0; k < e.length; k++) e[k] += (float) (random.nextGaussian() * 0.05);
				list.add(e);
			}
			persons.put("p" + p, list);
		}
		return persons;
	}

	@Test
	void learnsWhichValuesTellPersonsApart() throws IOException {
		Random random = new Random(7);
		for (PairClassifier.Form form : PairClassifier.Form.values()) {
			PairClassifier c = PairClassifierTrainer.train(persons(12, 6, random), form, "encoder-a", 1);
			double[] w = c.weights();
			double informative = 0, noise = 0;
			for (int k = 0; k < w.length; k++) {
				if (k < 8) {
					informative += Math.abs(w[k]) / 8;
					assertTrue(w[k] < 0, form + ": a larger difference in value " + k + " means less likely the same person, w = " + w[k]);
				}
				else noise += Math.abs(w[k]) / (w.length - 8);
			}
			// (the penalty pulls the weights towards their mean, as far as the persons' cross-validation wants)
			assertTrue(informative > 1.5 * noise, form + ": the weights of the values that differ (" + informative + ") outweigh the others' (" + noise + ")");
			// Unseen persons: every same pair accepted, different pairs rejected but for a few.
			Map<String, List<float[]>> unseen = persons(10, 4, random);
			int right = 0, pairs = 0;
			List<String> names = new ArrayList<>(unseen.keySet());
			for (int a = 0; a < names.size(); a++)
				for (int b = a; b < names.size(); b++)
					for (float[] x : unseen.get(names.get(a)))
						for (float[] y : unseen.get(names.get(b))) {
							if (x == y) continue;
							pairs++;
							boolean same = c.probability(x, y) >= c.probabilityThreshold();
							if (same == (a == b)) right++;
						}
			assertTrue(right > 0.97 * pairs, form + ": " + right + " of " + pairs + " pairs of unseen persons right");
			c.save(temp.resolve(form.key()));
			PairClassifier read = PairClassifier.open(temp.resolve(form.key()));
			float[] x = unseen.get("p0").get(0), y = unseen.get("p1").get(0);
			assertEquals(c.probability(x, y), read.probability(x, y), 1e-12);
			assertEquals(c.probabilityThreshold(), read.probabilityThreshold());
			IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> read.checkEncoder("encoder-b", temp));
			assertEquals(String.format(PairClassifier.OTHER_ENCODER, temp, "encoder-a", "encoder-b"), other.getMessage());
		}
	}

	@Test
	void chiSquareIsTheSquaredDifferenceOverTheSum() {
		double[] x = PairClassifier.Form.CHI_SQUARE.features(new float[] { 1, -2, 0 }, new float[] { 3, 2, 0 });
		assertEquals(4.0 / 4, x[0], 1e-6);
		assertEquals(16.0 / 4, x[1], 1e-6, "absolute values in the sum: the encodings are signed");
		assertEquals(0, x[2], 1e-12);
		assertArrayEquals(new double[] { 2, 4, 0 }, PairClassifier.Form.ABSOLUTE.features(new float[] { 1, -2, 0 }, new float[] { 3, 2, 0 }), 1e-12);
	}

	@Test
	void foreignOrDamagedFoldersAreRefused() throws IOException {
		IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> PairClassifier.open(temp));
		assertTrue(missing.getMessage().startsWith("classifier: expected a folder holding pair_classifier.json"), missing.getMessage());
		Files.writeString(temp.resolve(PairClassifier.FILE), "{\"format\": \"convkit-face-embedding\"}");
		IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> PairClassifier.open(temp));
		assertTrue(kind.getMessage().contains("is not a pair classifier"), kind.getMessage());
		Files.writeString(temp.resolve(PairClassifier.FILE), "{\"format\": \"convkit-face-pair-classifier\", \"version\": 1, \"weights\": [1, 2]}");
		IOException damaged = assertThrows(IOException.class, () -> PairClassifier.open(temp));
		assertTrue(damaged.getMessage().contains("is damaged"), damaged.getMessage());
	}
}
