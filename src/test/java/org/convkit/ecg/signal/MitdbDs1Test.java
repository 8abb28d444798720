package org.convkit.ecg.signal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.io.WfdbAnnotations;
import org.convkit.ecg.io.WfdbRecords;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * QRS detection on the 22 MIT-BIH DS1 records (de Chazal's training set), scored EC57-style:
 * 150 ms matching window, whole record less its first and last 0.5 s, ventricular flutter episodes
 * ('[' to ']') left out. Skipped when ../shared/data/mitdb is absent.
 */
class MitdbDs1Test {

	static final List<String> DS1 = List.of("101", "106", "108", "109", "112", "114", "115", "116", "118", "119", "122",
		"124", "201", "203", "205", "207", "208", "209", "215", "220", "223", "230");

	static final Path MITDB = Path.of("../shared/data/mitdb");

	@Test
	void ds1GrossSensitivityAndPositivePredictivity() throws Exception {
		Assumptions.assumeTrue(Files.isRegularFile(MITDB.resolve("101.hea")),
			"MIT-BIH data not found at " + MITDB.toAbsolutePath() + "; DS1 evaluation skipped");
		QrsDetector detector = new QrsDetector();
		DetectionEvaluation withoutVf = new DetectionEvaluation(), all = new DetectionEvaluation();
		long detectNanos = 0;
		StringBuilder timing = new StringBuilder();
		for (String name : DS1) {
			EcgRecord record = WfdbRecords.read(MITDB.resolve(name + ".hea"));
			List<Annotation> annotations = WfdbAnnotations.read(MITDB.resolve(name + ".atr"));
			long t0 = System.nanoTime();
			QrsDetector.Result result = detector.detect(record);
			long dt = System.nanoTime() - t0;
			detectNanos += dt;
			timing.append(String.format(Locale.ROOT, " %s:%.0fms", name, dt / 1e6));
			long[] reference = DetectionEvaluation.referenceBeats(annotations);
			int length = record.leads().get(0).samples().length;
			withoutVf.add(DetectionEvaluation.compare(name, reference, result.peaks(), record.frequency(), length, 0.5,
				DetectionEvaluation.ventricularFlutterIntervals(annotations)));
			all.add(DetectionEvaluation.compare(name, reference, result.peaks(), record.frequency(), length, 0.5));
		}
		DetectionEvaluation.RecordResult gross = withoutVf.gross(), grossAll = all.gross();
		System.out.println("DS1 QRS detection (EC57, VFL episodes excluded):\n" + withoutVf.report()
			+ "VFL episodes included: " + grossAll + "\ndetection time" + timing
			+ String.format(Locale.ROOT, "  total %.0f ms", detectNanos / 1e6));
		// measured: Se 99.796%, +P 99.900% (51 FP, 104 FN of 50,995 beats)
		assertTrue(gross.sensitivity() >= 0.9975, "gross Se " + gross);
		assertTrue(gross.positivePredictivity() >= 0.9985, "gross +P " + gross);
	}
}
