package org.convkit.cli;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.commands.run.CommandInputs;
import org.convkit.core.io.OutputFiles;
import org.convkit.ij.ImagePlusImgs;
import org.convkit.ij.io.ImageFiles;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.module.ModuleItem;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code convkit run "<Command>" key=value ... [--output DIR] [--overwrite]}: runs one ConvKit
 * command without a display. Image options are file paths (a NIfTI file or DICOM folder is read as
 * a CT volume); output images are written as TIFF, or as NIfTI on the input's grid when the input was
 * a volume, and tables as CSV into the output folder, text is printed. Relative paths of the command's own output
 * files (the {@code output_*} options such as {@code output_csv}) resolve against the output folder too, and
 * every file the run wrote is printed. Nothing existing is replaced without {@code --overwrite}, and
 * never an input.
 */
final class RunTool {

	static final String OVERWRITE = "overwrite";
	/** The name of an input image written with what the command drew on it. */
	static final String ANNOTATED = "annotated";

	private RunTool() {}

	static int run(String[] args) throws IOException {
		System.setProperty("java.awt.headless", "true");
		RunArguments run = RunArguments.parse(args);
		Map<String, String> options = new LinkedHashMap<>(run.options());
		Path folder = run.folder();
		try (Context context = new Context()) {
			CommandExecutor executor = new CommandExecutor(context);
			CommandInfo info = executor.find(run.title());
			// the command writes its own files there: the folder must exist before it checks them
			if (run.outputFolder() != null && resolveOutputs(info, options, run.outputFolder())) Files.createDirectories(run.outputFolder());
			if (run.overwrite() && hasInput(info, OVERWRITE)) options.putIfAbsent(OVERWRITE, "true");
			List<Path> inputs = inputFiles(info, options);
			boolean volumes = imageFiles(info, options).stream().anyMatch(VolumeFiles::isVolume);
			checkTables(info, folder, run.overwrite(), inputs);
			Written before = Written.of(fileOptions(info, options));
			Map<String, Object> inputValues = CommandInputs.convert(info, options, RunTool::openImage);
			Map<ImagePlus, Integer> overlays = overlaySizes(inputValues);
			CommandExecutor.Result result;
			try {
				result = executor.execute(info, inputValues);
			}
			catch (CommandFailedException e) {
				System.err.println(run.title() + ": " + e.getMessage());
				return 2;
			}
			for (Path file : before.since()) System.out.println("wrote " + file);
			Map<String, Object> outputs = new LinkedHashMap<>(annotated(overlays));
			outputs.putAll(result.outputs());
			try {
				write(outputs, labels(info), folder, run.overwrite(), inputs, volumes ? firstImage(inputValues) : null);
			}
			catch (IllegalArgumentException e) {
				// e.g. another run wrote a table of the same name meanwhile: say what did happen
				System.err.println(run.title() + ": the command ran, but its results were not written: " + e.getMessage());
				return 2;
			}
			if (result.failedItems() > 0) {
				System.err.println(run.title() + ": " + result.failedItems() + " item(s) failed; see the summary above");
				return 3;
			}
		}
		return 0;
	}

	/** On the command line an image option is a file path; a missing one is an error. */
	private static ImagePlus openImage(CommandInputs.ImageOption option) {
		if (option.text() == null) {
			throw new IllegalArgumentException(option.name() + ": expected a path to an image file (" + option.name() + "=/path/to/image.tif)");
		}
		Path path = Path.of(option.text());
		return VolumeFiles.isVolume(path) ? VolumeFiles.open(option.name(), path) : ImageFiles.open(option.name(), path);
	}

	private static ImagePlus firstImage(Map<String, Object> inputs) {
		return inputs.values().stream().filter(v -> v instanceof ImagePlus).map(v -> (ImagePlus) v).findFirst().orElse(null);
	}

	/** The files and folders the image options name. */
	private static List<Path> imageFiles(CommandInfo info, Map<String, String> options) {
		List<Path> paths = new ArrayList<>();
		for (ModuleItem<?> item : CommandInputs.userInputs(info)) {
			String text = options.get(item.getName());
			if (item.getType() == ImagePlus.class && text != null && !text.isBlank()) paths.add(Path.of(text));
		}
		return paths;
	}

	/** The outputs' labels as a dialog shows them. */
	private static Map<String, String> labels(CommandInfo info) {
		Map<String, String> labels = new LinkedHashMap<>();
		for (ModuleItem<?> item : info.outputs()) {
			if (item.getLabel() != null && !item.getLabel().isBlank()) labels.put(item.getName(), item.getLabel());
		}
		return labels;
	}

	private static Map<ImagePlus, Integer> overlaySizes(Map<String, Object> inputs) {
		Map<ImagePlus, Integer> sizes = new LinkedHashMap<>();
		for (Object value : inputs.values()) {
			if (value instanceof ImagePlus image) sizes.put(image, image.getOverlay() == null ? 0 : image.getOverlay().size());
		}
		return sizes;
	}

	/**
	 * Input images the command drew on (boxes and labels of faces): written too, as a display would
	 * show them, a flattened PNG for one plane and a TIFF carrying the overlay for a stack.
	 */
	private static Map<String, Object> annotated(Map<ImagePlus, Integer> before) {
		Map<String, Object> images = new LinkedHashMap<>();
		for (Map.Entry<ImagePlus, Integer> entry : before.entrySet()) {
			ImagePlus image = entry.getKey();
			if (image.getOverlay() == null || image.getOverlay().size() <= entry.getValue()) continue;
			images.put(images.isEmpty() ? ANNOTATED : ANNOTATED + (images.size() + 1), image);
		}
		return images;
	}

	/**
	 * Relative paths of the {@code output_*} file options land in the output folder, as the results
	 * do. Files a command both reads and writes (a gallery, a model folder) stay where the user
	 * names them, so the next command finds them under the same name.
	 *
	 * @return whether any option was resolved into it
	 */
	private static boolean resolveOutputs(CommandInfo info, Map<String, String> options, Path folder) {
		boolean any = false;
		for (ModuleItem<?> item : CommandInputs.userInputs(info)) {
			String text = options.get(item.getName());
			if (item.getType() != File.class || text == null || text.isBlank() || Path.of(text).isAbsolute()) continue;
			if (item.getName().startsWith("output")) {
				options.put(item.getName(), folder.resolve(text).toString());
				any = true;
			}
		}
		return any;
	}

	private static boolean hasInput(CommandInfo info, String name) {
		return CommandInputs.userInputs(info).stream().anyMatch(item -> item.getName().equals(name));
	}

	/** The files and folders the options name (image paths, records, galleries, output files). */
	private static List<Path> fileOptions(CommandInfo info, Map<String, String> options) {
		List<Path> paths = new ArrayList<>();
		for (ModuleItem<?> item : CommandInputs.userInputs(info)) {
			String text = options.get(item.getName());
			if ((item.getType() == File.class || item.getType() == ImagePlus.class) && text != null && !text.isBlank()) paths.add(Path.of(text));
		}
		return paths;
	}

	/** Files the command reads: images and the open-style file options. */
	private static List<Path> inputFiles(CommandInfo info, Map<String, String> options) {
		List<Path> paths = new ArrayList<>();
		for (ModuleItem<?> item : CommandInputs.userInputs(info)) {
			String text = options.get(item.getName());
			if (text == null || text.isBlank()) continue;
			boolean read = item.getType() == ImagePlus.class || item.getType() == File.class && FileWidget.OPEN_STYLE.equals(item.getWidgetStyle());
			if (read) paths.add(Path.of(text));
		}
		return paths;
	}

	/** Tables are named after their output: an existing one is refused before any work. */
	private static void checkTables(CommandInfo info, Path folder, boolean overwrite, List<Path> inputs) {
		if (!Files.isDirectory(folder)) return; // made for the results: nothing in it to replace
		for (ModuleItem<?> item : info.outputs()) {
			if (item.getType() == ResultsTable.class) OutputFiles.check("--output", folder.resolve(item.getName() + ".csv"), overwrite, inputs);
		}
	}

	/**
	 * Writes images and tables; every name is checked before the first is written, since an image's
	 * name comes from its title, known only now. Image results of a run on volumes (NIfTI, DICOM)
	 * are written as NIfTI on the input's grid ({@link VolumeFiles}), others as TIFF.
	 */
	private static void write(Map<String, Object> outputs, Map<String, String> labels, Path folder, boolean overwrite, List<Path> inputs, ImagePlus volume)
		throws IOException
	{
		boolean volumes = volume != null;
		Map<String, Path> files = new LinkedHashMap<>();
		if (outputs.values().stream().anyMatch(v -> v instanceof ImagePlus || v instanceof ResultsTable)) Files.createDirectories(folder);
		for (Map.Entry<String, Object> output : outputs.entrySet()) {
			Object value = output.getValue();
			Path file = value instanceof ImagePlus image ? folder.resolve(fileName(image.getTitle(), output.getKey()) + imageSuffix(output.getKey(), image, volumes))
				: value instanceof ResultsTable ? folder.resolve(output.getKey() + ".csv") : null;
			if (file == null) continue;
			OutputFiles.check("--output", file, overwrite, inputs);
			if (files.containsValue(file)) {
				// two images of one title: the second also carries its output's name
				file = folder.resolve(fileName(((ImagePlus) value).getTitle(), output.getKey()) + "-" + output.getKey()
					+ imageSuffix(output.getKey(), (ImagePlus) value, volumes));
				OutputFiles.check("--output", file, overwrite, inputs);
			}
			files.put(output.getKey(), file);
		}
		for (Map.Entry<String, Object> output : outputs.entrySet()) {
			Object value = output.getValue();
			Path file = files.get(output.getKey());
			if (value instanceof ImagePlus image && file.getFileName().toString().endsWith(".png")) {
				ImageFiles.savePng(image, file);
				System.out.println("wrote " + file);
			}
			else if (value instanceof ImagePlus image && file.getFileName().toString().endsWith(VolumeFiles.SUFFIX)) {
				VolumeFiles.write(image, file, volume);
				System.out.println("wrote " + file);
			}
			else if (value instanceof ImagePlus image) {
				ImageFiles.saveTiff(image, file);
				System.out.println("wrote " + file);
			}
			else if (value instanceof ResultsTable table && table.getLastColumn() < 0 && table.size() == 0) {
				System.out.println(output.getKey() + ": empty table, no file written");
			}
			else if (value instanceof ResultsTable table) {
				ImageFiles.saveCsv(table, file);
				System.out.println("wrote " + file);
			}
			else if (value != null) {
				// a number says what it counts: "Beats shown: 11", not "annotation_count = 11"
				System.out.println(value instanceof String text ? text.stripTrailing() : labels.getOrDefault(output.getKey(), output.getKey()) + ": " + value);
			}
		}
	}

	private static String imageSuffix(String output, ImagePlus image, boolean volumes) {
		if (!output.startsWith(ANNOTATED)) return volumes && VolumeFiles.writable(image) ? VolumeFiles.SUFFIX : ".tif";
		return image.getStackSize() > 1 ? "-" + ANNOTATED + ".tif" : "-" + ANNOTATED + ".png";
	}

	/**
	 * A file name from an image title: the title as it is (Unicode and spaces kept), with only path
	 * separators and control characters replaced; a title that would be hidden or empty gives the
	 * output's name.
	 */
	static String fileName(String title, String fallback) {
		String name = title == null ? "" : ImagePlusImgs.withoutExtension(title.strip()).replaceAll("[/\\\\\\p{Cntrl}]", "_").strip();
		return name.isEmpty() || name.startsWith(".") ? fallback : name;
	}
}
