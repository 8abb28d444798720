package org.convkit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The arguments of {@code convkit run "<Command>" key=value ... [--output DIR] [--overwrite]}.
 *
 * @param outputFolder the folder named by --output, or null (results go to the current folder)
 */
record RunArguments(String title, Map<String, String> options, Path outputFolder, boolean overwrite) {

	static final String OUTPUT_IS_FILE = "--output: %s is a file; expected a folder for the results";

	/** @throws IllegalArgumentException naming the argument that is wrong */
	static RunArguments parse(String[] args) {
		if (args.length == 0) throw new IllegalArgumentException("expected a command title, e.g. convkit run \"ConvKit Info\"");
		Path outputFolder = null;
		boolean overwrite = false;
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 1; i < args.length; i++) {
			if (args[i].equals("--output")) {
				if (++i == args.length) throw new IllegalArgumentException("--output needs a folder");
				outputFolder = Path.of(args[i]);
			}
			else if (args[i].equals("--overwrite")) {
				overwrite = true;
			}
			else {
				int equals = args[i].indexOf('=');
				if (equals <= 0) throw new IllegalArgumentException("expected key=value, --output DIR or --overwrite, got '" + args[i] + "'");
				options.put(args[i].substring(0, equals), args[i].substring(equals + 1));
			}
		}
		if (outputFolder != null && Files.exists(outputFolder) && !Files.isDirectory(outputFolder)) {
			throw new IllegalArgumentException(String.format(OUTPUT_IS_FILE, outputFolder));
		}
		return new RunArguments(args[0], options, outputFolder, overwrite);
	}

	/** Where images and tables are written. */
	Path folder() {
		return outputFolder == null ? Path.of(".") : outputFolder;
	}
}
