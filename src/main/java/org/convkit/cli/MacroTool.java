package org.convkit.cli;

import ij.Macro;
import ij.macro.Debugger;
import ij.macro.Interpreter;
import org.convkit.ij.legacy.ConvKitPlugIn;
import org.convkit.ij.legacy.LegacyCommands;
import org.scijava.Context;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code convkit macro [--headless] FILE.ijm [ARG]}: runs an ImageJ 1.x macro in batch mode with
 * every ConvKit command available to {@code run()}. ImageJ's own commands need a display: with none,
 * the macro runs in a child JVM on a virtual display (Xvfb) that lives as long as the macro. With
 * {@code --headless} (or no Xvfb installed) it runs without any display: ConvKit commands and
 * ImageJ's built-in macro functions work, ImageJ's menu commands do not.
 */
final class MacroTool {

	static final String NO_XVFB = "convkit macro: no display and no Xvfb; running headless: ConvKit commands and " +
		"built-in macro functions work, other ImageJ commands do not (install Xvfb: apt-get install xvfb)";

	private MacroTool() {}

	static int run(String[] args) throws IOException, InterruptedException {
		List<String> rest = new ArrayList<>(List.of(args));
		boolean headless = rest.remove("--headless");
		if (rest.isEmpty() || rest.size() > 2) return Main.usage("macro: expected FILE.ijm and at most one argument");
		Path file = Path.of(rest.get(0));
		if (!Files.isRegularFile(file)) throw new IllegalArgumentException("macro: file not found: " + file);
		String argument = rest.size() == 2 ? rest.get(1) : "";
		if (headless) System.setProperty("java.awt.headless", "true");
		else if (GraphicsEnvironment.isHeadless()) {
			Optional<File> xvfb = VirtualDisplay.executable();
			if (xvfb.isPresent()) return runOnVirtualDisplay(xvfb.get(), args);
			System.err.println(NO_XVFB);
		}
		return runHere(file, argument);
	}

	/**
	 * Runs the macro in this JVM. An error of the macro or of a command's input is printed with its
	 * line and gives exit status 2; an internal error gives 1, its trace in a log file.
	 */
	private static int runHere(Path file, String argument) throws IOException {
		String code = Files.readString(file);
		try (Context context = new Context()) {
			LegacyCommands.install(context);
			Interpreter.batchMode = true;
			Interpreter interpreter = new Interpreter();
			// No error dialog: it would hang on a virtual display and fail without one.
			interpreter.setIgnoreErrors(true);
			ErrorStop stop = new ErrorStop();
			interpreter.setDebugger(stop);
			interpreter.setDebugMode(Debugger.RUN_TO_COMPLETION);
			ConvKitPlugIn.takeFailure(); // nothing left from an earlier macro on this thread
			try {
				interpreter.run(code, argument);
			}
			catch (ErrorStop.Stopped e) {
				// the error is reported below
			}
			catch (Error e) {
				// Escaping, it would leave a JVM that ImageJ's AWT threads keep alive: report it here.
				return Main.internalError(new String[] { "macro", file.toString() }, e);
			}
			catch (RuntimeException e) {
				// ImageJ ends a macro by throwing "Macro canceled": from exit() (a normal end, as in
				// ImageJ's own -batch) or after a command failed or was canceled (an error).
				if (!Macro.MACRO_CANCELED.equals(e.getMessage())) throw e;
				if (!endedByExit(e) && interpreter.getErrorMessage() == null) {
					System.err.println("convkit macro " + file + stop.where() + ": " + Macro.MACRO_CANCELED);
					return 2;
				}
			}
			// With errors ignored, an error or a command's abort sets only the message, not wasError();
			// inside a block ImageJ may then replace a command's message with a syntax error.
			String failure = ConvKitPlugIn.takeFailure();
			String error = failure != null ? failure : interpreter.getErrorMessage();
			if (interpreter.wasError() || error != null) {
				System.err.println("convkit macro " + file + stop.where() + ": " + (error == null ? "macro error" : error));
				return 2;
			}
		}
		return 0;
	}

	/** Whether the macro language's exit() threw this. */
	private static boolean endedByExit(RuntimeException e) {
		StackTraceElement[] trace = e.getStackTrace();
		return trace.length > 0 && trace[0].getClassName().equals("ij.macro.Functions") && trace[0].getMethodName().equals("exit");
	}

	/**
	 * Called by the interpreter before every statement. With errors ignored ImageJ would go on after
	 * one; this ends the macro at the next statement by throwing (abortMacro() can leave the
	 * interpreter re-reading one token without end inside a loop condition), and remembers the line
	 * of the statement that was running.
	 */
	private static final class ErrorStop implements Debugger {

		private int line;

		@Override
		public int debug(Interpreter interpreter, int mode) {
			if (interpreter.getErrorMessage() != null) throw new Stopped();
			line = interpreter.getLineNumber();
			return 0;
		}

		String where() {
			return line > 0 ? " (line " + line + ")" : "";
		}

		static final class Stopped extends RuntimeException {
			Stopped() {
				super("macro stopped after an error", null, false, false);
			}
		}
	}

	/** The same launcher again, in a child JVM whose DISPLAY is a fresh Xvfb. */
	private static int runOnVirtualDisplay(File xvfb, String[] args) throws IOException, InterruptedException {
		try (VirtualDisplay display = VirtualDisplay.start(xvfb)) {
			List<String> command = new ArrayList<>();
			command.add(ProcessHandle.current().info().command().orElse("java"));
			command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add(Main.class.getName());
			command.add("macro");
			command.addAll(List.of(args));
			ProcessBuilder child = new ProcessBuilder(command).inheritIO();
			child.environment().put("DISPLAY", display.display());
			return child.start().waitFor();
		}
	}
}
