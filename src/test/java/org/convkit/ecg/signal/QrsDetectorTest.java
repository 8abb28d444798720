package org.convkit.ecg.signal;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class QrsDetectorTest {

	@ParameterizedTest
	@CsvSource({"360, 1", "250, 2", "500, 3", "128, 4", "1000, 5"})
	void findsEverySyntheticBeatWithin20ms(double fs, long seed) {
		SyntheticEcg ecg = SyntheticEcg.generate(fs, 120, seed);
		QrsDetector.Result result = new QrsDetector().detect(new org.convkit.ecg.EcgRecord.Lead("MLII", "mV", fs, ecg.samples));
		int[] peaks = result.peaks();
		assertEquals(ecg.beats.length, peaks.length, "beats found at " + fs + " Hz");
		int tol = (int) Math.floor(0.020 * fs);
		for (int k = 0; k < peaks.length; k++) {
			assertTrue(Math.abs(peaks[k] - ecg.beats[k]) <= tol, "beat " + k + ": expected " + ecg.beats[k] + ", got " + peaks[k]);
		}
		assertEquals(peaks.length - 1, result.rrSeconds().length);
		assertEquals((peaks[1] - peaks[0]) / fs, result.rrSeconds()[0], 1e-12);
	}

	@Test
	void invertedAndNoisierSignal() {
		double fs = 360;
		SyntheticEcg ecg = SyntheticEcg.generate(fs, 60, 11);
		java.util.Random r = new java.util.Random(5);
		float[] x = new float[ecg.samples.length];
		for (int i = 0; i < x.length; i++) x[i] = -ecg.samples[i] + (float) (0.05 * r.nextGaussian());
		int[] peaks = new QrsDetector().detect(x, fs);
		DetectionEvaluation.RecordResult res = DetectionEvaluation.compare("inv",
			java.util.Arrays.stream(ecg.beats).asLongStream().toArray(), peaks, fs, 0.02, 0, x.length);
		assertEquals(0, res.fp(), res.toString());
		assertEquals(0, res.fn(), res.toString());
	}

	@Test
	void emptyAndFlatSignals() {
		assertEquals(0, new QrsDetector().detect(new float[0], 360).length);
		assertEquals(0, new QrsDetector().detect(new float[3600], 360).length);
		float[] nan = SyntheticEcg.generate(360, 20, 1).samples;
		nan[1000] = Float.NaN;
		assertTrue(new QrsDetector().detect(nan, 360).length > 10);
	}
}
