package org.convkit.bench;

import java.io.IOException;
import java.util.List;

/**
 * {@code convkit bench [NAME ...]}: runs the named benchmarks, or all of them; {@code convkit bench ops LOG...}
 * summarises oneDNN verbose output ({@link OneDnnVerboseLog}).
 */
public final class Bench {

	/** Each capability adds its benchmark here. */
	private static final List<Benchmark> BENCHMARKS = List.of(new CoreBenchmark(), new FaceBenchmark(), new EcgBenchmark(), new StyleBenchmark(),
		new LeakBenchmark(), new CtBenchmark());

	private Bench() {}

	public static int run(String[] names) throws IOException {
		if (names.length > 0 && names[0].equals("ops")) return OneDnnVerboseLog.run(List.of(names).subList(1, names.length), System.out);
		System.setProperty("java.awt.headless", "true");
		List<String> known = BENCHMARKS.stream().map(Benchmark::name).toList();
		for (String name : names) {
			if (!known.contains(name)) throw new IllegalArgumentException("bench: unknown benchmark '" + name + "'; expected one of " + known);
		}
		for (Benchmark benchmark : BENCHMARKS) {
			if (names.length == 0 || List.of(names).contains(benchmark.name())) benchmark.run(System.out);
		}
		return 0;
	}
}
