package org.convkit.cli;

import org.convkit.bench.Bench;
import org.convkit.demo.Demo;

import java.util.Arrays;

/**
 * The {@code convkit} launcher: {@code info}, {@code run}, {@code macro}, {@code gui}, {@code demo},
 * {@code bench}. Exit status 0 on success, 1 when the work failed, 2 for bad usage or input.
 */
public final class Main {

	static final String USAGE = String.join("\n",
		"usage: convkit <tool> [arguments]",
		"  info                                engine, device, threads, cache and loaded models",
		"  run \"<Command>\" key=value ... [--output DIR]",
		"                                      run a ConvKit command headless; image options are file paths;",
		"                                      output images (TIFF) and tables (CSV) go to DIR (default: .)",
		"  list                                the ConvKit commands and their options",
		"  macro [--headless] FILE.ijm [ARG]   run an ImageJ macro; starts a virtual display (Xvfb) when",
		"                                      there is none, or runs without one with --headless",
		"  gui                                 ImageJ with the Plugins > ConvKit menu",
		"  demo [DIR]                          the demo on bundled data (default DIR: demo-output)",
		"  bench [core|faces|ecg|style]        benchmarks; prints figures",
		"  evaluate faces [ORL_FOLDER]         face verification and recognition accuracy on the ORL faces",
		"  evaluate ecg [folds=4 epochs=4 ...] beat classifier, patient-wise cross-validation on MIT-BIH DS1",
		"options: -Dconvkit.engine=MXNet|PyTorch  -Dconvkit.gpu=auto|off");

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
		catch (IllegalArgumentException | java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
			// Bad input, including a file that is not there: the message says which; no stack trace.
			System.err.println("convkit " + args[0] + ": " + e.getMessage());
			return 2;
		}
		catch (Exception e) {
			System.err.println("convkit " + args[0] + " failed: " + e);
			e.printStackTrace();
			return 1;
		}
	}

	static int usage(String problem) {
		System.err.println("convkit: " + problem);
		System.err.println(USAGE);
		return 2;
	}
}
