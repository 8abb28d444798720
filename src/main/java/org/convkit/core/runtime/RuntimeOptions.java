package org.convkit.core.runtime;

import java.util.Locale;
import java.util.Map;

/**
 * The choices a {@link ConvKitRuntime} is opened with: which DJL engine, and whether a GPU may be
 * used. Read from system properties first, then environment variables, then defaults, so the same
 * build runs MXNet or PyTorch without code changes.
 */
public record RuntimeOptions(String engine, boolean gpuAllowed) {

	/** System property naming the engine ({@code MXNet} or {@code PyTorch}). */
	public static final String ENGINE_PROPERTY = "convkit.engine";
	/** Environment variable naming the engine, used when the property is absent. */
	public static final String ENGINE_VARIABLE = "CONVKIT_ENGINE";
	/** System property: {@code off} keeps everything on the CPU; {@code auto} (default) uses a GPU when present. */
	public static final String GPU_PROPERTY = "convkit.gpu";
	/** Environment variable for the GPU choice, used when the property is absent. */
	public static final String GPU_VARIABLE = "CONVKIT_GPU";
	public static final String DEFAULT_ENGINE = "MXNet";

	public RuntimeOptions {
		if (engine == null || engine.isBlank()) {
			throw new IllegalArgumentException("engine: expected an engine name such as MXNet or PyTorch, got nothing");
		}
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
		return new RuntimeOptions(engine.trim(), gpu.equals("auto"));
	}

	private static String firstSet(String... values) {
		for (String value : values) {
			if (value != null && !value.isBlank()) return value;
		}
		throw new AssertionError("the last value is a default");
	}
}
