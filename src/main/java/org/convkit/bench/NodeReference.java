package org.convkit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a face-api.js reference script of tools/faceapi-reference with Node, for side-by-side
 * figures in one run. Needs the project's source tree and {@code npm install} in that folder.
 */
final class NodeReference {

	static final Path FOLDER = Path.of("tools", "faceapi-reference");

	private NodeReference() {}

	/** Why the reference cannot run here, or empty when it can. */
	static Optional<String> unavailable() {
		if (!Files.isDirectory(FOLDER)) return Optional.of(FOLDER + " not found (run from the project folder)");
		if (!Files.isDirectory(FOLDER.resolve("node_modules"))) return Optional.of("run `npm install` in " + FOLDER);
		try {
			Process probe = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
			if (!probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) return Optional.of("node does not run");
		}
		catch (IOException e) {
			return Optional.of("node not found: " + e.getMessage());
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return Optional.of("interrupted");
		}
		return Optional.empty();
	}

	/** Runs {@code node SCRIPT ARGS} in the reference folder and returns its standard output lines. */
	static List<String> run(String script, String... args) throws IOException {
		List<String> command = new ArrayList<>(List.of("node", script));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).directory(FOLDER.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		try {
			if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) throw new IOException(script + " failed (exit " + process.exitValue() + ")");
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IOException(script + " interrupted", e);
		}
		return out.lines().toList();
	}
}
