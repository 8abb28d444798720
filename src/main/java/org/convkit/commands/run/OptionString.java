package org.convkit.commands.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses ImageJ 1.x macro option strings ({@code key=value key=[value with spaces] flag}) into an
 * ordered map; a bare {@code flag} (a ticked checkbox in ImageJ's convention) maps to "true".
 */
public final class OptionString {

	private OptionString() {}

	public static Map<String, String> parse(String options) {
		Map<String, String> values = new LinkedHashMap<>();
		if (options == null) return values;
		int i = 0;
		int n = options.length();
		while (i < n) {
			while (i < n && Character.isWhitespace(options.charAt(i))) i++;
			if (i >= n) break;
			int keyStart = i;
			while (i < n && options.charAt(i) != '=' && !Character.isWhitespace(options.charAt(i))) i++;
			String key = options.substring(keyStart, i);
			if (i >= n || options.charAt(i) != '=') {
				values.put(key, "true");
				continue;
			}
			i++; // '='
			String value;
			if (i < n && options.charAt(i) == '[') {
				int close = options.indexOf(']', i + 1);
				if (close < 0) throw new IllegalArgumentException(key + ": the value opened with '[' is never closed with ']'");
				value = options.substring(i + 1, close);
				i = close + 1;
			}
			else {
				int valueStart = i;
				while (i < n && !Character.isWhitespace(options.charAt(i))) i++;
				value = options.substring(valueStart, i);
			}
			values.put(key, value);
		}
		return values;
	}

	/** The reverse: brackets around values that contain spaces, as ImageJ's recorder writes them. */
	public static String format(Map<String, String> values) {
		StringBuilder text = new StringBuilder();
		values.forEach((key, value) -> {
			if (text.length() > 0) text.append(' ');
			text.append(key).append('=');
			text.append(value.isEmpty() || value.contains(" ") ? "[" + value + "]" : value);
		});
		return text.toString();
	}
}
