package org.convkit.face.eval;

import org.convkit.face.eval.VerificationEvaluation.ScoredPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** ROC, AUC, EER, thresholds and the 10-fold accuracy on pairs whose answers are known; the pairs-list reader. */
class VerificationEvaluationTest {

	@TempDir
	Path temp;

	private static ScoredPair pair(int a, int b, double d) {
		return new ScoredPair("x", "y", a, b, a == b, d, -1);
	}

	@Test
	void separatedPairsGiveAucOneAndNoErrors() {
		List<ScoredPair> pairs = new ArrayList<>();
		for (int p = 0; p < 10; p++) {
			pairs.add(pair(p, p, 0.1 + 0.01 * p));
			for (int q = p + 1; q < 10; q++) pairs.add(pair(p, q, 0.8 + 0.001 * q));
		}
		VerificationEvaluation e = VerificationEvaluation.of(pairs, 0.5);
		assertEquals(1, e.auc(), 1e-12);
		assertEquals(0, e.eer(), 1e-12);
		assertEquals(1, e.accuracyAtThreshold(), 1e-12);
		assertEquals(1, e.accuracy10Fold(), 1e-12);
		assertEquals(10, e.folds());
		assertTrue(e.bestThreshold() > 0.19 && e.bestThreshold() < 0.8, "between the largest same and the smallest different distance: " + e.bestThreshold());
		assertEquals(1, e.tarAtFar1pct(), 1e-12);
	}

	@Test
	void aucCountsTheOrderedPairsAndTies() {
		// same: 0.1, 0.4; different: 0.3, 0.4, 0.5. P(d_same < d_diff) + 0.5 P(tie) over 6 comparisons:
		// 0.1 beats all 3; 0.4 beats 0.5, ties 0.4, loses to 0.3 -> (3 + 1 + 0.5) / 6
		List<ScoredPair> pairs = List.of(pair(0, 0, 0.1), pair(1, 1, 0.4), pair(0, 1, 0.3), pair(0, 2, 0.4), pair(1, 2, 0.5));
		VerificationEvaluation e = VerificationEvaluation.of(pairs, 0.35);
		assertEquals(4.5 / 6, e.auc(), 1e-12);
		assertEquals(3 / 5.0, e.accuracyAtThreshold(), 1e-12, "accepting 0.1 and 0.3: one same right, two different right");
		// EER: FAR = FRR between the points (1/3, 1/2) and (2/3, 1): where 1 - TAR = FAR
		assertTrue(e.eer() > 0.3 && e.eer() < 0.5, "eer " + e.eer());
	}

	@Test
	void randomScoresGiveChance() {
		Random random = new Random(5);
		List<ScoredPair> pairs = new ArrayList<>();
		for (int i = 0; i < 4000; i++) {
			int a = random.nextInt(20), b = random.nextInt(5) == 0 ? a : random.nextInt(20);
			pairs.add(pair(a, b, random.nextDouble()));
		}
		VerificationEvaluation e = VerificationEvaluation.of(pairs, 0.5);
		assertEquals(0.5, e.auc(), 0.04);
		assertEquals(0.5, e.eer(), 0.04);
	}

	@Test
	void foldsNeverChooseOnTheTestedPersons() {
		// Person 0's same pairs lie at 0.4 and 0.45, everyone else's at 0.1 and 0.15; different pairs
		// at 0.3 (among 1..9) and 0.6 (with 0). Person 0's fold chooses its threshold on the others'
		// pairs (between 0.15 and 0.3) and so rejects person 0's same pairs: 9 of 11 right.
		List<ScoredPair> pairs = new ArrayList<>();
		for (int p = 0; p < 10; p++) {
			pairs.add(pair(p, p, p == 0 ? 0.4 : 0.1));
			pairs.add(pair(p, p, p == 0 ? 0.45 : 0.15));
		}
		for (int p = 1; p < 10; p++)
			for (int q = p + 1; q < 10; q++) pairs.add(pair(p, q, 0.3));
		for (int q = 1; q < 10; q++) pairs.add(pair(0, q, 0.6));
		VerificationEvaluation e = VerificationEvaluation.of(pairs, 0.5);
		assertEquals(63 / 65.0, e.bestAccuracy(), 1e-12, "on all 65 pairs the best threshold gets person 0's two same pairs wrong");
		assertEquals(9 / 11.0, e.foldAccuracies()[0], 1e-12);
		for (int f = 1; f < 10; f++) assertEquals(1, e.foldAccuracies()[f], 1e-12, "fold " + f);
		assertEquals((9 / 11.0 + 9) / 10, e.accuracy10Fold(), 1e-12);
	}

	@Test
	void pairsFileReadsLfwLinesAndNamesTheBadOnes() throws IOException {
		for (String person : List.of("ann", "bob")) {
			Files.createDirectories(temp.resolve(person));
			for (int i = 1; i <= 2; i++) Files.writeString(temp.resolve(person).resolve(person + String.format("_%04d.pgm", i)), "P2 1 1 255 0\n");
		}
		Path list = temp.resolve("pairs.txt");
		Files.writeString(list, "1\t1\nann\t1\t2\nann\t1\tbob\t2\n");
		PairsFile file = PairsFile.read(list, temp);
		assertEquals(2, file.pairs().size());
		assertEquals(1, file.folds());
		assertTrue(file.pairs().get(0).same());
		assertFalse(file.pairs().get(1).same());
		assertEquals(temp.resolve("bob/bob_0002.pgm"), file.pairs().get(1).second());
		Files.writeString(list, "ann 1 2\nann 1 x 2 3\n");
		IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> PairsFile.read(list, temp));
		assertTrue(bad.getMessage().startsWith("pairs: line 2 of " + list), bad.getMessage());
		Files.writeString(list, "ann 1 2\nbob 1 7\n");
		IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> PairsFile.read(list, temp));
		assertTrue(missing.getMessage().startsWith("pairs: line 2 of " + list + ": no image 7 of 'bob'"), missing.getMessage());
	}
}
