package org.convkit.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The driver's listing of a job's input on any Hadoop file system (HDFS, S3A, a shared or local
 * file system): paths and globs separated by commas; a folder stands for the files in it (and in its
 * subfolders when {@code recursive}). Only files with one of the wanted extensions are kept, sorted,
 * each once.
 */
final class InputFiles {

	static final String NOTHING = "--input: %s matches no %s file";

	private InputFiles() {}

	static List<String> list(String input, Set<String> extensions, boolean recursive, Configuration conf) throws IOException {
		TreeSet<String> files = new TreeSet<>();
		for (FileStatus match : matches(input, conf)) {
			if (match.isDirectory()) {
				RemoteIterator<LocatedFileStatus> inside = match.getPath().getFileSystem(conf).listFiles(match.getPath(), recursive);
				while (inside.hasNext()) add(inside.next(), extensions, files);
			} else {
				add(match, extensions, files);
			}
		}
		if (files.isEmpty()) throw new IllegalArgumentException(String.format(NOTHING, input, String.join(", ", extensions.stream().sorted().map(e -> "." + e).toList())));
		return new ArrayList<>(files);
	}

	/** What the paths or globs of an input (commas between them) match, on their own file systems; blanks are skipped. */
	static List<FileStatus> matches(String input, Configuration conf) throws IOException {
		List<FileStatus> all = new ArrayList<>();
		for (String part : input.split(",")) {
			if (part.isBlank()) continue;
			Path pattern = new Path(part.trim());
			FileStatus[] matches = pattern.getFileSystem(conf).globStatus(pattern);
			if (matches != null) all.addAll(java.util.Arrays.asList(matches));
		}
		return all;
	}

	private static void add(FileStatus file, Set<String> extensions, Set<String> files) {
		if (file.isFile() && extensions.contains(extension(file.getPath().getName()))) files.add(file.getPath().toString());
	}

	static String extension(String name) {
		int dot = name.lastIndexOf('.');
		return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
	}

	/** The file name without its extension. */
	static String baseName(String name) {
		int dot = name.lastIndexOf('.');
		return dot > 0 ? name.substring(0, dot) : name;
	}
}
