package org.convkit.ecg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.convkit.ecg.io.CsvRecords;
import org.convkit.ecg.io.EdfRecords;
import org.convkit.ecg.io.WfdbAnnotations;
import org.convkit.ecg.io.WfdbHeader;
import org.convkit.ecg.io.WfdbRecords;

/**
 * One entry point for ECG records on disk, chosen by extension: {@code .hea} (WFDB header, its
 * signal files beside it), {@code .edf} (EDF / EDF+C) or {@code .csv} (with a frequency for files
 * without a time column). Errors name the file and what was expected.
 */
public final class EcgFiles {

	/** The extensions {@link #read} accepts, in the words errors use. */
	public static final String EXPECTED = ".hea (WFDB header), .edf (EDF/EDF+) or .csv";

	/**
	 * A record and its reference annotations (empty when it has none), with warnings about what was
	 * read (a truncated annotation file, a header naming another record): results are still made,
	 * and every front end shows the warnings beside them.
	 */
	public record Annotated(EcgRecord record, Optional<List<Annotation>> annotations, List<String> warnings) {

		public Annotated {
			warnings = List.copyOf(warnings);
		}

		public Annotated(EcgRecord record, Optional<List<Annotation>> annotations) {
			this(record, annotations, List.of());
		}
	}

	private EcgFiles() {}

	/** Reads a record; {@code csvFrequency} (Hz) is used only for a CSV file without a time column. */
	public static EcgRecord read(Path file, double csvFrequency) throws IOException {
		String label = check(file);
		return switch (extension(file)) {
			case "hea" -> WfdbRecords.read(file);
			case "edf" -> EdfRecords.read(file);
			case "csv" -> CsvRecords.read(file, csvFrequency);
			default -> throw new IOException(label + ": unknown record type; expected " + EXPECTED);
		};
	}

	/**
	 * Reads a record and its reference annotations ({@link #annotations}); an EDF+ file, which holds
	 * both, is read once. Warnings: a truncated {@code .atr} is read as far as it goes
	 * ({@link WfdbAnnotations#readAsFarAsItGoes}), and a WFDB header whose record line names another
	 * record is read all the same (WFDB finds a record by its header's file name and reads the signal
	 * files the header names; a missing one is an error naming it).
	 */
	public static Annotated readAnnotated(Path file, double csvFrequency) throws IOException {
		String label = check(file);
		switch (extension(file)) {
			case "edf" -> {
				EdfRecords.Contents contents = EdfRecords.readWithAnnotations(file);
				return new Annotated(contents.record(), present(contents.annotations()));
			}
			case "hea" -> {
				List<String> warnings = new ArrayList<>();
				WfdbHeader header = WfdbHeader.parse(file);
				// WFDB finds a record by its header's file name and reads the signal files the header names,
				// so a header naming another record (a renamed copy) still reads right: warn, as WFDB does.
				if (!header.recordName().equals(baseName(file))) {
					warnings.add(label + " names record '" + header.recordName() + "'; read as record '" + baseName(file)
						+ "' (signal files as the header names them, annotations from " + referenceAnnotationFile(file).getFileName() + ")");
				}
				EcgRecord record = WfdbRecords.read(header);
				Path atr = referenceAnnotationFile(file);
				Optional<List<Annotation>> annotations = Optional.empty();
				if (Files.isRegularFile(atr)) {
					WfdbAnnotations.Contents contents = WfdbAnnotations.readAsFarAsItGoes(atr);
					annotations = Optional.of(contents.annotations());
					warnings.addAll(contents.warnings());
				}
				return new Annotated(record, annotations, warnings);
			}
			default -> {
				return new Annotated(read(file, csvFrequency), Optional.empty());
			}
		}
	}

	/**
	 * The reference annotations of a record, if it has any: for WFDB, the {@code .atr} file next to
	 * the header; for EDF+, its annotation signal; CSV records have none.
	 */
	public static Optional<List<Annotation>> annotations(Path file) throws IOException {
		check(file);
		switch (extension(file)) {
			case "hea" -> {
				Path atr = referenceAnnotationFile(file);
				return Files.isRegularFile(atr) ? Optional.of(WfdbAnnotations.read(atr)) : Optional.empty();
			}
			case "edf" -> {
				return present(EdfRecords.readWithAnnotations(file).annotations());
			}
			default -> {
				return Optional.empty();
			}
		}
	}

	private static Optional<List<Annotation>> present(List<Annotation> annotations) {
		return annotations.isEmpty() ? Optional.empty() : Optional.of(annotations);
	}

	/**
	 * The files a record is read from: the record file, a WFDB header's signal files, and the
	 * reference annotations. Outputs may never be one of these.
	 */
	public static List<Path> inputFiles(Path file) {
		List<Path> files = new ArrayList<>();
		files.add(file);
		if (extension(file).equals("hea")) {
			files.add(referenceAnnotationFile(file));
			try {
				for (WfdbHeader.Signal signal : WfdbHeader.parse(file).signals()) files.add(file.resolveSibling(signal.fileName()));
			}
			catch (IOException | RuntimeException e) {
				// an unreadable header is reported when the record is read; its own file is listed
			}
		}
		return files;
	}

	/** Where a record's reference annotations would be: {@code <record>.atr} beside it. */
	public static Path referenceAnnotationFile(Path file) {
		return file.resolveSibling(baseName(file) + ".atr");
	}

	/** The file name without its extension. */
	public static String baseName(Path file) {
		String name = file.getFileName().toString();
		int dot = name.lastIndexOf('.');
		return dot > 0 ? name.substring(0, dot) : name;
	}

	/** The extension in lower case, without the dot ("" when none). */
	public static String extension(Path file) {
		String name = file.getFileName().toString();
		int dot = name.lastIndexOf('.');
		return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
	}

	private static String check(Path file) throws IOException {
		String label = file.getFileName() == null ? file.toString() : file.getFileName().toString();
		String ext = extension(file);
		if (!ext.equals("hea") && !ext.equals("edf") && !ext.equals("csv")) {
			throw new IOException(label + ": unknown record type" + (ext.isEmpty() ? " (no extension)" : " '." + ext + "'")
				+ "; expected " + EXPECTED);
		}
		if (!Files.isRegularFile(file)) throw new IOException(label + ": no such file (" + file.toAbsolutePath() + ")");
		return label;
	}
}
