package org.convkit.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An X virtual frame buffer (Xvfb) for servers without a display: ImageJ 1.x builds its menus, and
 * so its command table, only when it has one. Xvfb picks a free display number itself
 * ({@code -displayfd}), so several runs can start at once.
 */
final class VirtualDisplay implements AutoCloseable {

	private static final long START_SECONDS = 20;

	private final Process process;
	private final String display;

	private VirtualDisplay(Process process, String display) {
		this.process = process;
		this.display = display;
	}

	/** The Xvfb executable on the PATH, if installed. */
	static Optional<File> executable() {
		String path = System.getenv("PATH");
		if (path == null) return Optional.empty();
		for (String folder : path.split(File.pathSeparator)) {
			File candidate = new File(folder, "Xvfb");
			if (candidate.canExecute()) return Optional.of(candidate);
		}
		return Optional.empty();
	}

	static VirtualDisplay start(File xvfb) throws IOException {
		Process process = new ProcessBuilder(xvfb.getPath(), "-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "1280x1024x24")
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
		try {
			String number = CompletableFuture.supplyAsync(() -> {
				try {
					return out.readLine();
				}
				catch (IOException e) {
					return null;
				}
			}).get(START_SECONDS, TimeUnit.SECONDS);
			if (number == null || !number.trim().matches("\\d+")) throw new IOException("Xvfb did not report a display number");
			return new VirtualDisplay(process, ":" + number.trim());
		}
		catch (InterruptedException | ExecutionException | TimeoutException | IOException e) {
			process.destroyForcibly();
			if (e instanceof InterruptedException) Thread.currentThread().interrupt();
			throw new IOException("could not start Xvfb (" + xvfb + ") within " + START_SECONDS + " s: " + e.getMessage(), e);
		}
	}

	/** The value for the DISPLAY environment variable. */
	String display() {
		return display;
	}

	@Override
	public void close() {
		process.destroy();
		try {
			if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
		}
		catch (InterruptedException e) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}
}
