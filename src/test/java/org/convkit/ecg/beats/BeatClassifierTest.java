package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.convkit.ecg.Annotation;
import org.junit.jupiter.api.Test;

class BeatClassifierTest {

	@Test
	void detectionsTakeTheClassOfTheReferenceBeatWithin150Ms() {
		List<Annotation> reference = List.of(Annotation.of(1000, "N"), Annotation.of(1100, "+"), Annotation.of(1300, "V"),
			Annotation.of(1600, "A"), Annotation.of(2400, "N"));
		long[] detections = {1010, 1290, 1660, 2000, 2453};
		int[] labels = new int[detections.length];
		java.util.Arrays.fill(labels, BeatDataset.UNLABELLED);
		BeatClassifier.label(detections, labels, reference, 1, 360);
		// 150 ms at 360 Hz is 54 samples: 1660 is 60 from the A beat, 2000 near nothing, 2453 53 from the last N
		assertArrayEquals(new int[] {AamiClass.N.ordinal(), AamiClass.V.ordinal(), BeatDataset.UNLABELLED, BeatDataset.UNLABELLED,
			AamiClass.N.ordinal()}, labels);
		// annotations at twice the lead's rate (scale 1/2)
		long[] half = {500, 650};
		int[] l2 = {BeatDataset.UNLABELLED, BeatDataset.UNLABELLED};
		BeatClassifier.label(half, l2, reference, 0.5, 180);
		assertArrayEquals(new int[] {AamiClass.N.ordinal(), AamiClass.V.ordinal()}, l2);
	}

	@Test
	void predictionsBecomeWfdbSymbolsThatMapBackToTheirClass() {
		for (AamiClass c : AamiClass.values()) assertEquals(c, AamiClass.ofSymbol(c.wfdbSymbol()).orElseThrow());
	}

	@Test
	void aDoubleDetectionDoesNotTakeTheSameReferenceBeatTwice() {
		List<Annotation> reference = List.of(Annotation.of(1000, "V"), Annotation.of(1300, "N"));
		long[] detections = {990, 1020, 1300};
		int[] labels = {BeatDataset.UNLABELLED, BeatDataset.UNLABELLED, BeatDataset.UNLABELLED};
		BeatClassifier.label(detections, labels, reference, 1, 360);
		assertArrayEquals(new int[] {AamiClass.V.ordinal(), BeatDataset.UNLABELLED, AamiClass.N.ordinal()}, labels);
	}
}
