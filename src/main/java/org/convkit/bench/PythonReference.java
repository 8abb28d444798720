package org.convkit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a reference script shipped in this jar (org/convkit/bench/*.py) with Debian's Python and
 * PyTorch ({@code /usr/bin/python3}, package python3-torch), for side-by-side figures in one run.
 */
final class PythonReference {

	static final String PYTHON = "/usr/bin/python3";

	private PythonReference() {}

	/** Why the reference cannot run here, or empty when it can. */
	static Optional<String> unavailable() {
		if (!Files.isExecutable(Path.of(PYTHON))) return Optional.of(PYTHON + " not found");
		try {
			Process probe = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
			if (!probe.waitFor(60, TimeUnit.SECONDS) || probe.exitValue() != 0) {
				return Optional.of("PyTorch is not installed for " + PYTHON + " (apt-get install python3-torch)");
			}
		}
		catch (IOException e) {
			return Optional.of("cannot start " + PYTHON + ": " + e.getMessage());
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return Optional.of("interrupted");
		}
		return Optional.empty();
	}

	/** Runs the script with the arguments; returns its standard output lines. */
	static List<String> run(String script, String... args) throws IOException {
		Path file = Files.createTempFile("convkit-", "-" + script);
		try (InputStream in = PythonReference.class.getResourceAsStream(script)) {
			if (in == null) throw new IOException("reference script " + script + " is missing from the jar");
			Files.write(file, in.readAllBytes());
			List<String> command = new ArrayList<>(List.of(PYTHON, file.toString()));
			command.addAll(List.of(args));
			Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
				throw new IOException(script + " failed (exit " + process.exitValue() + ")");
			}
			return out.lines().toList();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IOException(script + " interrupted", e);
		}
		finally {
			Files.deleteIfExists(file);
		}
	}
}
