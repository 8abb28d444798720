package org.convkit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the Python whose PyTorch is the benchmarks' reference, in this order:
 * <ol>
 * <li>the setting: system property {@value #PROPERTY}, else environment variable {@value #VARIABLE}
 * (a Python executable). When set, it is the only candidate: without torch the reference is skipped,
 * never replaced by another Python behind the user's back;</li>
 * <li>the default virtual environment ({@link #defaultVenv}: {@code ~/.cache/convkit/torch-2.13}),
 * created by the project's {@code bin/torch-reference} from {@code /opt/wheels} when absent and
 * creating is allowed (the benchmarks allow it, tests do not);</li>
 * <li>{@code python3} on the PATH, then {@code /usr/bin/python3}, with whatever torch they have.</li>
 * </ol>
 * The outside world (settings, files, starting Pythons) comes in through {@link Host}, so the order
 * is tested without any Python.
 */
final class ReferencePythonFinder {

	static final String PROPERTY = "convkit.python";
	static final String VARIABLE = "CONVKIT_PYTHON";
	static final String SETUP_SCRIPT = "bin/torch-reference";
	static final List<String> FALLBACKS = List.of("python3", "/usr/bin/python3");

	/** A Python with torch: its executable, torch's version and why it was chosen. */
	record Found(String python, String torchVersion, String source) {}

	/** The result: a Python with torch, or the one-line reason why there is none. */
	record Lookup(Found found, String whyNot) {
		Optional<Found> python() {
			return Optional.ofNullable(found);
		}
	}

	/** What the finder needs from the machine. */
	interface Host {
		String property(String key);

		String environment(String key);

		boolean exists(Path file);

		/** torch's version for this Python, or empty when it cannot import torch (or does not run). */
		Optional<String> torchVersion(String python);

		/** Runs the setup script; true when it made the venv. */
		boolean runSetup(Path script);
	}

	private final Host host;
	private final Path projectRoot;
	private final boolean allowSetup;

	/**
	 * @param projectRoot where {@value #SETUP_SCRIPT} is looked for
	 * @param allowSetup whether an absent default venv may be created (slow: a minute, 700 MB)
	 */
	ReferencePythonFinder(Host host, Path projectRoot, boolean allowSetup) {
		this.host = host;
		this.projectRoot = projectRoot;
		this.allowSetup = allowSetup;
	}

	/**
	 * The default venv, as bin/torch-reference computes it: {@code $CONVKIT_TORCH_VENV}, else
	 * {@code $XDG_CACHE_HOME/convkit/torch-2.13}, else {@code ~/.cache/convkit/torch-2.13}.
	 */
	Path defaultVenv() {
		String venv = host.environment("CONVKIT_TORCH_VENV");
		if (set(venv)) return Path.of(venv);
		String cache = host.environment("XDG_CACHE_HOME");
		Path base = set(cache) ? Path.of(cache) : Path.of(host.property("user.home"), ".cache");
		return base.resolve("convkit").resolve("torch-2.13");
	}

	Lookup find() {
		String setting = set(host.property(PROPERTY)) ? host.property(PROPERTY) : host.environment(VARIABLE);
		String settingName = set(host.property(PROPERTY)) ? "-D" + PROPERTY : VARIABLE;
		if (set(setting)) {
			Optional<String> version = host.torchVersion(setting);
			return version.isPresent() ? found(setting, version.get(), settingName)
				: new Lookup(null, settingName + "=" + setting + " cannot import torch (set it to a Python with torch, e.g. the one bin/torch-reference prints)");
		}
		List<String> why = new ArrayList<>();
		Path venvPython = defaultVenv().resolve("bin").resolve("python");
		Path script = projectRoot.resolve(SETUP_SCRIPT);
		if (!host.exists(venvPython) && allowSetup && host.exists(script)) host.runSetup(script);
		if (host.exists(venvPython)) {
			Optional<String> version = host.torchVersion(venvPython.toString());
			if (version.isPresent()) return found(venvPython.toString(), version.get(), "default venv");
			why.add(venvPython + " cannot import torch (run " + SETUP_SCRIPT + ")");
		}
		else {
			why.add(defaultVenv() + " absent (" + SETUP_SCRIPT + " creates it" + (allowSetup ? "" : "; not created here") + ")");
		}
		for (String python : FALLBACKS) {
			Optional<String> version = host.torchVersion(python);
			if (version.isPresent()) return found(python, version.get(), "fallback");
			why.add(python + " has no torch");
		}
		return new Lookup(null, "no Python with torch: " + String.join("; ", why) + "; or set " + VARIABLE);
	}

	private static Lookup found(String python, String version, String source) {
		return new Lookup(new Found(python, version, source), null);
	}

	private static boolean set(String value) {
		return value != null && !value.isBlank();
	}

	/** The real machine. */
	static Host system() {
		return new Host() {
			@Override
			public String property(String key) {
				return System.getProperty(key);
			}

			@Override
			public String environment(String key) {
				return System.getenv(key);
			}

			@Override
			public boolean exists(Path file) {
				return Files.exists(file);
			}

			@Override
			public Optional<String> torchVersion(String python) {
				return Processes.firstLine(60, false, python, "-c", "import torch; print(torch.__version__)");
			}

			@Override
			public boolean runSetup(Path script) {
				return Processes.firstLine(600, true, script.toString()).isPresent();
			}
		};
	}

	/** The project folder: where the jar's (or the classes') folder {@code target} lies, else the working folder. */
	static Path projectRoot() {
		try {
			Path code = Path.of(ReferencePythonFinder.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			for (Path p = code; p != null; p = p.getParent()) {
				if (Files.isRegularFile(p.resolve(SETUP_SCRIPT))) return p;
			}
		}
		catch (Exception e) {
			// no code source (unusual class loaders): the working folder below
		}
		return Path.of("").toAbsolutePath();
	}
}
