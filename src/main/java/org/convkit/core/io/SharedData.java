package org.convkit.core.io;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the real data sets are (MIT-BIH, ORL faces, style photos, CT volumes), so the demo, the
 * benchmarks and {@code convkit evaluate} find them wherever they are started from: the
 * {@code convkit.data} property, else the {@code CONVKIT_DATA} environment variable, else
 * {@code shared/data} beside the project ({@code convkit.home}, which the launcher sets), else
 * {@code ../shared/data} from the current folder (the tests' layout).
 */
public final class SharedData {

	public static final String PROPERTY = "convkit.data", VARIABLE = "CONVKIT_DATA", HOME = "convkit.home";

	private SharedData() {}

	/** The data folder, whether or not it exists. */
	public static Path folder() {
		String chosen = System.getProperty(PROPERTY, System.getenv(VARIABLE));
		if (chosen != null && !chosen.isBlank()) return Path.of(chosen).toAbsolutePath().normalize();
		String home = System.getProperty(HOME);
		Path base = home != null && !home.isBlank() ? Path.of(home) : Path.of("").toAbsolutePath();
		return base.resolve("../shared/data").toAbsolutePath().normalize();
	}

	/** A file or folder in the data folder, e.g. {@code resolve("mitdb/208.hea")}. */
	public static Path resolve(String relative) {
		return folder().resolve(relative);
	}

	/** Says what to do when a data file is missing: where it was looked for and how to point elsewhere. */
	public static String missing(Path expected) {
		return expected + " not found" + (Files.isDirectory(folder()) ? "" : " (no data folder at " + folder() + ")")
			+ "; set CONVKIT_DATA to the data folder to use it";
	}
}
