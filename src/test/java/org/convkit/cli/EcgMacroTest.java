package org.convkit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code macros/ecg_classify_folder.ijm} end to end and headless, as {@link MacroToolTest} runs
 * macros: two MIT-BIH records copied from {@code ../shared/data/mitdb} (skipped when absent) plus a
 * truncated record, which is reported while the other two are classified.
 */
class EcgMacroTest {

	private static final Path MACRO = Path.of("macros", "ecg_classify_folder.ijm");
	private static final Path MITDB = Path.of("..", "shared", "data", "mitdb");

	@TempDir
	Path temp;

	@Test
	void classifiesAFolderHeadlessAndGoesOnPastABadRecord() throws Exception {
		assumeTrue(Files.isRegularFile(MITDB.resolve("119.hea")) && Files.isRegularFile(MITDB.resolve("101.hea")),
			"MIT-BIH data not found at " + MITDB.toAbsolutePath() + "; the ECG batch macro test is skipped");
		Path records = Files.createDirectories(temp.resolve("records folder"));
		for (String r : List.of("101", "119")) {
			for (String ext : List.of(".hea", ".dat", ".atr")) Files.copy(MITDB.resolve(r + ext), records.resolve(r + ext));
		}
		// 200: a header whose signal file was cut short
		Files.writeString(records.resolve("200.hea"), Files.readString(MITDB.resolve("101.hea")).replace("101", "200"));
		byte[] dat = Files.readAllBytes(MITDB.resolve("101.dat"));
		Files.write(records.resolve("200.dat"), java.util.Arrays.copyOf(dat, dat.length / 3));
		Path output = temp.resolve("out");

		LauncherProcess.Result result = LauncherProcess.launch(temp, "macro", "--headless", MACRO.toString(),
			"records=[" + records + "] output=[" + output + "]");

		assertEquals(0, result.exitCode(), result.toString());
		assertTrue(result.stdout().contains("ecg_classify_folder: 2 records classified"), result.toString());
		assertTrue(result.stdout().contains("1 failed; CSV files in " + output), result.toString());
		assertTrue(result.stdout().contains("200.hea: FAILED: "), result.toString());
		List<String> summary = Files.readAllLines(output.resolve("summary.csv"));
		assertEquals(4, summary.size(), summary.toString());
		assertTrue(summary.get(1).startsWith("101.hea,ok,"), summary.get(1));
		assertTrue(summary.get(2).startsWith("119.hea,ok,"), summary.get(2));
		assertTrue(summary.get(3).startsWith("200.hea,failed,"), summary.get(3));
		// 119: 1987 reference beats, 444 of them V (bigeminy)
		List<String> beats = Files.readAllLines(output.resolve("119_beats.csv"));
		assertEquals(1987, beats.size() - 1, 20);
		int column = List.of(beats.get(0).split(",")).indexOf("class");
		long v = beats.stream().skip(1).filter(line -> line.split(",")[column].equals("V")).count();
		assertEquals(444, v, 25, "V beats found in 119");
		// bigeminy is irregular, but its normal beats keep their P waves: not atrial fibrillation
		String line119 = result.stdout().lines().filter(l -> l.startsWith("119.hea: ")).findFirst().orElseThrow();
		assertTrue(line119.endsWith("; 0 in atrial fibrillation"), line119);

		// a second run into the same folder replaces the first's files only when asked to
		LauncherProcess.Result refused = LauncherProcess.launch(temp, "macro", "--headless", MACRO.toString(),
			"records=[" + records + "] output=[" + output + "]");
		assertTrue(refused.toString().contains("output_folder: " + output.resolve("101_beats.csv") + " exists; choose another file, or set overwrite=true"),
			refused.toString());
		LauncherProcess.Result again = LauncherProcess.launch(temp, "macro", "--headless", MACRO.toString(),
			"records=[" + records + "] output=[" + output + "] overwrite=true");
		assertEquals(0, again.exitCode(), again.toString());
		assertTrue(again.stdout().contains("ecg_classify_folder: 2 records classified"), again.toString());
	}
}
