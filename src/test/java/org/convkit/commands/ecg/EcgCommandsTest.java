package org.convkit.commands.ecg;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.convkit.commands.HeadlessCommands;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.ecg.Annotation;
import org.convkit.ecg.beats.AamiClass;
import org.convkit.ecg.io.WfdbAnnotations;
import org.convkit.ecg.signal.DetectionEvaluation;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The ECG commands as every front end runs them: through SciJava, headless, with typed inputs. */
class EcgCommandsTest {

	static final Path MITDB = Path.of("../shared/data/mitdb");

	@RegisterExtension
	static final HeadlessCommands commands = new HeadlessCommands();

	@TempDir
	Path dir;

	private static void assumeMitdb() {
		Assumptions.assumeTrue(Files.isRegularFile(MITDB.resolve("101.hea")) && Files.isRegularFile(MITDB.resolve("101.atr")),
			"MIT-BIH data not found at " + MITDB.toAbsolutePath() + "; command tests on record 101 skipped");
	}

	@Test
	void opensRecord101AsAPlotAndACalibratedSignalImage() throws Exception {
		assumeMitdb();
		Map<String, Object> out = commands.run("Open ECG Record", Map.of("record", MITDB.resolve("101.hea").toFile(), "start_s", 0.0, "duration_s", 10.0));
		ImagePlus plot = (ImagePlus) out.get("plot");
		assertNotNull(plot);
		assertTrue(plot.getWidth() > 100 && plot.getHeight() > 100);
		assertEquals("101-plot", plot.getTitle());
		ImagePlus signal = (ImagePlus) out.get("signal");
		assertEquals("101-signal", signal.getTitle());
		assertEquals(ImagePlus.GRAY32, signal.getType());
		assertEquals(650000, signal.getWidth());
		assertEquals(2, signal.getHeight());
		assertEquals(-0.345f, signal.getProcessor().getPixelValue(0, 0), 1e-6);
		assertEquals(-0.16f, signal.getProcessor().getPixelValue(0, 1), 1e-6);
		assertEquals(1 / 360.0, signal.getCalibration().pixelWidth, 1e-12);
		assertEquals("s", signal.getCalibration().getXUnit());
		assertEquals("mV", signal.getCalibration().getValueUnit());
		List<Annotation> atr = WfdbAnnotations.read(MITDB.resolve("101.atr"));
		long expected = atr.stream().filter(a -> a.sample() < 3600 && AamiClass.isBeat(a.symbol())).count();
		assertTrue(expected > 5, "beats in 10 s: " + expected);
		assertEquals((int) expected, out.get("annotation_count"));
		assertTrue(((String) out.get("info")).contains(expected + " beats in the window"), (String) out.get("info"));
	}

	@Test
	void missingAnnotationsAreReportedNotFatal() throws Exception {
		assumeMitdb();
		for (String ext : new String[] {".hea", ".dat"}) Files.copy(MITDB.resolve("101" + ext), dir.resolve("101" + ext));
		Map<String, Object> out = commands.run("Open ECG Record", Map.of("record", dir.resolve("101.hea").toFile(), "duration_s", 2.0));
		assertEquals(0, out.get("annotation_count"));
		assertTrue(((String) out.get("info")).contains("show_annotations: no annotations for 101.hea (expected 101.atr next to it)"), (String) out.get("info"));
	}

	@Test
	void badInputsNameTheParameterOrFile() throws IOException {
		CommandFailedException e = assertThrows(CommandFailedException.class,
			() -> commands.run("Open ECG Record", Map.of("record", dir.resolve("absent.hea").toFile())));
		assertTrue(e.getMessage().startsWith("absent.hea: no such file ("), e.getMessage());

		Path txt = Files.writeString(dir.resolve("ecg.txt"), "1,2\n");
		e = assertThrows(CommandFailedException.class, () -> commands.run("Open ECG Record", Map.of("record", txt.toFile())));
		assertEquals("ecg.txt: unknown record type '.txt'; expected .hea (WFDB header), .edf (EDF/EDF+) or .csv", e.getMessage());

		Path csv = writeSyntheticCsv(dir.resolve("synthetic.csv"), false);
		e = assertThrows(CommandFailedException.class, () -> commands.run("Open ECG Record", Map.of("record", csv.toFile(), "frequency", 0.0)));
		assertEquals("frequency: expected a positive sampling frequency in Hz for 'synthetic.csv' (a CSV file without a time column), got 0.0", e.getMessage());
		e = assertThrows(CommandFailedException.class, () -> commands.run("Detect QRS Complexes", Map.of("record", csv.toFile(), "frequency", 0.0)));
		assertTrue(e.getMessage().startsWith("frequency: "), e.getMessage());

		e = assertThrows(CommandFailedException.class, () -> commands.run("Open ECG Record", Map.of("record", csv.toFile(), "frequency", 250.0, "start_s", 100.0)));
		assertEquals("start_s: expected a time from 0 to the record's length, 20 s, got 100", e.getMessage());
		e = assertThrows(CommandFailedException.class, () -> commands.run("Detect QRS Complexes", Map.of("record", csv.toFile(), "frequency", 250.0, "lead", "V5")));
		assertEquals("lead: synthetic has no lead named 'V5'; leads: [MLII]", e.getMessage());
	}

	@Test
	void detectsQrsOn101AndWritesAnnotationsThatReadBack() throws Exception {
		assumeMitdb();
		Path qrs = dir.resolve("101.qrs");
		Map<String, Object> out = commands.run("Detect QRS Complexes", Map.of("record", MITDB.resolve("101.hea").toFile(),
			"output_annotations", qrs.toFile(), "evaluate", true));
		ResultsTable table = (ResultsTable) out.get("beats");
		long reference = DetectionEvaluation.referenceBeats(WfdbAnnotations.read(MITDB.resolve("101.atr"))).length;
		int found = table.size();
		assertEquals(reference, found, 0.01 * reference, "beats found vs reference");
		assertEquals(List.of("beat", "sample", "time_s", "rr_s", "heart_rate_bpm"), List.of(table.getHeadings()));
		assertEquals(1, table.getValue("beat", 0));
		assertEquals(table.getValue("sample", 1) / 360.0, table.getValue("time_s", 1), 1e-9);
		assertEquals((table.getValue("sample", 1) - table.getValue("sample", 0)) / 360.0, table.getValue("rr_s", 1), 1e-9);
		assertEquals(60 / table.getValue("rr_s", 1), table.getValue("heart_rate_bpm", 1), 1e-9);

		List<Annotation> written = WfdbAnnotations.read(qrs);
		assertEquals(found, written.size());
		for (int i = 0; i < found; i++) {
			assertEquals((long) table.getValue("sample", i), written.get(i).sample());
			assertEquals("N", written.get(i).symbol());
		}
		String summary = (String) out.get("summary");
		System.out.println(summary);
		Matcher m = Pattern.compile("Se ([0-9.]+)%, \\+P ([0-9.]+)%").matcher(summary);
		assertTrue(m.find(), summary);
		assertTrue(Double.parseDouble(m.group(1)) >= 99, summary);
		assertTrue(Double.parseDouble(m.group(2)) >= 99, summary);
	}

	@Test
	void detectsQrsInACsvRecord() throws Exception {
		for (boolean withTime : new boolean[] {false, true}) {
			Path csv = writeSyntheticCsv(dir.resolve("synthetic" + withTime + ".csv"), withTime);
			// With a time column the frequency parameter is not used.
			Map<String, Object> out = commands.run("Detect QRS Complexes", Map.of("record", csv.toFile(), "frequency", withTime ? 1.0 : 250.0));
			ResultsTable table = (ResultsTable) out.get("beats");
			assertEquals(25, table.size(), (String) out.get("summary"));
			for (int i = 0; i < table.size(); i++) {
				assertEquals(0.4 + 0.8 * i, table.getValue("time_s", i), 0.02);
				if (i > 0) assertEquals(75, table.getValue("heart_rate_bpm", i), 2);
			}
			assertTrue(((String) out.get("summary")).contains("evaluate: no reference annotations"), (String) out.get("summary"));
			Map<String, Object> opened = commands.run("Open ECG Record", Map.of("record", csv.toFile(), "frequency", 250.0));
			assertEquals(5000, ((ImagePlus) opened.get("signal")).getWidth());
			assertNotNull(opened.get("plot"));
		}
	}

	/** 20 s at 250 Hz, 75 bpm: narrow R waves at 0.4 + 0.8 k s with small P and T waves and a slow baseline. */
	static Path writeSyntheticCsv(Path file, boolean withTime) throws IOException {
		double fs = 250;
		int n = 5000;
		StringBuilder csv = new StringBuilder(withTime ? "time,MLII (mV)\n" : "MLII (mV)\n");
		for (int i = 0; i < n; i++) {
			double t = i / fs, v = 0.1 * Math.sin(2 * Math.PI * 0.3 * t);
			for (int k = 0; k < 25; k++) {
				double r = 0.4 + 0.8 * k;
				v += 0.15 * Math.exp(-sq((t - r + 0.16) / 0.02)) + 1.2 * Math.exp(-sq((t - r) / 0.012))
					- 0.2 * Math.exp(-sq((t - r - 0.03) / 0.01)) + 0.3 * Math.exp(-sq((t - r - 0.3) / 0.05));
			}
			if (withTime) csv.append(String.format(Locale.ROOT, "%.4f,", t));
			csv.append(String.format(Locale.ROOT, "%.5f\n", v));
		}
		return Files.writeString(file, csv.toString());
	}

	private static double sq(double x) {
		return x * x;
	}
}
