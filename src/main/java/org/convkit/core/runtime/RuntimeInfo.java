package org.convkit.core.runtime;

import ai.djl.engine.Engine;

import java.nio.file.Path;
import java.util.List;

/** A snapshot of what the runtime is, for {@code convkit info} and the "ConvKit Info" command. */
public record RuntimeInfo(String engine, String engineVersion, String djlVersion, String device, int gpuCount,
	int cpuCores, String threads, String nativeMemory, Path cacheDirectory, List<ModelCache.Key> loadedModels)
{
	static RuntimeInfo of(ConvKitRuntime runtime) {
		Engine engine = runtime.engine();
		return new RuntimeInfo(engine.getEngineName(), engine.getVersion(), Engine.getDjlVersion(),
			runtime.device().toString(), engine.getGpuCount(), Runtime.getRuntime().availableProcessors(),
			runtime.threadSettings(), runtime.nativeMemory(), runtime.cacheDirectory(), runtime.models().loaded());
	}

	/** A human-readable multi-line description. */
	public String describe() {
		StringBuilder text = new StringBuilder()
			.append("ConvKit runtime\n")
			.append("  engine:        ").append(engine).append(' ').append(engineVersion)
			.append(" (DJL ").append(djlVersion).append(")\n")
			.append("  device:        ").append(device).append(" (GPUs visible: ").append(gpuCount).append(")\n")
			.append("  CPU cores:     ").append(cpuCores).append('\n')
			.append("  threads:       ").append(threads).append('\n')
			.append("  memory:        ").append(nativeMemory).append('\n')
			.append("  cache:         ").append(cacheDirectory).append('\n')
			.append("  loaded models: ");
		if (loadedModels.isEmpty()) text.append("none");
		for (ModelCache.Key key : loadedModels) text.append("\n    ").append(key);
		return text.append('\n').toString();
	}
}
