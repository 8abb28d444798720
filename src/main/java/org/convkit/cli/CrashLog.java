package org.convkit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Where an internal error's stack trace goes: a log file in {@code convkit.logs} (default: the
 * system's temporary folder, {@code convkit-logs/}), so the user sees one line and can attach the
 * file to a report.
 */
final class CrashLog {

	private CrashLog() {}

	/** Writes the trace and returns the text that tells the user where it is (or the trace itself when it cannot be written). */
	static String write(String[] args, Throwable error) {
		StringWriter trace = new StringWriter();
		try (PrintWriter out = new PrintWriter(trace)) {
			out.println("convkit " + String.join(" ", args));
			out.println("java " + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
			error.printStackTrace(out);
		}
		Path folder = Path.of(System.getProperty("convkit.logs", Path.of(System.getProperty("java.io.tmpdir"), "convkit-logs").toString()));
		String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
		Path file = folder.resolve("convkit-" + stamp + "-" + ProcessHandle.current().pid() + ".log");
		try {
			Files.createDirectories(folder);
			Files.writeString(file, trace.toString());
			return "; details in " + file + " (please include it in a bug report)";
		}
		catch (IOException e) {
			return "\n" + trace;
		}
	}
}
