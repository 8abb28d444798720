package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.convkit.ecg.Annotation;
import org.junit.jupiter.api.Test;

/** Paced beats in the results: class Q, the 'paced' column, '/' annotations; the probabilities stay the network's. */
class ClassifiedBeatsPacedTest {

	/** Three beats the network calls N, V, N. */
	static final float[] PROBABILITIES = {0.9f, 0.05f, 0.05f, 0, 0, 0.1f, 0, 0.9f, 0, 0, 0.8f, 0.1f, 0.1f, 0, 0};

	static BeatDataset beats() {
		int length = 4;
		return BeatDataset.ofArrays("r", length, new float[3 * length], new float[3 * BeatDataset.RR_VALUES],
			new int[] {AamiClass.Q.ordinal(), AamiClass.Q.ordinal(), AamiClass.N.ordinal()});
	}

	@Test
	void pacedBeatsAreQEverywhere() {
		// the first two beats are paced (scores 0.5, 0.6 over a median of 0.5), the third is the patient's own
		PacedRhythm paced = PacedRhythm.of(new double[] {0.5, 0.6, 0.1});
		ClassifiedBeats r = new ClassifiedBeats("r", "MLII", 360, 360, beats(), PROBABILITIES, DecisionBias.NONE, paced);
		assertEquals(AamiClass.Q, r.predicted(0));
		assertEquals(AamiClass.Q, r.predicted(1));
		assertEquals(AamiClass.N, r.predicted(2));
		assertArrayEquals(new int[] {4, 4, 0}, r.predictions());
		assertArrayEquals(new int[] {1, 0, 0, 0, 2}, r.counts());
		assertEquals(1.0, r.evaluation().accuracy(), 1e-12);
		assertEquals(0.9f, r.probability(1, AamiClass.V), "the network's probabilities are kept");
		List<Annotation> annotations = r.annotations();
		assertEquals(List.of("/", "/", "N"), annotations.stream().map(Annotation::symbol).toList());
		assertEquals(AamiClass.Q, AamiClass.ofSymbol(ClassifiedBeats.PACED_SYMBOL).orElseThrow());
		String[] lines = r.csv().split("\n");
		int pacedColumn = List.of(lines[0].split(",")).indexOf("paced"), classColumn = List.of(lines[0].split(",")).indexOf("class");
		assertEquals(ClassifiedBeats.COLUMNS.indexOf("paced"), pacedColumn);
		assertEquals(-1, ClassifiedBeats.decimals("paced"));
		assertEquals("true", lines[1].split(",")[pacedColumn]);
		assertEquals("Q", lines[2].split(",")[classColumn]);
		assertEquals("false", lines[3].split(",")[pacedColumn]);
	}

	@Test
	void withoutPacingTheNetworkDecides() {
		ClassifiedBeats r = new ClassifiedBeats("r", "MLII", 360, 360, beats(), PROBABILITIES, DecisionBias.NONE);
		assertArrayEquals(new int[] {0, 2, 0}, r.predictions());
		assertEquals(List.of("N", "V", "N"), r.annotations().stream().map(Annotation::symbol).toList());
		assertFalse(r.paced().isPaced());
		assertThrows(IllegalArgumentException.class,
			() -> new ClassifiedBeats("r", "MLII", 360, 360, beats(), PROBABILITIES, DecisionBias.NONE, PacedRhythm.none(2)));
	}
}
