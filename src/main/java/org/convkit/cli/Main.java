package org.convkit.cli;

import org.convkit.bench.Bench;
import org.convkit.core.io.SharedData;
import org.convkit.demo.Demo;

import java.io.IOException;
import java.util.Arrays;

/**
 * The {@code convkit} launcher: {@code info}, {@code run}, {@code macro}, {@code gui}, {@code demo},
 * {@code bench}. Exit status 0 on success, 2 for bad usage or input (one
 * line naming the file or option), 3 when a batch finished with failed items, 1 for an internal
 * error (one line, the trace in a log file that the line names).
 */
public final class Main {

	static final String USAGE = String.join("\n",
		"usage: convkit <tool> [arguments]",
		"  info                                engine, device, threads, cache and loaded models",
		"  run \"<Command>\" key=value ... [--output DIR] [--overwrite]",
		"                                      run a ConvKit command headless; image options are file paths;",
		"                                      output images (TIFF) and tables (CSV) go to DIR (default: .),",
		"                                      so do relative output files; existing files are kept unless --overwrite",
		"  list                                the ConvKit commands and their options",
		"  macro [--headless] FILE.ijm [ARG]   run an ImageJ macro; starts a virtual display (Xvfb) when",
		"                                      there is none, or runs without one with --headless",
		"  gui                                 ImageJ with the Plugins > ConvKit menu",
		"  demo [DIR]                          the demo on bundled data (default DIR: demo-output)",
		"  bench [core|faces|ecg|style|leak|ct] benchmarks; prints figures, with PyTorch 2.13's beside them",
		"  bench ops LOG...                    where oneDNN's time went, from DNNL_VERBOSE=1 output of a bench",
		"  evaluate faces [ORL_FOLDER]         face verification and recognition accuracy on the ORL faces",
		"  evaluate ecg [folds=4 epochs=4 ...] beat classifier, patient-wise cross-validation on MIT-BIH DS1",
		"  evaluate ct-denoise VOLUME [sigma=50] CT denoiser against Gaussian and median filters (noise added, seed 7)",
		"options: -Dconvkit.engine=MXNet|PyTorch  -Dconvkit.gpu=auto|off",
		"exit status: 0 done, 2 bad input or usage, 3 a batch with failed items, 1 internal error (trace in a log file)");

	private Main() {}

	public static void main(String[] args) {
		System.exit(run(args));
	}

	static int run(String[] args) {
		if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
			System.out.println(USAGE);
			return args.length == 0 ? 2 : 0;
		}
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		// ImageJ's own folders (getDirectory("macros"), "plugins") are the project's, laid out as a Fiji.app.
		if (System.getProperty("plugins.dir") == null && System.getProperty(SharedData.HOME) != null) {
			System.setProperty("plugins.dir", System.getProperty(SharedData.HOME));
		}
		try {
			return switch (args[0]) {
				case "info" -> Tools.info();
				case "list" -> Tools.list();
				case "run" -> RunTool.run(rest);
				case "macro" -> MacroTool.run(rest);
				case "gui" -> Tools.gui();
				case "demo" -> Demo.run(rest);
				case "bench" -> Bench.run(rest);
				case "evaluate" -> EvaluateTool.run(rest);
				default -> usage("unknown tool '" + args[0] + "'");
			};
		}
		catch (IllegalArgumentException | IOException e) {
			// Bad input or a file that cannot be read or written: the message says which; no stack trace.
			System.err.println("convkit " + args[0] + ": " + message(e));
			return 2;
		}
		catch (Exception | Error e) {
			return internalError(args, e);
		}
	}

	/** A bug: one line for the user, the trace in a log file for the report; exit status 1. */
	static int internalError(String[] args, Throwable e) {
		System.err.println("convkit " + args[0] + " failed with an internal error (" + e + ")" + CrashLog.write(args, e));
		return 1;
	}

	/** An I/O error's message, or its kind and file when the JDK gave only a path. */
	static String message(Exception e) {
		if (e instanceof java.nio.file.FileSystemException fs && (fs.getReason() == null || fs.getMessage().equals(fs.getFile()))) {
			String kind = e instanceof java.nio.file.NoSuchFileException ? "no such file"
				: e instanceof java.nio.file.AccessDeniedException ? "permission denied"
				: e instanceof java.nio.file.FileAlreadyExistsException ? "exists" : e.getClass().getSimpleName();
			return fs.getFile() + ": " + kind;
		}
		return e.getMessage() == null ? e.toString() : e.getMessage();
	}

	static int usage(String problem) {
		System.err.println("convkit: " + problem);
		System.err.println(USAGE);
		return 2;
	}
}
