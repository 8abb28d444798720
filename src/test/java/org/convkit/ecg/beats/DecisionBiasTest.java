package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import java.util.List;

class DecisionBiasTest {

	private static final float[] TWO_BEATS = {0.5f, 0.4f, 0.1f, 0, 0, 0.05f, 0.05f, 0.6f, 0.3f, 0};

	@Test
	void withoutOffsetsTheMostProbableClassWins() {
		assertArrayEquals(new int[] {AamiClass.N.ordinal(), AamiClass.V.ordinal()}, DecisionBias.NONE.classify(TWO_BEATS, twoBeats(0, 0)));
	}

	@Test
	void noBeatIsCalledSInAtrialFibrillation() {
		float[] likelyS = {0.25f, 0.4f, 0.3f, 0.03f, 0.02f};
		assertEquals(AamiClass.S, DecisionBias.NONE.classify(likelyS, 0, false));
		assertEquals(AamiClass.N, DecisionBias.NONE.classify(likelyS, 0, true), "S's 0.4 counts for N (0.65), not the next class V (0.3)");
		// the offsets apply to the classes left: log 0.3 + 0.8 = -0.404 > log 0.65 = -0.431
		assertEquals(AamiClass.V, new DecisionBias(new float[] {0, 0, 0.8f, 0, 0}).classify(likelyS, 0, true));
		assertEquals(AamiClass.N, new DecisionBias(new float[] {0, 0, 0.7f, 0, 0}).classify(likelyS, 0, true));
		// N's own probability may be 0 (or underflow): S's still counts
		assertEquals(AamiClass.N, DecisionBias.NONE.classify(new float[] {0, 0.6f, 0.3f, 0.1f, 0}, 0, true));
		// the dataset tells which beats are in fibrillation: irregular, without a coherent P wave
		float[] probabilities = {0.2f, 0.5f, 0.1f, 0.15f, 0.05f, 0.2f, 0.5f, 0.1f, 0.15f, 0.05f};
		int s = AamiClass.S.ordinal(), n = AamiClass.N.ordinal();
		assertArrayEquals(new int[] {s, n}, DecisionBias.NONE.classify(probabilities, twoBeats(0.5f, 0.05f)));
		assertArrayEquals(new int[] {s, s}, DecisionBias.NONE.classify(probabilities, twoBeats(0.5f, 0.9f)), "irregular, P waves: not fibrillation");
		assertArrayEquals(new int[] {s, s}, DecisionBias.NONE.classify(probabilities, twoBeats(0.02f, 0.05f)),
			"regular, no P wave (e.g. junctional rhythm): not fibrillation");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecisionBias.NONE.classify(likelyS, twoBeats(0, 0)));
		assertEquals("probabilities: expected 2 x 5, got 5", e.getMessage());
	}

	/** Two beats, the first in regular sinus rhythm, the second with this irregularity and P-wave coherence. */
	private static BeatDataset twoBeats(float irregularity, float pWaveCoherence) {
		int length = 4;
		float[] rr = {0.8f, 0.8f, 0.8f, 0.8f, 0.01f, 0.95f, 0.8f, 0.8f, 0.5f, 0.9f, 0.7f, 0.8f, irregularity, pWaveCoherence, 0.8f, 0.8f};
		return BeatDataset.ofArrays("r", length, new float[2 * length], rr, new int[] {AamiClass.S.ordinal(), AamiClass.N.ordinal()});
	}

	@Test
	void offsetsAddToTheLogProbabilities() {
		// log 0.4 + 0.25 = -0.666 > log 0.5 = -0.693; log 0.6 - 0.75 = -1.261 < log 0.3 = -1.204
		DecisionBias bias = new DecisionBias(new float[] {0, 0.25f, -0.75f, 0, 0});
		assertEquals(AamiClass.S, bias.classify(TWO_BEATS, 0, false));
		assertEquals(AamiClass.F, bias.classify(TWO_BEATS, 1, false));
		// a zero probability stays impossible whatever its offset
		assertEquals(AamiClass.V, new DecisionBias(new float[] {0, 0, 0, 0, 1}).classify(TWO_BEATS, 1, false));
	}

	@Test
	void theTextFormRoundTrips() {
		DecisionBias bias = new DecisionBias(new float[] {0, -0.75f, -1.25f, -2, 0});
		assertEquals("0.0,-0.75,-1.25,-2.0,0.0", bias.format());
		assertEquals(bias, DecisionBias.parse(bias.format(), "test"));
		assertEquals(bias, DecisionBias.parse(" 0, -0.75 ,-1.25,-2,0", "test"));
	}

	@Test
	void badTextIsRefusedWithWhatWasExpected() {
		for (String text : new String[] {"0,-1,-1", "0,-1,x,0,0", "0,0,0,0,0,"}) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecisionBias.parse(text, "decision_bias"), text);
			assertEquals("decision_bias: expected 5 comma-separated numbers (offsets of N,S,V,F,Q, N's being 0), got '" + text + "'", e.getMessage());
		}
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecisionBias.parse("0,NaN,0,0,0", "decision_bias"));
		assertEquals("decision_bias: offsets must be finite numbers, got [0.0, NaN, 0.0, 0.0, 0.0] (in '0,NaN,0,0,0')", e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> DecisionBias.parse("0.5,0,0,0,0", "decision_bias"));
		assertEquals("decision_bias: N's offset must be 0, got 0.5 (in '0.5,0,0,0,0')", e.getMessage());
	}

	@Test
	void negativeZeroIsZero() {
		DecisionBias bias = new DecisionBias(new float[] {-0f, -0f, 0, 0, 0});
		assertEquals(DecisionBias.NONE, bias);
		assertEquals("0.0,0.0,0.0,0.0,0.0", bias.format());
	}

	@Test
	void classifiedBeatsTakeTheirClassesAfterTheBias() {
		int length = 4;
		BeatDataset beats = BeatDataset.ofArrays("r", length, new float[2 * length], new float[2 * BeatDataset.RR_VALUES],
			new int[] {AamiClass.S.ordinal(), AamiClass.V.ordinal()});
		DecisionBias bias = new DecisionBias(new float[] {0, 0.25f, -0.75f, 0, 0});
		ClassifiedBeats plain = new ClassifiedBeats("r", "MLII", 360, 360, beats, TWO_BEATS, DecisionBias.NONE);
		ClassifiedBeats biased = new ClassifiedBeats("r", "MLII", 360, 360, beats, TWO_BEATS, bias);
		assertArrayEquals(new int[] {AamiClass.N.ordinal(), AamiClass.V.ordinal()}, plain.predictions());
		assertArrayEquals(new int[] {AamiClass.S.ordinal(), AamiClass.F.ordinal()}, biased.predictions());
		assertEquals(0, plain.evaluation().accuracy() * 2 - 1, 1e-12, "plain: V right, S wrong");
		assertEquals(0, biased.evaluation().accuracy() * 2 - 1, 1e-12, "biased: S right, V wrong");
		String[] header = biased.csv().split("\n")[0].split(","), first = biased.csv().split("\n")[1].split(",");
		assertEquals("S", first[List.of(header).indexOf("class")], "the CSV's class column");
		assertEquals("false", first[List.of(header).indexOf("atrial_fibrillation")]);
		// the probabilities themselves are the network's
		assertEquals(0.4f, biased.probability(0, AamiClass.S));
	}
}
