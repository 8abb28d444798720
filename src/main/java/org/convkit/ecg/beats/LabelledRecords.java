package org.convkit.ecg.beats;

import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.io.WfdbAnnotations;
import org.convkit.ecg.io.WfdbRecords;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * WFDB records with reference beat annotations ({@code name.hea}, its signal files and
 * {@code name.atr}) in one folder, named by a list such as {@code "101, 106"} or {@code DS1}.
 */
public final class LabelledRecords {

	/** De Chazal's inter-patient training set DS1 of MIT-BIH (paced records left out). */
	public static final List<String> DS1 = List.of("101", "106", "108", "109", "112", "114", "115", "116", "118", "119",
		"122", "124", "201", "203", "205", "207", "208", "209", "215", "220", "223", "230");
	static final String NOT_A_FOLDER = "folder: expected a folder of WFDB records (.hea with .atr annotations), got %s";
	static final String NO_RECORDS = "folder: %s has no WFDB records with reference annotations (name.hea and name.atr)";
	static final String MISSING = "%s: record %s needs %s in %s, which does not exist";

	private LabelledRecords() {}

	/**
	 * The record names a list names, in order: names separated by commas or spaces, where
	 * {@code DS1} stands for {@link #DS1}; a blank list means every annotated record in the folder.
	 * Each record's header and annotation file must exist ({@code parameter} names the list in errors).
	 */
	public static List<String> names(Path folder, String list, String parameter) throws IOException {
		if (folder == null || !Files.isDirectory(folder)) throw new IllegalArgumentException(String.format(NOT_A_FOLDER, folder));
		List<String> names = new ArrayList<>();
		if (list == null || list.isBlank()) names.addAll(annotated(folder));
		else for (String name : list.strip().split("[,\\s]+")) {
			if (name.equalsIgnoreCase("DS1")) names.addAll(DS1);
			else names.add(name);
		}
		if (names.isEmpty()) throw new IllegalArgumentException(String.format(NO_RECORDS, folder));
		for (String name : names) {
			for (String file : List.of(name + ".hea", name + ".atr")) {
				if (!Files.isRegularFile(folder.resolve(file))) throw new IllegalArgumentException(String.format(MISSING, parameter, name, file, folder));
			}
		}
		return names;
	}

	/** Names of the records in a folder that have a header and reference annotations, sorted. */
	public static List<String> annotated(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".hea"))
				.map(n -> n.substring(0, n.length() - 4)).filter(n -> Files.isRegularFile(folder.resolve(n + ".atr"))).sorted().toList();
		}
	}

	/** The record's reference beats, cut with the given window. */
	public static BeatDataset read(Path folder, String name, BeatDataset.Options window) throws IOException {
		EcgRecord record = WfdbRecords.read(folder.resolve(name + ".hea"));
		return BeatDataset.of(record, WfdbAnnotations.read(folder.resolve(name + ".atr")), window);
	}
}
