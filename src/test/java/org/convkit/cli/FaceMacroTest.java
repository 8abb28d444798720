package org.convkit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code macros/faces_enroll_recognize.ijm} end to end, as {@link MacroToolTest} runs macros: the
 * launcher in a child JVM without DISPLAY, bounded by a timeout, headless (passes everywhere) and on
 * Xvfb where it is installed. Data: ten ORL persons (s1..s10) enrolled one-shot from their image 1;
 * queries: their images 2 and 3, and image 1 of four strangers (s11..s14), copied into a temporary
 * folder from {@code ../shared/data/faces} (skipped when that is absent). Faces are found by the
 * detector at input size 128.
 */
class FaceMacroTest {

	private static final Path MACRO = Path.of("macros", "faces_enroll_recognize.ijm");
	private static final Path ORL = Path.of("..", "shared", "data", "faces");
	private static final double TAU = 0.6;
	private static final int PERSONS = 10;
	private static final List<Integer> STRANGERS = List.of(11, 12, 13, 14);

	@TempDir
	Path temp;

	@Test
	void enrollsAndRecognizesHeadless() throws Exception {
		assumeOrl();
		runAndCheck(List.of("--headless"));
	}

	@Test
	void enrollsAndRecognizesOnVirtualDisplay() throws Exception {
		assumeOrl();
		assumeTrue(VirtualDisplay.executable().isPresent(),
			"Xvfb is not installed (Debian/Ubuntu: apt-get install xvfb): the macro's virtual-display run is not tested");
		LauncherProcess.Result result = runAndCheck(List.of());
		assertFalse(result.stderr().contains(MacroTool.NO_XVFB), "expected the Xvfb path, got the headless fallback\n" + result);
	}

	private LauncherProcess.Result runAndCheck(List<String> mode) throws Exception {
		Path persons = Files.createDirectories(temp.resolve("persons"));
		Path queries = Files.createDirectories(temp.resolve("query images"));
		List<String> expectedFiles = new ArrayList<>();
		for (int p = 1; p <= PERSONS; p++) {
			Files.copy(orl(p, 1), Files.createDirectories(persons.resolve("s" + p)).resolve("1.pgm"));
			for (int image : List.of(2, 3)) {
				Files.copy(orl(p, image), queries.resolve("s" + p + "_" + image + ".pgm"));
				expectedFiles.add("s" + p + "_" + image + ".pgm");
			}
		}
		for (int p : STRANGERS) {
			Files.copy(orl(p, 1), queries.resolve("s" + p + "_1.pgm"));
			expectedFiles.add("s" + p + "_1.pgm");
		}
		Files.writeString(queries.resolve("notes.txt"), "not an image: the macro must skip it\n");
		Path gallery = temp.resolve("gallery.json");
		Path output = temp.resolve("recognition.csv");

		List<String> args = new ArrayList<>(List.of("macro"));
		args.addAll(mode);
		args.add(MACRO.toString());
		args.add("persons=[" + persons + "] queries=[" + queries + "] gallery=[" + gallery + "] output=[" + output
			+ "] face_mode=detect input_size=128");
		LauncherProcess.Result result = launch(args.toArray(String[]::new));

		assertEquals(0, result.exitCode(), result.toString());
		assertTrue(result.stdout().contains("faces_enroll_recognize: " + PERSONS + " images enrolled, " + expectedFiles.size()
			+ " images recognized, results in " + output), result.toString());
		assertTrue(Files.isRegularFile(gallery), "no gallery written\n" + result);

		List<String> lines = Files.readAllLines(output);
		assertEquals("file,slice,identity,distance,runner_up,runner_up_distance", lines.get(0));
		Map<String, String[]> rows = new HashMap<>();
		for (String line : lines.subList(1, lines.size())) {
			String[] row = line.split(",", -1);
			assertEquals(6, row.length, line);
			assertNull(rows.put(row[0], row), "one row per query image (one face each): " + row[0] + " twice\n" + String.join("\n", lines));
		}
		assertEquals(expectedFiles.stream().sorted().toList(), rows.keySet().stream().sorted().toList(), String.join("\n", lines));

		// Measured (MXNet, CPU): the known persons' images are 0.13 to 0.49 from their own person,
		// except s1_3.pgm at 0.6020, just past tau (unknown, its nearest person is s1); runner-ups
		// 0.59 to 0.72. Strangers: s11 and s14 unknown (0.657, 0.660); s12 and s13 within tau of s5
		// and s6 (0.541, 0.528): one-shot on loosely cropped grey ORL faces is that close.
		int right = 0, unknownStrangers = 0;
		String all = String.join("\n", lines);
		for (String[] row : rows.values()) {
			String file = row[0], identity = row[2], runnerUp = row[4];
			double distance = Double.parseDouble(row[3]), runnerUpDistance = Double.parseDouble(row[5]);
			String person = file.substring(0, file.indexOf('_'));
			String what = file + " in\n" + all;
			assertEquals("1", row[1], what);
			// identity is the nearest person within tau, else unknown (distances are rounded to 4 places).
			assertEquals(distance > TAU ? "unknown" : identity, identity, what);
			if (distance < TAU - 1e-4) assertNotEquals("unknown", identity, what);
			assertTrue(runnerUp.matches("s([1-9]|10)") && !runnerUp.equals(identity), what);
			assertTrue(runnerUpDistance >= distance, what);
			if (STRANGERS.contains(Integer.parseInt(person.substring(1)))) {
				if (identity.equals("unknown")) unknownStrangers++;
			}
			else {
				// A known person's image is theirs or unknown, never another person.
				assertTrue(identity.equals(person) || identity.equals("unknown"), what);
				if (identity.equals(person)) right++;
			}
		}
		assertTrue(right >= 2 * PERSONS - 1, right + " of " + 2 * PERSONS + " known images recognized\n" + all);
		assertTrue(unknownStrangers >= 2, unknownStrangers + " of " + STRANGERS.size() + " strangers unknown\n" + all);
		assertEquals("unknown", rows.get("s11_1.pgm")[2], all);
		assertEquals("unknown", rows.get("s14_1.pgm")[2], all);
		System.out.println("faces_enroll_recognize " + mode + ": " + right + " of " + 2 * PERSONS + " known images right, "
			+ unknownStrangers + " of " + STRANGERS.size() + " strangers unknown");
		return result;
	}

	private static void assumeOrl() {
		assumeTrue(Files.isDirectory(ORL), "ORL faces not found at " + ORL.toAbsolutePath().normalize()
			+ " (../shared/data/faces next to the project): the faces macro is not tested");
	}

	private static Path orl(int person, int image) {
		return ORL.resolve("s" + person).resolve(image + ".pgm");
	}

	private LauncherProcess.Result launch(String... args) throws IOException, InterruptedException {
		return LauncherProcess.launch(temp, args);
	}
}
