package org.convkit.ecg.signal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.convkit.ecg.Annotation;
import org.junit.jupiter.api.Test;

class DetectionEvaluationTest {

	@Test
	void countsByHand() {
		// fs 100 Hz: tolerance 150 ms = 15 samples
		long[] ref = {100, 200, 300, 400, 500};
		int[] det = {105, 190, 250, 316, 400, 402, 700};
		// 100<-105 TP, 200<-190 TP, 250 FP, 300: 316 is 16 away -> FN and FP, 400<-400 TP, 402 FP, 500 FN, 700 FP
		DetectionEvaluation.RecordResult r = DetectionEvaluation.compare("x", ref, det, 100, 0.150, 0, 1000);
		assertEquals(3, r.tp());
		assertEquals(4, r.fp());
		assertEquals(2, r.fn());
		assertEquals(3.0 / 5, r.sensitivity(), 1e-12);
		assertEquals(3.0 / 7, r.positivePredictivity(), 1e-12);
	}

	@Test
	void matchesTheNearerDetection() {
		long[] ref = {100, 120};
		int[] det = {110, 121};
		DetectionEvaluation.RecordResult r = DetectionEvaluation.compare("x", ref, det, 100, 0.150, 0, 1000);
		assertEquals(2, r.tp());
		// one detection between two beats: the nearer beat gets it
		r = DetectionEvaluation.compare("x", new long[] {100, 125}, new int[] {118}, 100, 0.150, 0, 1000);
		assertEquals(1, r.tp());
		assertEquals(1, r.fn());
		assertEquals(0, r.fp());
	}

	@Test
	void windowAndExclusions() {
		long[] ref = {10, 100, 200, 300, 990};
		int[] det = {12, 100, 250, 260, 301};
		// only [50, 950], and 240..270 excluded
		DetectionEvaluation.RecordResult r = DetectionEvaluation.compare("x", ref, det, 100, 0.150, 50, 950, new long[] {240, 270});
		assertEquals(2, r.tp()); // 100, 300
		assertEquals(0, r.fp());
		assertEquals(1, r.fn()); // 200
		assertArrayEquals(new long[] {240, 270}, DetectionEvaluation.ventricularFlutterIntervals(List.of(
			Annotation.of(5, "N"), Annotation.of(240, "["), Annotation.of(250, "!"), Annotation.of(270, "]"))));
	}

	@Test
	void grossTotalsAndReport() {
		DetectionEvaluation ev = new DetectionEvaluation();
		ev.add(new DetectionEvaluation.RecordResult("a", 90, 5, 10));
		ev.add(new DetectionEvaluation.RecordResult("b", 10, 0, 0));
		DetectionEvaluation.RecordResult g = ev.gross();
		assertEquals(100, g.tp());
		assertEquals(5, g.fp());
		assertEquals(10, g.fn());
		assertEquals(100.0 / 110, g.sensitivity(), 1e-12);
		assertEquals(100.0 / 105, g.positivePredictivity(), 1e-12);
		String report = ev.report();
		assertTrue(report.contains("gross"), report);
		assertTrue(report.contains("90.909%"), report);
	}

	@Test
	void beatSymbols() {
		long[] beats = DetectionEvaluation.referenceBeats(List.of(Annotation.of(30, "V"), Annotation.of(10, "N"),
			Annotation.of(20, "+"), Annotation.of(40, "~"), Annotation.of(50, "/"), Annotation.of(60, "!")));
		assertArrayEquals(new long[] {10, 30, 50}, beats);
	}
}
