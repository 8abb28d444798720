package org.convkit.bench;

import org.convkit.core.runtime.ConvKitRuntime;

import java.io.IOException;
import java.io.PrintStream;

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
}
