package org.convkit.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a benchmark's time goes inside oneDNN, the kernel library under both MXNet and PyTorch on
 * the CPU: {@code bin/convkit bench ops LOG} summarises the {@code exec} lines that oneDNN prints
 * with {@code DNNL_VERBOSE=1} (MXNet 1.9's oneDNN 2.x: {@code dnnl_verbose}; libtorch's 3.x:
 * {@code onednn_verbose}), per primitive and per minibatch. Reorders are split into layout changes
 * of activations between plain layouts (NCHW to NHWC and back: what an engine pays when its own
 * ops and oneDNN's kernels want different layouts) and reorders to or from oneDNN's blocked layouts
 * (weights, and activations for kernels that want oneDNN's nChw16c).
 */
public final class OneDnnVerboseLog {

	static final String USAGE = "expected one or more files of oneDNN verbose output, e.g. "
		+ "DNNL_VERBOSE=1 bin/convkit bench ecg > ecg.log; bin/convkit bench ops ecg.log";
	private static final Pattern BATCH = Pattern.compile("^(?:mb)?(\\d+)");
	static final String PLAIN_REORDER = "reorder, plain to plain layout (e.g. NCHW <-> NHWC)";
	static final String BLOCKED_REORDER = "reorder, to or from a blocked layout (weights, nChw16c)";
	/** A plain layout tag: dimensions in some order, no blocking (abcd, acdb, abcde, ab). */
	private static final Pattern PLAIN = Pattern.compile("[a-z]+");

	/** One primitive execution: what ran, on which minibatch (0 when the line does not say), for how long. */
	record Execution(String primitive, int batch, double milliseconds) {}

	private OneDnnVerboseLog() {}

	/** The executions in oneDNN verbose output; other lines are ignored. */
	static List<Execution> executions(Stream<String> lines) {
		return lines.map(OneDnnVerboseLog::execution).filter(e -> e != null).toList();
	}

	/** The execution a line reports, or null when it is not a oneDNN {@code exec} line. */
	static Execution execution(String line) {
		if (!(line.startsWith("dnnl_verbose,") || line.startsWith("onednn_verbose,") || line.startsWith("mkldnn_verbose,"))) return null;
		String[] f = line.split(",", -1);
		int exec = List.of(f).indexOf("exec");
		if (exec < 0 || f.length < exec + 8) return null;
		double ms;
		try {
			ms = Double.parseDouble(f[f.length - 1].trim());
		}
		catch (NumberFormatException e) {
			return null;
		}
		String kind = f[exec + 2], formats = f[exec + 5];
		boolean blockedReorder = kind.equals("reorder") && !plainToPlain(formats);
		String primitive = !kind.equals("reorder") ? kind + " (" + f[exec + 3] + ")"
			: blockedReorder ? BLOCKED_REORDER : PLAIN_REORDER;
		// a blocked reorder's first dimension is mostly a weight's output channels, not a minibatch
		Matcher m = BATCH.matcher(f[f.length - 2].trim());
		return new Execution(primitive, !blockedReorder && m.find() ? Integer.parseInt(m.group(1)) : 0, ms);
	}

	/** Whether a reorder's source and destination are both plain layouts ("src_f32::blocked:acdb:f0 dst_f32::blocked:abcd:f0"). */
	static boolean plainToPlain(String formats) {
		String[] parts = formats.trim().split("\\s+");
		if (parts.length < 2) return false;
		for (String part : parts) {
			List<String> fields = List.of(part.split(":")); // 2.x "src_f32::blocked:acdb:f0", 3.x "src:f32::blocked:acdb::f0"
			int blocked = fields.indexOf("blocked");
			if (blocked < 0 || blocked + 1 >= fields.size() || !PLAIN.matcher(fields.get(blocked + 1)).matches()) return false;
		}
		return true;
	}

	/** Prints the summary of executions: per primitive, then per minibatch. */
	static void print(String source, List<Execution> executions, PrintStream out) {
		double total = executions.stream().mapToDouble(Execution::milliseconds).sum();
		out.printf(Locale.ROOT, "oneDNN in %s: %,d primitive executions, %,.0f ms%n", source, executions.size(), total);
		if (executions.isEmpty()) {
			out.println("  no oneDNN exec lines: run the benchmark with DNNL_VERBOSE=1 (MXNet) or ONEDNN_VERBOSE=1 (libtorch) and its output into the file");
			return;
		}
		out.printf(Locale.ROOT, "  %-60s %11s %11s %6s%n", "primitive (implementation)", "executions", "ms", "share");
		for (Map.Entry<String, double[]> e : sums(executions, Execution::primitive).entrySet()) {
			out.printf(Locale.ROOT, "  %-60s %,11.0f %,11.0f %5.1f%%%n", e.getKey(), e.getValue()[0], e.getValue()[1], 100 * e.getValue()[1] / total);
		}
		out.printf(Locale.ROOT, "  %-14s %11s %11s %16s %22s%n", "minibatch", "executions", "ms", "of it convolution", "of it plain reorders");
		Map<Integer, double[]> batches = new LinkedHashMap<>();
		executions.stream().sorted(Comparator.comparingInt(Execution::batch)).forEach(e -> {
			double[] s = batches.computeIfAbsent(e.batch(), b -> new double[4]);
			s[0]++;
			s[1] += e.milliseconds();
			if (e.primitive().startsWith("convolution")) s[2] += e.milliseconds();
			if (e.primitive().equals(PLAIN_REORDER)) s[3] += e.milliseconds();
		});
		for (Map.Entry<Integer, double[]> e : batches.entrySet()) {
			double[] s = e.getValue();
			out.printf(Locale.ROOT, "  %-14s %,11.0f %,11.0f %,10.0f %4.0f%% %,15.0f %4.0f%%%n", e.getKey() == 0 ? "(weights, other)" : e.getKey(), s[0], s[1],
				s[2], 100 * s[2] / s[1], s[3], 100 * s[3] / s[1]);
		}
	}

	/** Executions and milliseconds per key, the largest time first. */
	private static <K> Map<K, double[]> sums(List<Execution> executions, java.util.function.Function<Execution, K> key) {
		Map<K, double[]> sums = new LinkedHashMap<>();
		for (Execution e : executions) {
			double[] s = sums.computeIfAbsent(key.apply(e), k -> new double[2]);
			s[0]++;
			s[1] += e.milliseconds();
		}
		Map<K, double[]> sorted = new LinkedHashMap<>();
		sums.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1])).forEach(e -> sorted.put(e.getKey(), e.getValue()));
		return sorted;
	}

	/** {@code convkit bench ops FILE...}. */
	static int run(List<String> files, PrintStream out) throws IOException {
		if (files.isEmpty()) throw new IllegalArgumentException("ops: " + USAGE);
		for (String file : files) {
			Path path = Path.of(file);
			if (!Files.isRegularFile(path)) throw new IllegalArgumentException("ops: " + file + " is not a file; " + USAGE);
			try (Stream<String> lines = Files.lines(path, StandardCharsets.ISO_8859_1)) { // any bytes: the log mixes engines' output
				print(file, executions(lines), out);
			}
		}
		return 0;
	}
}
