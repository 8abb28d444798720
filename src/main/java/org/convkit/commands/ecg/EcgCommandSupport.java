package org.convkit.commands.ecg;

import ij.measure.ResultsTable;
import org.convkit.ecg.EcgFiles;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.beats.AamiClass;
import org.convkit.ecg.beats.BeatEvaluation;
import org.convkit.ecg.beats.BeatModel;

import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the ECG commands share: reading the {@code record} and {@code model} parameters, AAMI colours, tables. */
final class EcgCommandSupport {

	static final String NO_RECORD = "record: expected a record file: " + EcgFiles.EXPECTED;
	static final String BAD_FREQUENCY = "frequency: expected a positive sampling frequency in Hz for '%s' (a CSV file without a time column), got %s";

	/** The colour of an AAMI class: N black, S blue, V red, F magenta, Q grey. */
	static Color colour(AamiClass aamiClass) {
		return switch (aamiClass) {
			case N -> Color.BLACK;
			case S -> Color.BLUE;
			case V -> Color.RED;
			case F -> Color.MAGENTA;
			case Q -> Color.GRAY;
		};
	}

	private EcgCommandSupport() {}

	/** Reads the record a command's {@code record} and {@code frequency} parameters name. */
	static EcgRecord read(File record, double frequency) throws IOException {
		return read(record, frequency, () -> EcgFiles.read(record.toPath(), frequency));
	}

	/** As {@link #read(File, double)}, with the record's reference annotations (an EDF+ file is read once). */
	static EcgFiles.Annotated readAnnotated(File record, double frequency) throws IOException {
		return read(record, frequency, () -> EcgFiles.readAnnotated(record.toPath(), frequency));
	}

	private interface Reader<T> {
		T read() throws IOException;
	}

	private static <T> T read(File record, double frequency, Reader<T> reader) throws IOException {
		if (record == null) throw new IllegalArgumentException(NO_RECORD);
		if (EcgFiles.extension(record.toPath()).equals("csv") && !(frequency > 0 && Double.isFinite(frequency))) {
			// Only an error when the file has no time column: let the reader decide, with a message naming the parameter.
			try {
				return reader.read();
			}
			catch (IOException e) {
				if (e.getMessage() != null && e.getMessage().contains("no time column")) {
					throw new IllegalArgumentException(String.format(BAD_FREQUENCY, record.getName(), frequency), e);
				}
				throw e;
			}
		}
		return reader.read();
	}


	/** The classifier a command's {@code model} parameter names: a folder from Train ECG Classifier, or empty for the shipped one. */
	static BeatModel model(File folder) throws IOException {
		return isBlank(folder) ? BeatModel.shipped() : BeatModel.open(folder.toPath());
	}

	static boolean isBlank(File file) {
		return file == null || file.getPath().isBlank();
	}

	/** Checks that an optional output file's folder exists (the parameter named in the error). */
	static Path output(File file, String parameter) {
		if (isBlank(file)) return null;
		Path out = file.toPath().toAbsolutePath();
		if (!Files.isDirectory(out.getParent())) throw new IllegalArgumentException(parameter + ": the folder " + out.getParent() + " does not exist");
		return out;
	}

	/** Adds one row per class (beats, TP, FN, FP, Se, +P, F1) of an evaluation to a table. */
	static void addClassRows(ResultsTable table, BeatEvaluation e) {
		for (AamiClass c : AamiClass.values()) {
			long beats = e.beats(c), predicted = e.predicted(c), tp = e.count(c, c);
			table.incrementCounter();
			table.addValue("class", c.name());
			table.addValue("beats", beats);
			table.addValue("TP", tp);
			table.addValue("FN", beats - tp);
			table.addValue("FP", predicted - tp);
			table.addValue("Se_percent", 100 * e.sensitivity(c));
			table.addValue("PPV_percent", 100 * e.positivePredictivity(c));
			table.addValue("F1_percent", 100 * e.f1(c));
		}
	}
}
