package org.convkit.bench;

import org.convkit.core.runtime.ConvKitRuntime;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a reference script shipped in this jar (org/convkit/bench/*.py, with their shared helper
 * {@value #HELPER}) with the Python that {@link ReferencePythonFinder} finds (current PyTorch from
 * /opt/wheels by default), on as many threads as ConvKit's engine uses, for side-by-side figures in
 * one run.
 */
final class PythonReference {

	static final String HELPER = "reference_io.py";
	/** oneDNN's verbose switches (MXNet's oneDNN 2.x and libtorch's 3.x read different names), never passed to the reference. */
	static final List<String> VERBOSE_VARIABLES = List.of("DNNL_VERBOSE", "ONEDNN_VERBOSE", "MKLDNN_VERBOSE");
	/** The environment variable that tells the scripts how many threads to give torch. */
	static final String THREADS_VARIABLE = "CONVKIT_REFERENCE_THREADS";

	private static ReferencePythonFinder.Lookup shared;

	private final ReferencePythonFinder.Found python;
	private final int threads;

	PythonReference(ReferencePythonFinder.Found python, int threads) {
		this.python = python;
		this.threads = threads;
	}

	/**
	 * The reference for this JVM's benchmarks (found once; the default venv is created when absent),
	 * with ConvKit's thread count; empty after printing the one-line reason when there is none.
	 */
	static synchronized Optional<PythonReference> find(ConvKitRuntime runtime, PrintStream out) {
		if (shared == null) shared = new ReferencePythonFinder(ReferencePythonFinder.system(), ReferencePythonFinder.projectRoot(), true).find();
		if (shared.python().isEmpty()) {
			out.println("  PyTorch reference: skipped, " + shared.whyNot());
			return Optional.empty();
		}
		PythonReference reference = new PythonReference(shared.found(), threads(runtime));
		out.println("  " + reference.describe());
		return Optional.of(reference);
	}

	/** "PyTorch reference: torch 2.13.0+cpu (...python, default venv), 2 threads as ConvKit's". */
	String describe() {
		return String.format(Locale.ROOT, "PyTorch reference: torch %s (%s, %s), %d threads, as ConvKit's", python.torchVersion(), python.python(),
			python.source(), threads);
	}

	/** "PyTorch 2.13.0+cpu", for table rows. */
	String label() {
		return "PyTorch " + python.torchVersion();
	}

	/**
	 * The threads ConvKit's engine computes with: PyTorch's intra-op setting, or for MXNet
	 * OMP_NUM_THREADS (unset: MXNet takes half the cores).
	 */
	static int threads(ConvKitRuntime runtime) {
		int cores = Runtime.getRuntime().availableProcessors();
		String value = runtime.engine().getEngineName().equals("PyTorch") ? System.getProperty("ai.djl.pytorch.num_threads")
			: System.getenv("OMP_NUM_THREADS");
		try {
			if (value != null) return Math.max(1, Integer.parseInt(value.trim()));
		}
		catch (NumberFormatException e) {
			// the engine ignores it too: its default below
		}
		return runtime.engine().getEngineName().equals("PyTorch") ? cores : Math.max(1, cores / 2);
	}

	/** Runs the script with the arguments; returns its standard output lines. */
	List<String> run(String script, String... args) throws IOException {
		Path folder = Files.createTempDirectory("convkit-reference");
		try {
			copy(script, folder);
			copy(HELPER, folder);
			List<String> command = new ArrayList<>(List.of(python.python(), folder.resolve(script).toString()));
			command.addAll(List.of(args));
			ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
			builder.environment().put(THREADS_VARIABLE, String.valueOf(threads));
			builder.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
			// oneDNN's verbose mode (for `bench ops`) is for ConvKit's side: it slows the reference many times over
			VERBOSE_VARIABLES.forEach(builder.environment()::remove);
			Process process = builder.start();
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
				throw new IOException(script + " failed (exit " + process.exitValue() + ")");
			}
			return out.lines().toList();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IOException(script + " interrupted", e);
		}
		finally {
			TempFolders.delete(folder);
		}
	}

	/** A line of "key value key value ..." as printed by the scripts, as a map. */
	static Map<String, String> pairs(String line) {
		String[] words = line.trim().split("\\s+");
		Map<String, String> map = new LinkedHashMap<>();
		for (int i = 0; i + 1 < words.length; i += 2) map.put(words[i], words[i + 1]);
		return map;
	}

	/**
	 * The layouts a script timed and which was faster, e.g. "best of NCHW 1.012 s, channels_last
	 * 0.345 s" (the scripts time PyTorch's default layout and channels_last, see reference_io.py).
	 */
	static String layouts(Map<String, String> fields) {
		String nchw = fields.get("seconds_nchw"), last = fields.get("seconds_channels_last");
		if (nchw == null || last == null) return "NCHW";
		return String.format(Locale.ROOT, "best of NCHW %.3f s, channels_last %.3f s", Double.parseDouble(nchw), Double.parseDouble(last));
	}

	/** The first output line that starts with {@code key} (a line of pairs, that key first), as pairs. */
	static Map<String, String> line(List<String> output, String key) throws IOException {
		for (String line : output) {
			if (line.startsWith(key + " ")) return pairs(line);
		}
		throw new IOException("reference output lacks a '" + key + "' line: " + output);
	}

	private static void copy(String resource, Path folder) throws IOException {
		try (InputStream in = PythonReference.class.getResourceAsStream(resource)) {
			if (in == null) throw new IOException("reference script " + resource + " is missing from the jar");
			Files.write(folder.resolve(resource), in.readAllBytes());
		}
	}
}
