package org.convkit.face;

import ij.measure.ResultsTable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The person of each slice of a stack, for training on a stack instead of a folder: a CSV file (or
 * an ImageJ table) with a column {@value #COLUMN}, one row per slice in slice order; a file of one
 * column without that header is read as one label per line.
 */
public final class SliceLabels {

	public static final String COLUMN = "label";
	static final String NO_COLUMN = "labels: %s has no column '" + COLUMN + "' (columns: %s); expected one label per slice in a column '" + COLUMN
		+ "', or a single column of labels";
	static final String EMPTY = "labels: %s holds no label; expected one label per slice";
	/** Labels files are small: one short line per slice. */
	static final long MAX_BYTES = 16L << 20;

	private SliceLabels() {}

	/** The labels of a CSV file. */
	public static List<String> read(Path file) throws IOException {
		if (!Files.isRegularFile(file)) throw new IllegalArgumentException("labels: expected a CSV file or an open table's title, got " + file);
		if (Files.size(file) > MAX_BYTES) throw new IllegalArgumentException("labels: " + file + " is larger than " + (MAX_BYTES >> 20) + " MB; expected one label per slice");
		List<String> lines = new ArrayList<>();
		for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) if (!line.isBlank()) lines.add(line);
		if (lines.isEmpty()) throw new IllegalArgumentException(String.format(EMPTY, file));
		List<String> header = cells(lines.get(0));
		int column = -1;
		for (int i = 0; i < header.size(); i++) if (header.get(i).toLowerCase(Locale.ROOT).equals(COLUMN)) column = i;
		if (column < 0 && header.size() != 1) throw new IllegalArgumentException(String.format(NO_COLUMN, file, header));
		List<String> labels = new ArrayList<>();
		for (int row = column < 0 ? 0 : 1; row < lines.size(); row++) {
			List<String> cells = cells(lines.get(row));
			int at = Math.max(column, 0);
			if (at >= cells.size()) throw new IllegalArgumentException(String.format(Locale.ROOT, "labels: line %d of %s has no '%s' value", row + 1, file, COLUMN));
			labels.add(cells.get(at));
		}
		if (labels.isEmpty()) throw new IllegalArgumentException(String.format(EMPTY, file));
		return labels;
	}

	/** The labels of an ImageJ table's column {@value #COLUMN}. */
	public static List<String> of(ResultsTable table, String title) {
		if (!table.columnExists(COLUMN)) throw new IllegalArgumentException(String.format(NO_COLUMN, "table '" + title + "'", List.of(table.getHeadings())));
		List<String> labels = new ArrayList<>();
		for (int row = 0; row < table.size(); row++) labels.add(table.getStringValue(COLUMN, row));
		if (labels.isEmpty()) throw new IllegalArgumentException(String.format(EMPTY, "table '" + title + "'"));
		return labels;
	}

	/** The comma-separated cells of a line, surrounding quotes and spaces removed. */
	private static List<String> cells(String line) {
		List<String> cells = new ArrayList<>();
		for (String cell : line.split(",", -1)) {
			String c = cell.trim();
			if (c.length() >= 2 && c.startsWith("\"") && c.endsWith("\"")) c = c.substring(1, c.length() - 1).replace("\"\"", "\"");
			cells.add(c);
		}
		return cells;
	}
}
