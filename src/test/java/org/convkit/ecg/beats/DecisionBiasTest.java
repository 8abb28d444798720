package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DecisionBiasTest {

	private static final float[] TWO_BEATS = {0.5f, 0.4f, 0.1f, 0, 0, 0.05f, 0.05f, 0.6f, 0.3f, 0};

	@Test
	void withoutOffsetsTheMostProbableClassWins() {
		assertArrayEquals(new int[] {AamiClass.N.ordinal(), AamiClass.V.ordinal()}, DecisionBias.NONE.classify(TWO_BEATS));
	}

	@Test
	void offsetsAddToTheLogProbabilities() {
		// log 0.4 + 0.25 = -0.666 > log 0.5 = -0.693; log 0.6 - 0.75 = -1.261 < log 0.3 = -1.204
		DecisionBias bias = new DecisionBias(new float[] {0, 0.25f, -0.75f, 0, 0});
		assertEquals(AamiClass.S, bias.classify(TWO_BEATS, 0));
		assertEquals(AamiClass.F, bias.classify(TWO_BEATS, 1));
		// a zero probability stays impossible whatever its offset
		assertEquals(AamiClass.V, new DecisionBias(new float[] {0, 0, 0, 0, 1}).classify(TWO_BEATS, 1));
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
		assertEquals("S", biased.csv().split("\n")[1].split(",")[7], "the CSV's class column");
		// the probabilities themselves are the network's
		assertEquals(0.4f, biased.probability(0, AamiClass.S));
	}
}
