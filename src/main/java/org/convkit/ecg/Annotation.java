package org.convkit.ecg;

/**
 * One annotation of a record, as PhysioNet's annotation files hold them: the sample it marks (at
 * the record's frame frequency), its MIT-BIH symbol (N, V, A, +, ~, ...), and the optional subtype,
 * channel, number and auxiliary text.
 */
public record Annotation(long sample, String symbol, int subtype, int channel, int number, String aux) {

	/** A beat or event with only a sample and a symbol. */
	public static Annotation of(long sample, String symbol) {
		return new Annotation(sample, symbol, 0, 0, 0, "");
	}
}
