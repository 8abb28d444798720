package org.convkit.bench;

import java.util.Arrays;

/** Median wall time of repeated runs, after warm-up runs that let the JIT and the engine settle. */
final class Timing {

	@FunctionalInterface
	interface Work {
		void run() throws Exception;
	}

	private Timing() {}

	/** Median seconds of {@code runs} timed runs after {@code warmups} untimed ones. */
	static double medianSeconds(int warmups, int runs, Work work) {
		try {
			for (int i = 0; i < warmups; i++) work.run();
			double[] seconds = new double[runs];
			for (int i = 0; i < runs; i++) {
				long start = System.nanoTime();
				work.run();
				seconds[i] = (System.nanoTime() - start) / 1e9;
			}
			Arrays.sort(seconds);
			return seconds[runs / 2];
		}
		catch (Exception e) {
			throw new IllegalStateException("benchmark run failed: " + e, e);
		}
	}
}
