package org.convkit.bench;

import org.convkit.core.runtime.ConvKitRuntime;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/** One capability's benchmark: prints its figures, with what was measured and how. */
public interface Benchmark {

	/** The name after {@code convkit bench}. */
	String name();

	void run(PrintStream out) throws IOException;

	/** The first line of a benchmark's figures: what ran them, for comparing runs. */
	static String header(Benchmark benchmark, ConvKitRuntime runtime) {
		return "bench " + benchmark.name() + " on " + runtime.engine().getEngineName() + " " + runtime.engine().getVersion() + ", " +
			runtime.device() + ", " + Runtime.getRuntime().availableProcessors() + " cores, OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS");
	}

	/**
	 * The line that compares a workload with its PyTorch reference, in one fixed form for scripts:
	 * {@code ratio <workload> (<engine>): <ConvKit time / PyTorch time>} (below 1: ConvKit faster).
	 */
	static String ratio(String workload, ConvKitRuntime runtime, double convKitSeconds, double torchSeconds) {
		return String.format(Locale.ROOT, "ratio %s (%s): %.2f", workload, runtime.engine().getEngineName(), convKitSeconds / torchSeconds);
	}
}
