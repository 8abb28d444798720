package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgRecord;
import org.junit.jupiter.api.Test;

class BeatDatasetTest {

	static final double FS = 360;
	/** R peaks (samples): the 2nd is too close to the start for a window, the 5th is premature. */
	static final long[] R = {50, 80, 400, 700, 900, 1300, 1600, 1900, 2200, 2500, 2800, 3100, 3400, 3700, 4000, 4300, 4600, 4900};

	static EcgRecord record() {
		float[] x = new float[5000];
		for (long r : R) for (int i = -20; i <= 20; i++) {
			int t = (int) r + i;
			if (t >= 0 && t < x.length) x[t] += (float) Math.exp(-i * i / 18.0);
		}
		return new EcgRecord("syn", FS, List.of(new EcgRecord.Lead("V1", "mV", FS, new float[x.length]),
			new EcgRecord.Lead("MLII", "mV", FS, x)));
	}

	static List<Annotation> annotations() {
		List<Annotation> a = new ArrayList<>();
		for (int i = 0; i < R.length; i++) a.add(Annotation.of(R[i], i == 4 ? "A" : i == 7 ? "V" : "N"));
		a.add(Annotation.of(1000, "+"));
		a.add(Annotation.of(1200, "~"));
		return a;
	}

	/** Median |RR(b) - RR(b-1)| over median RR, for the RR intervals ending at beats i-16..i+16, by sorting lists. */
	static double irregularity(int i) {
		List<Double> rr = new ArrayList<>(), steps = new ArrayList<>();
		for (int b = Math.max(1, i - 16); b <= Math.min(R.length - 1, i + 16); b++) rr.add((R[b] - R[b - 1]) / FS);
		for (int j = 1; j < rr.size(); j++) steps.add(Math.abs(rr.get(j) - rr.get(j - 1)));
		double medianRr = rr.stream().sorted().toList().get(rr.size() / 2);
		return steps.stream().sorted().toList().get(steps.size() / 2) / medianRr;
	}

	/** The median RR of the beats within {@link BeatDataset#PACE_BEATS} of beat i. */
	static double pace(int i) {
		List<Double> rr = new ArrayList<>();
		for (int b = Math.max(1, i - BeatDataset.PACE_BEATS); b <= Math.min(R.length - 1, i + BeatDataset.PACE_BEATS); b++) rr.add((R[b] - R[b - 1]) / FS);
		return rr.stream().sorted().toList().get(rr.size() / 2);
	}

	static double recordMedian() {
		List<Double> rr = new ArrayList<>();
		for (int b = 1; b < R.length; b++) rr.add((R[b] - R[b - 1]) / FS);
		return rr.stream().sorted().toList().get(rr.size() / 2);
	}

	/**
	 * The pace is the rhythm of the beats around, not of the record: in a long run at 0.6 s after a
	 * stretch at 1 s, a beat of the run is on pace (prev / pace 1) though early for the record, and a
	 * lone premature beat in the slow stretch is early against its pace.
	 */
	@Test
	void paceIsTheRhythmAroundTheBeat() {
		long[] r = new long[301];
		for (int b = 1; b < r.length; b++) r[b] = r[b - 1] + (long) (FS * (b <= 100 ? 1.0 : 0.6));
		r[50] -= (long) (0.3 * FS); // a lone early beat: 0.7 s after the one before, 1.3 s before the next
		BeatDataset d = BeatDataset.ofBeats("run", new float[(int) (r[300] + FS)], FS, r, new int[r.length], BeatDataset.Options.DEFAULT);
		int lone = 50 - 1, inRun = 250 - 1, slow = 30 - 1; // beat 0 has no previous beat, so dataset index = beat - 1
		assertEquals(r[50], d.position(lone));
		assertEquals(1.0, d.rr(slow)[6], 0.01, "pace in the slow stretch");
		assertEquals(1.0, d.rr(lone)[6], 0.01, "one early beat does not move the pace");
		assertEquals(0.6, d.rr(inRun)[6], 0.01, "pace inside the long run");
		assertEquals(0.6, d.rr(inRun)[7], 0.01, "the record's median RR: most of it is the run");
		float[] run = d.features(inRun), early = d.features(lone);
		assertEquals(1.0, run[7], 0.02, "a beat of the run is on its pace");
		assertEquals(1.0, run[4], 0.02, "and on its local rhythm");
		assertEquals(0.7, early[7], 0.02, "the lone beat is early against its pace");
		assertEquals(1.67, d.features(slow)[10], 0.02, "the slow stretch is slow against the record");
	}

	/** Irregularity ignores a lone premature beat in a steady rhythm but is high when every interval differs (atrial fibrillation). */
	@Test
	void irregularityTellsAFibrillationFromALonePrematureBeat() {
		float[] flat = new float[50 * 360];
		long[] steady = new long[36], erratic = new long[36];
		java.util.Random random = new java.util.Random(1);
		for (int i = 0; i < 36; i++) {
			steady[i] = 100 + 360L * i - (i == 18 ? 120 : 0);
			erratic[i] = i == 0 ? 100 : erratic[i - 1] + 250 + random.nextInt(220);
		}
		int[] labels = new int[36];
		float steadyIrregularity = BeatDataset.ofBeats("sinus", flat, FS, steady, labels, BeatDataset.Options.DEFAULT).features(16)[6];
		float erraticIrregularity = BeatDataset.ofBeats("af", flat, FS, erratic, labels, BeatDataset.Options.DEFAULT).features(16)[6];
		assertEquals(0, steadyIrregularity, 1e-6, "a lone premature beat in a steady rhythm");
		assertTrue(erraticIrregularity > 0.1, "atrial-fibrillation-like rhythm: " + erraticIrregularity);
	}

	@Test
	void windowsLabelsAndExactRrFeatures() {
		BeatDataset d = BeatDataset.of(record(), annotations());
		// first and last beats have no neighbour; the second has no room for 0.25 s before it
		assertEquals(R.length - 3, d.size());
		assertEquals(256, d.length());
		assertEquals(400, d.position(0));
		assertEquals("syn", d.record(0));
		double mean = (R[R.length - 1] - R[0]) / FS / (R.length - 1);
		for (int k = 0; k < d.size(); k++) {
			int i = k + 2;
			float[] rr = d.rr(k);
			assertEquals(R[i], d.position(k));
			assertEquals((R[i] - R[i - 1]) / FS, rr[0], 1e-6, "previous RR");
			assertEquals((R[i + 1] - R[i]) / FS, rr[1], 1e-6, "next RR");
			int first = Math.max(1, i - 9);
			assertEquals((R[i] - R[first - 1]) / FS / (i - first + 1), rr[2], 1e-6, "local RR");
			assertEquals(mean, rr[3], 1e-6, "mean RR");
			assertEquals(irregularity(i), rr[4], 1e-6, "rhythm irregularity");
			float[] f = d.features(k);
			assertEquals(RrFeatures.CURRENT.count(), f.length);
			assertEquals(rr[0] / mean, f[0], 1e-5);
			assertEquals(rr[1] / mean, f[1], 1e-5);
			assertEquals(rr[2] / mean, f[2], 1e-5);
			assertEquals(rr[0] / rr[1], f[3], 1e-5);
			assertEquals(rr[0] / rr[2], f[4], 1e-5);
			assertEquals(rr[1] / rr[2], f[5], 1e-5);
			assertEquals(rr[4], f[6], 1e-6);
			assertEquals(pace(i), rr[6], 1e-6, "pace: median RR of the beats around");
			assertEquals(recordMedian(), rr[7], 1e-6, "record's median RR");
			assertEquals(rr[0] / rr[6], f[7], 1e-5);
			assertEquals(rr[1] / rr[6], f[8], 1e-5);
			assertEquals(rr[2] / rr[6], f[9], 1e-5);
			assertEquals(rr[6] / rr[7], f[10], 1e-5);
			assertEquals(rr[0] / rr[7], f[11], 1e-5);
			assertArrayEquals(java.util.Arrays.copyOf(f, 7), d.features(k, RrFeatures.LOCAL), "the older models' features come first");
			// the R peak sits 0.25 s into the 0.7 s window: index 90 / (252 / 255) = 91.07
			float[] w = d.window(k);
			int peak = 0;
			for (int j = 1; j < w.length; j++) if (w[j] > w[peak]) peak = j;
			assertEquals(91, peak, 1, "peak index of beat " + k);
		}
		assertEquals(AamiClass.S, d.label(2));
		assertEquals(AamiClass.V, d.label(5));
		assertEquals(AamiClass.N, d.label(0));
		assertArrayEquals(new int[] {13, 1, 1, 0, 0}, d.classCounts());
		// the premature S beat: previous RR 200 samples, next RR 400
		assertEquals(200 / FS, d.rr(2)[0], 1e-6);
		assertEquals(400 / FS, d.rr(2)[1], 1e-6);
	}

	@Test
	void amplitudeNormalisedToMedianRange() {
		BeatDataset d = BeatDataset.of(record(), annotations());
		float[] w = d.window(0);
		float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
		for (float v : w) {
			lo = Math.min(lo, v);
			hi = Math.max(hi, v);
		}
		assertEquals(1, hi - lo, 0.05); // all beats alike here, so each has the median range
	}

	@Test
	void subsetAndConcat() {
		BeatDataset d = BeatDataset.of(record(), annotations());
		BeatDataset s = d.subset(new int[] {5, 2});
		assertEquals(2, s.size());
		assertEquals(AamiClass.V, s.label(0));
		assertArrayEquals(d.window(2), s.window(1));
		BeatDataset c = BeatDataset.concat(List.of(d, s));
		assertEquals(d.size() + 2, c.size());
		assertArrayEquals(d.rr(5), c.rr(d.size()));
	}

	@Test
	void residualIsTheWindowMinusTheRecordsMedianBeat() {
		BeatDataset d = BeatDataset.of(record(), annotations());
		for (int j : new int[] {0, 91, 200}) {
			float[] column = new float[d.size()];
			for (int k = 0; k < d.size(); k++) column[k] = d.window(k)[j];
			java.util.Arrays.sort(column);
			float median = column[d.size() / 2];
			for (int k = 0; k < d.size(); k++) assertEquals(d.window(k)[j] - median, d.residual(k)[j], 1e-6f);
		}
		// every synthetic beat has the same shape (up to filter tails of its neighbours), so residuals are
		// small next to the window's unit range
		for (int k = 0; k < d.size(); k++) for (float v : d.residual(k)) assertEquals(0, v, 0.02);
		// residuals travel with subsets and concatenations
		assertArrayEquals(d.residual(3), d.subset(new int[] {3}).residual(0));
	}

	@Test
	void unlabelledBeatsAreKeptForClassificationAndLeftOutOfScores() {
		float[] x = record().lead("MLII").samples();
		long[] positions = {400, 700, 900, 1300, 1600, 1900};
		int[] labels = {0, BeatDataset.UNLABELLED, AamiClass.V.ordinal(), BeatDataset.UNLABELLED, 0, 0};
		BeatDataset d = BeatDataset.ofBeats("syn", x, FS, positions, labels, BeatDataset.Options.DEFAULT);
		assertEquals(4, d.size()); // the first and last have no neighbour
		assertFalse(d.isLabelled(0));
		assertEquals(AamiClass.V, d.label(1));
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.label(0));
		assertEquals("beat 0 of syn has no label", e.getMessage());
		assertArrayEquals(new int[] {1, 0, 1, 0, 0}, d.classCounts());
		BeatDataset labelled = d.labelled();
		assertEquals(2, labelled.size());
		assertEquals(900, labelled.position(0));
		assertEquals(1600, labelled.position(1));
		BeatEvaluation e2 = BeatEvaluation.of(d, new int[] {2, 2, 0, 2});
		assertEquals(2, e2.total());
		assertEquals(0.5, e2.accuracy(), 1e-12);
	}

	@Test
	void duplicateBeatsAreDroppedSoNoRrIntervalIsZero() {
		float[] x = record().lead("MLII").samples();
		long[] positions = {400, 700, 700, 900, 1300, 1600};
		int[] labels = {0, 0, 2, 0, 0, 0};
		BeatDataset d = BeatDataset.ofBeats("syn", x, FS, positions, labels, BeatDataset.Options.DEFAULT);
		assertEquals(3, d.size()); // 700, 900, 1300: the duplicate 700 is gone, first and last have no neighbour
		assertEquals(AamiClass.N, d.label(0), "the first of two beats at one sample is kept");
		for (int k = 0; k < d.size(); k++) for (float f : d.features(k)) assertTrue(Float.isFinite(f), "feature of beat " + k);
	}

	@Test
	void annotationsInFramesAreScaledToALeadWithTwoSamplesPerFrame() {
		// the lead at 360 Hz, the record's frames at 180 Hz: annotation sample s is lead sample 2 s
		EcgRecord lead360 = record();
		EcgRecord framed = new EcgRecord("syn", FS / 2, lead360.leads());
		List<Annotation> halved = new ArrayList<>();
		for (Annotation a : annotations()) halved.add(Annotation.of(a.sample() / 2, a.symbol()));
		BeatDataset d = BeatDataset.of(framed, halved);
		BeatDataset reference = BeatDataset.of(lead360, annotations());
		assertEquals(reference.size(), d.size());
		for (int k = 0; k < d.size(); k++) {
			assertEquals(reference.position(k), d.position(k), 1);
			assertArrayEquals(reference.rr(k), d.rr(k), 0.01f);
		}
	}
}
