package org.convkit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code macros/faces_train_evaluate.ijm} end to end, headless in a child JVM ({@link LauncherProcess}):
 * an embedding trained for two epochs and a pair classifier on ORL s1..s6, evaluated on s11..s14
 * (whole images resized, face_mode=cropped_resize, to stay within the launcher's time limit).
 */
class FaceTrainingMacroTest {

	private static final Path MACRO = Path.of("macros", "faces_train_evaluate.ijm");
	private static final Path ORL = Path.of("..", "shared", "data", "faces");

	@TempDir
	Path temp;

	@Test
	void trainsAndEvaluatesHeadless() throws Exception {
		assumeTrue(Files.isDirectory(ORL), "ORL faces not found at " + ORL.toAbsolutePath().normalize() + ": the training macro is not tested");
		Path output = temp.resolve("evaluation.csv");
		LauncherProcess.Result result = LauncherProcess.launch(temp, "macro", "--headless", MACRO.toString(), "folder=[" + ORL.toAbsolutePath()
			+ "] train=s1-s6 test=s11-s14 model=[" + temp.resolve("model") + "] classifier=[" + temp.resolve("classifier") + "] output=[" + output
			+ "] mining=hard epochs=2 face_mode=cropped_resize");
		assertEquals(0, result.exitCode(), result.toString());
		assertTrue(result.stdout().contains("faces_train_evaluate: 2 epochs trained, 3 evaluations on s11-s14"), result.toString());
		List<String> lines = Files.readAllLines(output);
		assertEquals(4, lines.size(), String.join("\n", lines));
		assertTrue(lines.get(0).startsWith("evaluation,pairs,auc,eer,"), lines.get(0));
		for (String line : lines.subList(1, 4)) {
			double pairs = Double.parseDouble(line.split("\",")[1].split(",")[0]), auc = Double.parseDouble(line.split("\",")[1].split(",")[1]);
			assertEquals(780, pairs, 0, line + ": every pair of 40 faces");
			assertTrue(auc > 0.5 && auc <= 1, line + ": auc above chance");
		}
		assertTrue(Files.readAllLines(temp.resolve("evaluation-roc.csv")).size() > 2, "the trained embedding's ROC curve");
		assertTrue(Files.isRegularFile(temp.resolve("model/embedding.json")) && Files.isRegularFile(temp.resolve("classifier/pair_classifier.json")));
	}
}
