package org.convkit.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The launcher in a child JVM, for tests: {@code java org.convkit.cli.Main ARGS} with this JVM's
 * class path (under surefire possibly a manifest-only jar, which a child reads the same way) and no
 * DISPLAY. Bounded: a run that outlives the timeout (an ImageJ dialog waiting for a click) is
 * killed with everything it started (Xvfb, the JVM on it) and fails the test with its output.
 */
final class LauncherProcess {

	static final long TIMEOUT_SECONDS = 120;

	/** What a launcher run printed and returned. */
	record Result(int exitCode, String stdout, String stderr) {
		@Override
		public String toString() {
			return "exit status " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
		}
	}

	private LauncherProcess() {}

	/** Runs the launcher; its output goes to files in {@code temp}. */
	static Result launch(Path temp, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(
			Path.of(System.getProperty("java.home"), "bin", "java").toString(),
			"-Xmx1g", "-Doffline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
			// as bin/convkit: the project is the launcher's home (ImageJ's folders, the data folder)
			"-Dconvkit.home=" + Path.of("").toAbsolutePath(),
			"-cp", System.getProperty("java.class.path"),
			Main.class.getName()));
		command.addAll(List.of(args));
		File stdout = Files.createTempFile(temp, "stdout", ".txt").toFile();
		File stderr = Files.createTempFile(temp, "stderr", ".txt").toFile();
		ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout).redirectError(stderr);
		builder.environment().remove("DISPLAY");
		Process process = builder.start();
		if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			fail("convkit " + String.join(" ", args) + " still ran after " + TIMEOUT_SECONDS + " s (a dialog waiting?)\n" +
				new Result(-1, Files.readString(stdout.toPath()), Files.readString(stderr.toPath())));
		}
		return new Result(process.exitValue(), Files.readString(stdout.toPath()), Files.readString(stderr.toPath()));
	}
}
