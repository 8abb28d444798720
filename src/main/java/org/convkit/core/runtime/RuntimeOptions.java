package org.convkit.core.runtime;

import java.util.Locale;
import java.util.Map;

/**
 * The choices a {@link ConvKitRuntime} is opened with: which DJL engine, and whether a GPU may be
 * used. Read from system properties first, then environment variables, then defaults, so the same
 * build runs MXNet or PyTorch without code changes.
 */
public record RuntimeOptions(String engine, boolean gpuAllowed, int threads) {

	/** System property naming the engine ({@code MXNet} or {@code PyTorch}). */
	public static final String ENGINE_PROPERTY = "convkit.engine";
	/** Environment variable naming the engine, used when the property is absent. */
	public static final String ENGINE_VARIABLE = "CONVKIT_ENGINE";
	/** System property: {@code off} keeps everything on the CPU; {@code auto} (default) uses a GPU when present. */
	public static final String GPU_PROPERTY = "convkit.gpu";
	/** Environment variable for the GPU choice, used when the property is absent. */
	public static final String GPU_VARIABLE = "CONVKIT_GPU";
	/**
	 * System property: intra-op threads for engines that take them at start-up (PyTorch); default
	 * all cores. MXNet reads the environment variable OMP_NUM_THREADS instead.
	 */
	public static final String THREADS_PROPERTY = "convkit.threads";
	public static final String THREADS_VARIABLE = "CONVKIT_THREADS";
	public static final String DEFAULT_ENGINE = "MXNet";

	public RuntimeOptions {
		if (engine == null || engine.isBlank()) {
			throw new IllegalArgumentException("engine: expected an engine name such as MXNet or PyTorch, got nothing");
		}
		if (threads < 1) throw new IllegalArgumentException(THREADS_PROPERTY + ": expected at least 1 thread, got " + threads);
	}

	/** Default threads: every core the JVM may use. */
	public RuntimeOptions(String engine, boolean gpuAllowed) {
		this(engine, gpuAllowed, Runtime.getRuntime().availableProcessors());
	}

	/** Options from system properties and environment variables. */
	public static RuntimeOptions fromEnvironment() {
		return from(System.getProperties()::getProperty, System.getenv());
	}

	static RuntimeOptions from(java.util.function.Function<String, String> properties, Map<String, String> environment) {
		String engine = firstSet(properties.apply(ENGINE_PROPERTY), environment.get(ENGINE_VARIABLE), DEFAULT_ENGINE);
		String gpu = firstSet(properties.apply(GPU_PROPERTY), environment.get(GPU_VARIABLE), "auto")
			.trim().toLowerCase(Locale.ROOT);
		if (!gpu.equals("auto") && !gpu.equals("off")) {
			throw new IllegalArgumentException(GPU_PROPERTY + ": expected 'auto' or 'off', got '" + gpu + "'");
		}
		String threads = firstSet(properties.apply(THREADS_PROPERTY), environment.get(THREADS_VARIABLE),
			String.valueOf(Runtime.getRuntime().availableProcessors()));
		try {
			return new RuntimeOptions(engine.trim(), gpu.equals("auto"), Integer.parseInt(threads.trim()));
		}
		catch (NumberFormatException e) {
			throw new IllegalArgumentException(THREADS_PROPERTY + ": expected a whole number of threads, got '" + threads + "'");
		}
	}

	private static String firstSet(String... values) {
		for (String value : values) {
			if (value != null && !value.isBlank()) return value;
		}
		throw new AssertionError("the last value is a default");
	}
}
