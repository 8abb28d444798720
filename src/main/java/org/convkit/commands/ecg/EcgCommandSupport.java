package org.convkit.commands.ecg;

import ij.measure.ResultsTable;
import org.convkit.ecg.EcgFiles;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.beats.AamiClass;
import org.convkit.ecg.beats.BeatEvaluation;
import org.convkit.ecg.beats.BeatModel;
import org.convkit.core.io.AtomicFiles;
import org.convkit.core.io.OutputFiles;

import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** What the ECG commands share: reading the {@code record} and {@code model} parameters, AAMI colours, tables. */
final class EcgCommandSupport {

	static final String NO_RECORD = "record: expected a record file: " + EcgFiles.EXPECTED;
	static final String BAD_FREQUENCY = "frequency: expected a positive sampling frequency in Hz for '%s' (a CSV file without a time column), got %s";
	static final String NO_SAMPLES = "record: %s holds no samples (%s); expected a record with at least one sample of signal";
	static final String NO_LEAD_SAMPLES = "lead: lead %s of %s holds no samples; choose another lead (leads: %s)";
	/** QRS detection band-passes 5-15 Hz, so a lead must be sampled above twice its top. */
	static final double MIN_DETECTION_HZ = 30;
	static final String LOW_FREQUENCY = "%s: lead %s is sampled at %s Hz; detecting QRS complexes needs more than 30 Hz%s";
	static final String CSV_FREQUENCY_HINT = " (a CSV file without a time column is sampled at the frequency parameter)";
	static final String RECORD_IS_FOLDER = "record: %s is a folder; expected a record file: " + EcgFiles.EXPECTED;
	static final String NOT_WRITABLE = "%s: cannot write in the folder %s (permission denied); choose another folder";
	static final String WRITE_FAILED = "%s: %s";
	static final String SAME_OUTPUT = "%s: %s is also %s; choose another file";
	/** How a record's reader warnings are shown in a summary, one a line. */
	static final String WARNING = "warning: %s";

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
		T read = readAny(record, frequency, reader);
		EcgRecord ecg = read instanceof EcgFiles.Annotated a ? a.record() : (EcgRecord) read;
		checkSamples(ecg, record.getName());
		return read;
	}

	/**
	 * Refuses a record without a single sample (an EDF file of 0 data records, a CSV file of a header
	 * only): nothing can be shown, detected or classified in it.
	 */
	static void checkSamples(EcgRecord ecg, String file) {
		if (ecg.leads().stream().allMatch(l -> l.samples().length == 0)) {
			throw new IllegalArgumentException(String.format(NO_SAMPLES, file, ecg.leads().size() == 1 ? "its lead is empty" : "its " + ecg.leads().size()
				+ " leads are empty"));
		}
	}

	/** The lead a {@code lead} parameter names (blank: the default lead), refused when it holds no samples. */
	static EcgRecord.Lead lead(EcgRecord ecg, String leadName) {
		EcgRecord.Lead lead = ecg.leadOrDefault(leadName);
		if (lead.samples().length == 0) {
			throw new IllegalArgumentException(String.format(NO_LEAD_SAMPLES, lead.name(), ecg.name(), ecg.leads().stream().map(EcgRecord.Lead::name).toList()));
		}
		return lead;
	}

	/** As {@link #lead(EcgRecord, String)}, for QRS detection: a lead sampled at 30 Hz or less is refused, naming the record's file. */
	static EcgRecord.Lead detectionLead(EcgRecord ecg, String leadName, Path file) {
		EcgRecord.Lead lead = lead(ecg, leadName);
		if (!(lead.frequency() > MIN_DETECTION_HZ)) {
			throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, LOW_FREQUENCY, file.getFileName(), lead.name(),
				String.format(java.util.Locale.ROOT, "%.6g", lead.frequency()).replaceAll("\\.?0+(?=$|e)", ""),
				EcgFiles.extension(file).equals("csv") ? CSV_FREQUENCY_HINT : ""));
		}
		return lead;
	}

	/** The record's reader warnings as summary lines ("warning: ..."), each on a line of its own after a line break; "" when none. */
	static String warnings(EcgFiles.Annotated in) {
		return warnings(in.warnings());
	}

	/** Warnings about what was read, one line each, for a summary. */
	static String warnings(List<String> warnings) {
		StringBuilder s = new StringBuilder();
		for (String w : warnings) s.append('\n').append(String.format(WARNING, w));
		return s.toString();
	}

	private static <T> T readAny(File record, double frequency, Reader<T> reader) throws IOException {
		if (record == null) throw new IllegalArgumentException(NO_RECORD);
		if (record.isDirectory()) throw new IllegalArgumentException(String.format(RECORD_IS_FOLDER, record));
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

	/** The files a command reads for its {@code record} parameter (record file, WFDB signal files, .atr); empty when none is given. */
	static List<Path> inputs(File record) {
		return isBlank(record) ? List.of() : EcgFiles.inputFiles(record.toPath());
	}

	/** The files of a {@code model} parameter's folder (none for the shipped model). */
	static List<Path> modelFiles(File model) {
		if (isBlank(model)) return List.of();
		return List.of(model.toPath().resolve(BeatModel.PARAMETERS), model.toPath().resolve(BeatModel.PROPERTIES));
	}

	/** All of the given path lists as one list. */
	@SafeVarargs
	static List<Path> all(Collection<Path>... lists) {
		List<Path> all = new ArrayList<>();
		for (Collection<Path> list : lists) all.addAll(list);
		return all;
	}

	/**
	 * Checks an optional output file before any work starts ({@link OutputFiles#check}: never an
	 * input, an existing file only with {@code overwrite}, its folder exists, not a folder) and that
	 * its folder takes new files; null when the parameter is empty.
	 */
	static Path output(File file, String parameter, boolean overwrite, Collection<Path> inputs) {
		if (isBlank(file)) return null;
		Path out = OutputFiles.check(parameter, file.toPath(), overwrite, inputs);
		writableFolder(parameter, out.getParent());
		return out;
	}

	/** Refuses a folder that does not take new files, with the same rule as {@link AtomicFiles} (the mode counts, also for root). */
	static void writableFolder(String parameter, Path folder) {
		if (!AtomicFiles.canWriteIn(folder)) throw new IllegalArgumentException(String.format(NOT_WRITABLE, parameter, folder));
	}

	/** Refuses a second output parameter naming the same file as the first. */
	static void distinct(Path first, String firstParameter, Path second, String secondParameter) {
		if (first != null && second != null && first.equals(second)) {
			throw new IllegalArgumentException(String.format(SAME_OUTPUT, secondParameter, second, firstParameter));
		}
	}

	/** An output file's writing; an error there names the parameter, then the cause (the file, read-only, permission denied). */
	interface Write {
		void write() throws IOException;
	}

	static void write(String parameter, Write write) throws IOException {
		try {
			write.write();
		}
		catch (IOException e) {
			String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
			if (message.startsWith(parameter + ":")) throw e;
			throw new IOException(String.format(WRITE_FAILED, parameter, message), e);
		}
	}

	/** Gives a table without rows its columns, so that it shows and saves as a header line (ImageJ saves a table without columns as an empty file). */
	static void columns(ResultsTable table, String... columns) {
		table.incrementCounter();
		for (String column : columns) table.addValue(column, 0);
		table.deleteRow(table.size() - 1);
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
