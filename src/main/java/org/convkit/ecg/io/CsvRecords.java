package org.convkit.ecg.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.convkit.core.io.AtomicFiles;
import org.convkit.core.io.Csv;
import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgRecord;

/**
 * Comma-separated ECG records and prediction files.
 *
 * <p>A record file has a header row of column names and one row per sample. An optional first
 * column named {@code time}, {@code t} or {@code time_s} (any case) holds times in seconds, from
 * which the frequency is derived (every step must be within 1% of the mean step); without it the
 * caller's frequency is used. Every other column is a lead in physical units; a name of the form
 * {@code V1 (mV)} or {@code V1 [mV]} gives the units, else they are mV. Every field must be a finite
 * number: empty, NaN and infinite fields are errors naming the file, line and column. Blank lines
 * are skipped; fields are trimmed; names may be double-quoted.
 */
public final class CsvRecords {

	private static final Set<String> TIME_NAMES = Set.of("time", "t", "time_s");
	private static final Pattern UNITS = Pattern.compile("(.*?)\\s*[(\\[]([^)\\]]*)[)\\]]");

	private CsvRecords() {}

	/** Reads a record; {@code frequencyIfNoTimeColumn} is used only when there is no time column. */
	public static EcgRecord read(Path file, double frequencyIfNoTimeColumn) throws IOException {
		String label = file.getFileName().toString();
		try (Lines reader = new Lines(file, label)) {
			return read(reader, label, frequencyIfNoTimeColumn);
		}
		catch (CharacterCodingException e) {
			throw new IOException(label + ": is not a text (CSV) file: it holds bytes that are not UTF-8 text (is it a binary file?)", e);
		}
	}

	/** The most columns a record may have (ECG records have a few dozen leads at most). */
	public static final int MAX_COLUMNS = 4096;
	/** The longest line read, in characters. */
	public static final int MAX_LINE = 8 << 20;

	/**
	 * Lines of UTF-8 text, each at most {@link #MAX_LINE} characters; a NUL character or bytes that
	 * are not UTF-8 mean the file is not text, and say so with the line.
	 */
	private static final class Lines implements AutoCloseable {
		private final BufferedReader in;
		private final String label;
		private final char[] buffer = new char[8192];
		private int at, end;
		private int lineNumber;

		Lines(Path file, String label) throws IOException {
			this.in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
				StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
					.onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)));
			this.label = label;
		}

		/** The next line without its end, or null at the end of the file. */
		String readLine() throws IOException {
			StringBuilder line = null;
			while (true) {
				if (at == end) {
					try {
						end = in.read(buffer);
					}
					catch (CharacterCodingException e) {
						throw new IOException(label + " line " + (lineNumber + 1) + ": is not a text (CSV) file: it holds bytes that are not UTF-8 text (is it a binary file?)", e);
					}
					at = 0;
					if (end <= 0) {
						end = 0;
						if (line == null) return null;
						lineNumber++;
						return line.toString();
					}
				}
				if (line == null) line = new StringBuilder();
				int start = at;
				while (at < end) {
					char c = buffer[at];
					if (c == '\n') break;
					if (c == 0) throw new IOException(label + " line " + (lineNumber + 1) + ": is not a text (CSV) file: it holds NUL bytes (is it a binary file?)");
					at++;
				}
				line.append(buffer, start, at - start);
				if (line.length() > MAX_LINE) {
					throw new IOException(label + " line " + (lineNumber + 1) + ": is longer than " + MAX_LINE + " characters; not a CSV record");
				}
				if (at < end) {
					at++; // the newline
					lineNumber++;
					int n = line.length();
					if (n > 0 && line.charAt(n - 1) == '\r') line.setLength(n - 1);
					return line.toString();
				}
			}
		}

		int lineNumber() {
			return lineNumber;
		}

		@Override
		public void close() throws IOException {
			in.close();
		}
	}

	private static EcgRecord read(Lines reader, String label, double frequencyIfNoTimeColumn) throws IOException {
		String name = label.contains(".") ? label.substring(0, label.lastIndexOf('.')) : label;
		{
			String line;
			int lineNumber = 0;
			String[] columns = null;
			while ((line = reader.readLine()) != null) {
				lineNumber = reader.lineNumber();
				if (lineNumber == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
				if (line.isBlank()) continue;
				columns = line.split(",", -1);
				break;
			}
			if (columns != null && columns.length > MAX_COLUMNS) {
				throw new IOException(label + " line " + lineNumber + ": has " + columns.length + " columns; a CSV record may have at most " + MAX_COLUMNS);
			}
			if (columns == null) throw new IOException(label + ": is empty; expected a header row of column names");
			for (int c = 0; c < columns.length; c++) {
				String column = columns[c].strip();
				if (column.length() >= 2 && column.startsWith("\"") && column.endsWith("\"")) column = column.substring(1, column.length() - 1).strip();
				if (column.isEmpty()) throw new IOException(label + " line " + lineNumber + ": column " + (c + 1) + " has no name");
				columns[c] = column;
			}
			boolean hasTime = TIME_NAMES.contains(columns[0].toLowerCase(Locale.ROOT));
			int first = hasTime ? 1 : 0;
			if (columns.length == first) throw new IOException(label + " line " + lineNumber + ": expected at least one lead column, got only '" + columns[0] + "'");
			if (!hasTime && !(frequencyIfNoTimeColumn > 0 && Double.isFinite(frequencyIfNoTimeColumn))) {
				throw new IOException(label + ": has no time column (time, t or time_s) and the frequency given, " + frequencyIfNoTimeColumn + ", is not a positive number");
			}
			int width = columns.length;
			double[][] values = new double[width][64];
			int[] lineOf = new int[64];
			int rows = 0;
			while ((line = reader.readLine()) != null) {
				lineNumber = reader.lineNumber();
				if (line.isBlank()) continue;
				String[] fields = line.split(",", -1);
				if (fields.length != width) {
					throw new IOException(label + " line " + lineNumber + ": expected " + width + " fields like the header, got " + fields.length);
				}
				if (rows == lineOf.length) {
					int grown = rows * 2;
					if (grown < 0 || grown > ReadLimits.MAX_ARRAY) throw new IOException(label + " line " + lineNumber + ": more rows than can be read at once");
					// the grown columns next to the old ones, then the leads in floats
					ReadLimits.requireMemory(label, (long) width * grown * 8 * 2 + (long) width * grown * 4, "reading " + rows + "+ rows of " + width + " columns");
					for (int c = 0; c < width; c++) values[c] = java.util.Arrays.copyOf(values[c], grown);
					lineOf = java.util.Arrays.copyOf(lineOf, grown);
				}
				for (int c = 0; c < width; c++) {
					String field = fields[c].strip();
					double v;
					try {
						v = Double.parseDouble(field);
					}
					catch (NumberFormatException e) {
						v = Double.NaN;
					}
					if (!Double.isFinite(v)) {
						throw new IOException(label + " line " + lineNumber + ", field '" + columns[c] + "': expected a number, got '" + field + "'");
					}
					values[c][rows] = v;
				}
				lineOf[rows] = lineNumber;
				rows++;
			}
			if (rows == 0) throw new IOException(label + ": has a header row but no samples");
			double frequency = frequencyIfNoTimeColumn;
			if (hasTime) {
				double[] t = values[0];
				if (rows < 2) throw new IOException(label + ": the time column needs at least 2 rows to give a frequency");
				double step = (t[rows - 1] - t[0]) / (rows - 1);
				if (!(step > 0)) throw new IOException(label + ": times must increase; '" + columns[0] + "' goes from " + t[0] + " to " + t[rows - 1]);
				for (int r = 1; r < rows; r++) {
					double d = t[r] - t[r - 1];
					if (Math.abs(d - step) > 0.01 * step) {
						throw new IOException(String.format(Locale.ROOT, "%s line %d, field '%s': time step %.6g s differs from the mean step %.6g s by more than 1%%; samples must be uniformly spaced",
							label, lineOf[r], columns[0], d, step));
					}
				}
				frequency = 1 / step;
			}
			List<EcgRecord.Lead> leads = new ArrayList<>();
			for (int c = first; c < width; c++) {
				float[] samples = new float[rows];
				double[] v = values[c];
				for (int r = 0; r < rows; r++) samples[r] = (float) v[r];
				String lead = columns[c], units = "mV";
				Matcher m = UNITS.matcher(lead);
				if (m.matches() && !m.group(1).isEmpty()) {
					lead = m.group(1);
					units = m.group(2).strip();
				}
				leads.add(new EcgRecord.Lead(lead, units, frequency, samples));
			}
			return new EcgRecord(name, frequency, leads);
		}
	}

	/**
	 * Writes annotations (e.g. predicted beats) as {@code sample,time_s,symbol} rows, atomically;
	 * time_s = sample / frequency. Symbols with commas, quotes or blanks at the ends are quoted.
	 */
	public static void write(Path file, List<Annotation> annotations, double frequency) throws IOException {
		if (!(frequency > 0) || !Double.isFinite(frequency)) {
			throw new IllegalArgumentException(file.getFileName() + ": expected a positive frequency, got " + frequency);
		}
		StringBuilder text = new StringBuilder(annotations.size() * 24 + 32);
		text.append("sample,time_s,symbol\n");
		for (Annotation a : annotations) {
			text.append(a.sample()).append(',');
			text.append(String.format(Locale.ROOT, "%.6f", a.sample() / frequency)).append(',');
			text.append(Csv.field(a.symbol())).append('\n');
		}
		AtomicFiles.writeString(file, text.toString());
	}
}
