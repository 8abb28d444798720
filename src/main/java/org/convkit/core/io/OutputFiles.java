package org.convkit.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * The rules every output file follows, checked before any work starts: it is never one of the
 * command's inputs (a record's reference annotations included), it replaces an existing file only
 * when the user asked to ({@code overwrite}), its folder exists and it is not a folder itself.
 */
public final class OutputFiles {

	public static final String IS_INPUT = "%s: %s is an input of this command (%s); ConvKit never overwrites its inputs: choose another file";
	public static final String EXISTS = "%s: %s exists; choose another file, or set overwrite=true (--overwrite on the command line) to replace it";
	public static final String IS_FOLDER = "%s: %s is a folder; expected a file name";
	public static final String NO_FOLDER = "%s: the folder %s does not exist";
	private OutputFiles() {}

	/**
	 * Checks an output file and returns its absolute path.
	 *
	 * @param parameter the option the path came from, named in errors
	 * @param inputs the files the command reads; an output that is one of them is refused
	 */
	public static Path check(String parameter, Path target, boolean overwrite, Collection<Path> inputs) {
		Path out = target.toAbsolutePath().normalize();
		for (Path input : inputs) {
			if (input != null && sameFile(out, input)) throw new IllegalArgumentException(String.format(IS_INPUT, parameter, target, input.getFileName()));
		}
		if (Files.isDirectory(out)) throw new IllegalArgumentException(String.format(IS_FOLDER, parameter, target));
		if (!Files.isDirectory(out.getParent())) throw new IllegalArgumentException(String.format(NO_FOLDER, parameter, out.getParent()));
		if (Files.exists(out) && !overwrite) throw new IllegalArgumentException(String.format(EXISTS, parameter, target));
		return out;
	}

	/** True when both name one file: the same path, or links to one file. */
	static boolean sameFile(Path a, Path b) {
		Path absolute = b.toAbsolutePath().normalize();
		if (a.equals(absolute)) return true;
		try {
			return Files.exists(a) && Files.exists(absolute) && Files.isSameFile(a, absolute);
		}
		catch (IOException e) {
			return false;
		}
	}
}
