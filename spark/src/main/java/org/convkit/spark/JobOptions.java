package org.convkit.spark;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A job's {@code --name value} options (and {@code --flag} switches), checked against the names the
 * job knows: an unknown or repeated name, a missing value or a value of the wrong kind is refused
 * with the option's name.
 */
final class JobOptions {

	static final String UNKNOWN = "%s: unknown option; expected one of %s";
	static final String NO_VALUE = "%s: expected a value after it";
	static final String REQUIRED = "%s: required";
	static final String NOT_A_NUMBER = "%s: expected a number, got '%s'";
	static final String NOT_A_CHOICE = "%s: expected one of %s, got '%s'";

	private final Map<String, String> values = new LinkedHashMap<>();

	/**
	 * @param valued options that take a value (with their leading dashes)
	 * @param flags  switches without a value
	 */
	JobOptions(String[] args, int from, List<String> valued, List<String> flags) {
		for (int i = from; i < args.length; i++) {
			String name = args[i];
			if (flags.contains(name)) {
				put(name, "true");
			} else if (valued.contains(name)) {
				if (i + 1 >= args.length) throw new IllegalArgumentException(String.format(NO_VALUE, name));
				put(name, args[++i]);
			} else {
				List<String> all = new java.util.ArrayList<>(valued);
				all.addAll(flags);
				throw new IllegalArgumentException(String.format(UNKNOWN, name, all));
			}
		}
	}

	private void put(String name, String value) {
		if (values.putIfAbsent(name, value) != null) throw new IllegalArgumentException(name + ": given twice");
	}

	String required(String name) {
		String v = values.get(name);
		if (v == null || v.isBlank()) throw new IllegalArgumentException(String.format(REQUIRED, name));
		return v;
	}

	String get(String name, String fallback) {
		return values.getOrDefault(name, fallback);
	}

	boolean flag(String name) {
		return values.containsKey(name);
	}

	double number(String name, double fallback) {
		String v = values.get(name);
		if (v == null) return fallback;
		try {
			return Double.parseDouble(v);
		}
		catch (NumberFormatException e) {
			throw new IllegalArgumentException(String.format(NOT_A_NUMBER, name, v));
		}
	}

	String choice(String name, String fallback, List<String> choices) {
		String v = get(name, fallback).toLowerCase(Locale.ROOT);
		if (!choices.contains(v)) throw new IllegalArgumentException(String.format(NOT_A_CHOICE, name, choices, values.get(name)));
		return v;
	}
}
