package org.convkit.core.io;

/** CSV fields as RFC 4180 writes them; ConvKit's CSV files end lines with '\n' on every platform. */
public final class Csv {

	private Csv() {}

	/** The field as is, or quoted (inner quotes doubled) when it holds a comma, a quote, a line break or blanks at its ends. */
	public static String field(String text) {
		if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r") || !text.equals(text.strip())) {
			return "\"" + text.replace("\"", "\"\"") + "\"";
		}
		return text;
	}
}
