package org.convkit.cli;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.commands.run.CommandInputs;
import org.convkit.ij.io.ImageFiles;
import org.scijava.Context;
import org.scijava.command.CommandInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code convkit run "<Command>" key=value ... [--output DIR]}: runs one ConvKit command without a
 * display. Image options are file paths; output images are written as TIFF and tables as CSV into
 * the output folder, text is printed.
 */
final class RunTool {

	private RunTool() {}

	static int run(String[] args) throws IOException {
		System.setProperty("java.awt.headless", "true");
		if (args.length == 0) return Main.usage("run: expected a command title, e.g. convkit run \"ConvKit Info\"");
		Path outputFolder = Path.of(".");
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 1; i < args.length; i++) {
			if (args[i].equals("--output")) {
				if (++i == args.length) return Main.usage("run: --output needs a folder");
				outputFolder = Path.of(args[i]);
				continue;
			}
			int equals = args[i].indexOf('=');
			if (equals <= 0) return Main.usage("run: expected key=value, got '" + args[i] + "'");
			options.put(args[i].substring(0, equals), args[i].substring(equals + 1));
		}
		try (Context context = new Context()) {
			CommandExecutor executor = new CommandExecutor(context);
			CommandInfo info = executor.find(args[0]);
			Map<String, Object> inputs = CommandInputs.convert(info, options, RunTool::openImage);
			Map<String, Object> outputs;
			try {
				outputs = executor.run(info, inputs);
			}
			catch (CommandFailedException e) {
				System.err.println(args[0] + ": " + e.getMessage());
				return 2;
			}
			write(outputs, outputFolder);
		}
		return 0;
	}

	/** On the command line an image option is a file path; a missing one is an error. */
	private static ImagePlus openImage(CommandInputs.ImageOption option) {
		if (option.text() == null) {
			throw new IllegalArgumentException(option.name() + ": expected a path to an image file (" + option.name() + "=/path/to/image.tif)");
		}
		return ImageFiles.open(option.name(), Path.of(option.text()));
	}

	private static void write(Map<String, Object> outputs, Path folder) throws IOException {
		for (Map.Entry<String, Object> output : outputs.entrySet()) {
			Object value = output.getValue();
			if (value instanceof ImagePlus image) {
				Path file = folder.resolve(fileName(image.getTitle(), output.getKey()) + ".tif");
				ImageFiles.saveTiff(image, file);
				System.out.println("wrote " + file);
			}
			else if (value instanceof ResultsTable table) {
				Path file = folder.resolve(output.getKey() + ".csv");
				ImageFiles.saveCsv(table, file);
				System.out.println("wrote " + file);
			}
			else if (value != null) {
				System.out.println(value instanceof String text ? text.stripTrailing() : output.getKey() + " = " + value);
			}
		}
	}

	/** A file name from an image title: no folders, no characters shells or file systems trip on. */
	static String fileName(String title, String fallback) {
		String name = title == null ? "" : title.replaceAll("\\.(tif|tiff)$", "").replaceAll("[^A-Za-z0-9._-]", "_");
		return name.isEmpty() || name.startsWith(".") ? fallback : name;
	}
}
