package org.convkit.commands.run;

import ij.ImagePlus;
import org.scijava.ItemIO;
import org.scijava.command.CommandInfo;
import org.scijava.module.ModuleItem;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns text options ({@code key=value}, from a macro or a command line) into the typed inputs of a
 * ConvKit command, checking names, types, ranges and choices, so every front end reports bad input
 * the same way: the parameter's name first, then what was expected.
 */
public final class CommandInputs {

	private CommandInputs() {}

	/**
	 * @param command the command whose inputs are filled
	 * @param options text values by parameter name
	 * @param images how an image parameter's text (a title, a path) becomes an image; returns
	 *        {@code null} when the option is absent, or throws IllegalArgumentException with a message
	 */
	public static Map<String, Object> convert(CommandInfo command, Map<String, String> options,
		Function<ImageOption, ImagePlus> images)
	{
		List<ModuleItem<?>> items = userInputs(command);
		List<String> known = items.stream().map(ModuleItem::getName).toList();
		for (String key : options.keySet()) {
			if (!known.contains(key)) {
				throw new IllegalArgumentException(key + ": not an option of '" + command.getTitle() +
					"'; expected one of " + known);
			}
		}
		Map<String, Object> inputs = new LinkedHashMap<>();
		for (ModuleItem<?> item : items) {
			String name = item.getName();
			String text = options.get(name);
			if (item.getType() == ImagePlus.class) {
				ImagePlus image = image(item, text, images);
				if (image != null) inputs.put(name, image);
			}
			else if (text != null) {
				inputs.put(name, convert(item, text));
			}
		}
		return inputs;
	}

	/** An optional image that was not given and has no default (no current image) is left out. */
	private static ImagePlus image(ModuleItem<?> item, String text, Function<ImageOption, ImagePlus> images) {
		try {
			return images.apply(new ImageOption(item.getName(), text));
		}
		catch (IllegalArgumentException e) {
			if (text == null && !item.isRequired()) return null;
			throw e;
		}
	}

	/** The parameters a user sets: inputs that are not services or the context. */
	public static List<ModuleItem<?>> userInputs(CommandInfo command) {
		List<ModuleItem<?>> items = new ArrayList<>();
		for (ModuleItem<?> item : command.inputs()) {
			if (item.getIOType() == ItemIO.INPUT && isUserType(item.getType())) items.add(item);
		}
		return items;
	}

	private static boolean isUserType(Class<?> type) {
		return type == ImagePlus.class || type == File.class || type == String.class || type.isPrimitive() ||
			Number.class.isAssignableFrom(type) || type == Boolean.class;
	}

	/** An image parameter's name and its text, or null text when the option was not given. */
	public record ImageOption(String name, String text) {}

	private static Object convert(ModuleItem<?> item, String text) {
		String name = item.getName();
		Class<?> type = item.getType();
		if (type == String.class) return choice(item, text);
		if (type == File.class) return new File(text);
		if (type == boolean.class || type == Boolean.class) {
			String lower = text.toLowerCase(Locale.ROOT);
			if (lower.equals("true")) return true;
			if (lower.equals("false")) return false;
			throw new IllegalArgumentException(name + ": expected true or false, got '" + text + "'");
		}
		double value;
		try {
			value = Double.parseDouble(text);
		}
		catch (NumberFormatException e) {
			throw new IllegalArgumentException(name + ": expected a number, got '" + text + "'");
		}
		boolean integral = type == int.class || type == Integer.class || type == long.class || type == Long.class;
		if (integral && value != Math.rint(value)) {
			throw new IllegalArgumentException(name + ": expected a whole number, got '" + text + "'");
		}
		checkRange(item, value, text);
		if (type == int.class || type == Integer.class) return (int) value;
		if (type == long.class || type == Long.class) return (long) value;
		if (type == float.class || type == Float.class) return (float) value;
		return value;
	}

	private static String choice(ModuleItem<?> item, String text) {
		List<?> choices = item.getChoices();
		if (choices == null || choices.isEmpty() || choices.contains(text)) return text;
		throw new IllegalArgumentException(item.getName() + ": expected one of " + choices + ", got '" + text + "'");
	}

	private static void checkRange(ModuleItem<?> item, double value, String text) {
		Object min = item.getMinimumValue();
		Object max = item.getMaximumValue();
		boolean low = min instanceof Number m && value < m.doubleValue();
		boolean high = max instanceof Number m && value > m.doubleValue();
		if (low || high) {
			throw new IllegalArgumentException(item.getName() + ": expected a number " + range(min, max) + ", got " + text);
		}
	}

	private static String range(Object min, Object max) {
		if (min != null && max != null) return "from " + min + " to " + max;
		return min != null ? "of at least " + min : "of at most " + max;
	}
}
