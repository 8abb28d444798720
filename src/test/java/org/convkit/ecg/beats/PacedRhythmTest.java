package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The record-level decision on stimulus scores. */
class PacedRhythmTest {

	@Test
	void aRecordIsPacedWhenItsMedianBeatCarriesAStimulus() {
		// six stimulated beats (0.5-0.6) and three intrinsic ones (0.1-0.2): paced; the intrinsic beats are not
		PacedRhythm r = PacedRhythm.of(new double[] {0.5, 0.55, 0.1, 0.6, 0.5, 0.2, 0.52, 0.58, 0.15});
		assertTrue(r.isPaced());
		assertEquals(6, r.pacedBeats());
		assertEquals(0.5, r.medianScore(), 1e-9);
		assertTrue(r.isPaced(0));
		assertFalse(r.isPaced(2));
		assertFalse(r.isPaced(5));
		assertEquals("paced rhythm: 6 of 9 beats paced (class Q)", r.summary());
	}

	@Test
	void sharpBeatsInARecordThatIsNotPacedAreNotPaced() {
		// a few beats score like stimuli, the median does not: nothing is paced
		PacedRhythm r = PacedRhythm.of(new double[] {0.1, 0.9, 0.15, 0.2, 0.8, 0.12, 0.1});
		assertFalse(r.isPaced());
		assertEquals(0, r.pacedBeats());
		for (int i = 0; i < r.size(); i++) assertFalse(r.isPaced(i));
		assertEquals("", r.summary());
	}

	@Test
	void noBeatsAndNoneAreNotPaced() {
		assertFalse(PacedRhythm.of(new double[0]).isPaced());
		assertEquals(0, PacedRhythm.of(new double[0]).size());
		PacedRhythm none = PacedRhythm.none(3);
		assertEquals(3, none.size());
		assertFalse(none.isPaced());
		// at the threshold: paced
		assertTrue(PacedRhythm.of(new double[] {PacedRhythm.RECORD_MEDIAN, PacedRhythm.RECORD_MEDIAN, 0}).isPaced());
	}
}
