package org.convkit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Short helper processes (probes, set-up scripts) whose first output line is the answer. */
final class Processes {

	private Processes() {}

	/**
	 * Runs the command; its first standard output line when it exits 0 within the time, else empty.
	 *
	 * @param showErrors pass its standard error through (set-up progress), else discard it (probes)
	 */
	static Optional<String> firstLine(int timeoutSeconds, boolean showErrors, String... command) {
		try {
			Process process = new ProcessBuilder(command)
				.redirectError(showErrors ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD).start();
			process.getOutputStream().close();
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return Optional.empty();
			}
			if (process.exitValue() != 0) return Optional.empty();
			return out.lines().findFirst().map(String::trim).filter(line -> !line.isEmpty());
		}
		catch (IOException e) {
			return Optional.empty();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}
}
