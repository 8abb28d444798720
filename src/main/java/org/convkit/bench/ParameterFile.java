package org.convkit.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * A block's parameters, exactly as ConvKit computes with them, for a reference script: {@value #VALUES}
 * (every parameter's values, float32 little-endian, in DJL's order) and {@value #NAMES} (a JSON list
 * of {@code {"name", "shape"}} in the same order). Batch norms' running statistics are parameters in
 * DJL, so they travel too.
 */
final class ParameterFile {

	static final String VALUES = "parameters.f32";
	static final String NAMES = "parameters.json";

	private ParameterFile() {}

	/** Writes the two files into the folder; returns the number of parameters. */
	static int write(Block block, Path folder) throws IOException {
		List<float[]> values = new ArrayList<>();
		List<String> entries = new ArrayList<>();
		for (Pair<String, Parameter> p : block.getParameters()) {
			NDArray array = p.getValue().getArray();
			values.add(array.toFloatArray());
			String shape = LongStream.of(array.getShape().getShape()).mapToObj(Long::toString).collect(Collectors.joining(", "));
			entries.add("{\"name\": \"" + p.getKey().replace("\"", "") + "\", \"shape\": [" + shape + "]}");
		}
		Float32Files.write(folder.resolve(VALUES), values.toArray(float[][]::new));
		Files.writeString(folder.resolve(NAMES), "[\n" + String.join(",\n", entries) + "\n]\n", StandardCharsets.UTF_8);
		return entries.size();
	}
}
