package org.convkit.ij.legacy;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.macro.Interpreter;
import ij.measure.ResultsTable;
import ij.plugin.filter.Analyzer;
import ij.plugin.PlugIn;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.commands.run.CommandInputs;
import org.convkit.commands.run.OptionString;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ImageJ 1.x plug-in behind every ConvKit entry in ImageJ's command table: its argument is the
 * SciJava command class. Macro options are mapped to the command's parameters by name (images by
 * title); without options (a menu click) a dialog asks for them and ImageJ's recorder records them.
 */
public class ConvKitPlugIn implements PlugIn {

	/** The last failure in a macro on this thread: ImageJ may replace its own error message after an abort. */
	private static final ThreadLocal<String> FAILURE = new ThreadLocal<>();

	/** Returns and forgets the message of the last ConvKit command that failed in a macro on this thread. */
	public static String takeFailure() {
		String failure = FAILURE.get();
		FAILURE.remove();
		return failure;
	}

	@Override
	public void run(String commandClass) {
		Context context = LegacyCommands.context();
		CommandInfo info = context.service(CommandService.class).getCommand(commandClass);
		String title = CommandExecutor.title(info);
		String options = Macro.getOptions();
		Map<String, String> values = options != null ? OptionString.parse(options)
			: canAsk(info) ? ask(context, info)
			: Map.of(); // defaults (the current image): no dialog to show, or nobody to answer it
		if (values == null) return; // dialog canceled
		try {
			Map<String, Object> inputs = CommandInputs.convert(info, values, ConvKitPlugIn::openImage);
			show(title, new CommandExecutor(context).run(info, inputs));
		}
		catch (IllegalArgumentException | CommandFailedException e) {
			fail(title, e.getMessage());
		}
	}

	/** An image option is the title of an open image; without one, the current image; "(none)": no image. */
	private static ImagePlus openImage(CommandInputs.ImageOption option) {
		if (NO_IMAGE.equals(option.text())) return null;
		if (option.text() == null) {
			ImagePlus current = WindowManager.getCurrentImage();
			if (current == null) throw new IllegalArgumentException(option.name() + ": expected an open image, but no image is open");
			return current;
		}
		ImagePlus image = WindowManager.getImage(option.text());
		if (image == null) {
			String[] titles = WindowManager.getImageTitles();
			throw new IllegalArgumentException(option.name() + ": no open image is titled '" + option.text() +
				"'; open images: " + Arrays.toString(titles));
		}
		return image;
	}

	private static void show(String title, Map<String, Object> outputs) {
		boolean resultsShown = false;
		for (Map.Entry<String, Object> output : outputs.entrySet()) {
			String name = output.getKey();
			Object value = output.getValue();
			if (value instanceof ImagePlus image) image.show();
			// ImageJ's convention: a command's measurements go to the Results table, where
			// macros read them with nResults and getResult/getResultString. A second table (a
			// confusion matrix next to per-class figures) gets a window named after the output.
			else if (value instanceof ResultsTable table && !resultsShown) {
				Analyzer.setResultsTable(table);
				table.show("Results");
				resultsShown = true;
			}
			else if (value instanceof ResultsTable table) table.show(title + " " + name);
			else if (value instanceof String text) IJ.log(text);
			else if (value != null) IJ.log(title + ": " + name + " = " + value);
		}
	}

	/** In a macro the error aborts it with the message; interactively it is shown in a dialog. */
	private static void fail(String title, String message) {
		Interpreter macro = Interpreter.getInstance();
		if (macro == null) {
			IJ.error(title, message);
			return;
		}
		FAILURE.set(title + ": " + message);
		macro.abort(title + ": " + message);
	}

	/** The dialog's choice for an optional image parameter left empty. */
	static final String NO_IMAGE = "(none)";

	/**
	 * Whether a menu click or an option-less run() may ask in a dialog: not for a command without
	 * parameters, and not without ImageJ's window (a command-line batch run, maybe on a virtual
	 * display), where a modal dialog would wait forever or fail.
	 */
	private static boolean canAsk(CommandInfo info) {
		return !CommandInputs.userInputs(info).isEmpty() && !GraphicsEnvironment.isHeadless() && IJ.getInstance() != null;
	}

	/** A dialog with one field per parameter, labelled by the parameter's (macro key) name. */
	private static Map<String, String> ask(Context context, CommandInfo info) {
		Module defaults = context.service(ModuleService.class).createModule(info);
		List<ModuleItem<?>> items = CommandInputs.userInputs(info);
		GenericDialog dialog = new GenericDialog(CommandExecutor.title(info));
		for (ModuleItem<?> item : items) {
			String name = item.getName();
			Object value = defaults.getInput(name);
			Class<?> type = item.getType();
			if (type == ImagePlus.class) {
				List<String> titles = new java.util.ArrayList<>(List.of(WindowManager.getImageTitles()));
				if (!item.isRequired()) titles.add(0, NO_IMAGE); // e.g. a folder instead of a stack
				if (titles.isEmpty()) {
					IJ.error(CommandExecutor.title(info), name + ": expected an open image, but no image is open");
					return null;
				}
				ImagePlus current = WindowManager.getCurrentImage();
				dialog.addChoice(name, titles.toArray(String[]::new), current != null ? current.getTitle() : titles.get(0));
			}
			else if (item.getChoices() != null && !item.getChoices().isEmpty()) {
				String[] choices = item.getChoices().stream().map(String::valueOf).toArray(String[]::new);
				dialog.addChoice(name, choices, value == null ? choices[0] : value.toString());
			}
			else if (type == boolean.class || type == Boolean.class) dialog.addCheckbox(name, Boolean.TRUE.equals(value));
			else if (type == File.class) dialog.addFileField(name, value == null ? "" : value.toString());
			else if (type == String.class) dialog.addStringField(name, value == null ? "" : value.toString(), 20);
			else dialog.addNumericField(name, value == null ? 0 : ((Number) value).doubleValue(), decimals(type));
		}
		dialog.showDialog();
		if (dialog.wasCanceled()) return null;
		Map<String, String> values = new LinkedHashMap<>();
		for (ModuleItem<?> item : items) {
			Class<?> type = item.getType();
			String name = item.getName();
			if (type == ImagePlus.class) {
				values.put(name, dialog.getNextChoice());
			}
			else if (item.getChoices() != null && !item.getChoices().isEmpty()) values.put(name, dialog.getNextChoice());
			else if (type == boolean.class || type == Boolean.class) values.put(name, String.valueOf(dialog.getNextBoolean()));
			else if (type == File.class || type == String.class) values.put(name, dialog.getNextString());
			else values.put(name, numberText(dialog.getNextNumber(), type));
		}
		return values;
	}

	private static int decimals(Class<?> type) {
		return type == int.class || type == Integer.class || type == long.class || type == Long.class ? 0 : 3;
	}

	private static String numberText(double value, Class<?> type) {
		return decimals(type) == 0 ? String.valueOf(Math.round(value)) : String.valueOf(value);
	}
}
