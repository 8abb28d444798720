package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.convkit.core.io.SharedData;
import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.io.WfdbAnnotations;
import org.convkit.ecg.io.WfdbRecords;
import org.convkit.ecg.signal.PacingDetector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Paced beats on MIT-BIH: the four paced records (102, 104, 107, 217; reference '/' and 'f', AAMI
 * Q) classified from detected beats with the shipped model, and the 22 DS1 records, which must not
 * be called paced. Skipped when the data folder has no MIT-BIH.
 * <p>
 * Measured (shipped model, detected beats, default lead; Q Se / Q +P / accuracy):
 * 102: 100 / 100 / 99.0%, 104: 93.6 / 100 / 86.9%, 107: 100 / 100 / 100%, 217: 97.6 / 98.9 / 86.6%;
 * before pacing detection Q was never predicted and accuracy was 3.8, 0.3, 2.7, 7.2%. The bounds
 * below are the lowest measured less about 4 points.
 * DS1: no record paced (record medians 0.043-0.244 against {@link PacedRhythm#RECORD_MEDIAN} 0.265; the paced records'
 * 0.289-0.593), 0 paced beats.
 */
class PacedRecordsTest {

	static final List<String> PACED = List.of("102", "104", "107", "217");
	static final List<String> DS1 = LabelledRecords.DS1;
	/** Q sensitivity and positive predictivity required of each paced record (lowest measured, less a margin). */
	static final double MIN_Q_SENSITIVITY = 0.90, MIN_Q_PREDICTIVITY = 0.94;

	static Path mitdb(String record) {
		Path mitdb = SharedData.resolve("mitdb");
		Assumptions.assumeTrue(Files.isRegularFile(mitdb.resolve(record + ".hea")), SharedData.missing(mitdb.resolve(record + ".hea")) + "; paced-record check skipped");
		return mitdb;
	}

	@Test
	void pacedBeatsOfThePacedRecordsAreClassQ() throws Exception {
		Path mitdb = mitdb("107");
		BeatClassifier classifier = new BeatClassifier(BeatModel.shipped());
		StringBuilder report = new StringBuilder();
		for (String name : PACED) {
			EcgRecord record = WfdbRecords.read(mitdb.resolve(name + ".hea"));
			List<Annotation> reference = WfdbAnnotations.read(mitdb.resolve(name + ".atr"));
			ClassifiedBeats after = classifier.classify(record, null, reference);
			ClassifiedBeats before = new ClassifiedBeats(after.record(), after.lead(), after.frequency(), after.frameFrequency(), after.beats(),
				after.probabilities(), after.bias());
			BeatEvaluation a = after.evaluation(), b = before.evaluation();
			report.append(String.format(Locale.ROOT, "%s (%s): paced %s, median score %.3f, %d of %d beats paced; Q Se %.1f%% +P %.1f%% (reference Q %d); "
				+ "accuracy %.1f%% (before: %.1f%%, Q predicted %d)%n", name, after.lead(), after.paced().isPaced(), after.paced().medianScore(),
				after.paced().pacedBeats(), after.size(), 100 * a.sensitivity(AamiClass.Q), 100 * a.positivePredictivity(AamiClass.Q),
				a.beats(AamiClass.Q), 100 * a.accuracy(), 100 * b.accuracy(), b.predicted(AamiClass.Q)));
			assertTrue(after.paced().isPaced(), name + " is paced");
			assertTrue(a.sensitivity(AamiClass.Q) >= MIN_Q_SENSITIVITY, name + ": Q Se " + a.sensitivity(AamiClass.Q));
			assertTrue(a.positivePredictivity(AamiClass.Q) >= MIN_Q_PREDICTIVITY, name + ": Q +P " + a.positivePredictivity(AamiClass.Q));
			assertTrue(a.accuracy() > b.accuracy());
		}
		System.out.print(report);
	}

	@Test
	void noDs1RecordIsCalledPaced() throws Exception {
		Path mitdb = mitdb("101");
		StringBuilder report = new StringBuilder();
		int pacedBeats = 0, beats = 0;
		for (String name : DS1) {
			EcgRecord record = WfdbRecords.read(mitdb.resolve(name + ".hea"));
			EcgRecord.Lead lead = record.defaultLead();
			BeatDataset detected = BeatClassifier.detectedBeats(record, lead, null, BeatDataset.Options.DEFAULT);
			long[] peaks = new long[detected.size()];
			for (int i = 0; i < peaks.length; i++) peaks[i] = detected.position(i);
			double[] scores = PacingDetector.scores(lead.samples(), lead.frequency(), peaks);
			PacedRhythm paced = PacedRhythm.of(scores);
			long sharp = java.util.Arrays.stream(scores).filter(v -> v >= PacedRhythm.RECORD_MEDIAN).count();
			report.append(String.format(Locale.ROOT, "%s: median score %.3f, %d of %d beats paced (%d beats score >= %.3f)%n", name, paced.medianScore(),
				paced.pacedBeats(), paced.size(), sharp, PacedRhythm.RECORD_MEDIAN));
			assertFalse(paced.isPaced(), name + " is not paced; median score " + paced.medianScore());
			pacedBeats += paced.pacedBeats();
			beats += paced.size();
		}
		System.out.print(report);
		assertEquals(0, pacedBeats, "paced beats in DS1, of " + beats);
	}
}
