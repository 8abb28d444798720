package org.convkit.face.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The tensors of a TensorFlow.js weights manifest ({@code *-weights_manifest.json} plus its binary
 * shards), dequantized to float: a uint8/uint16-quantized tensor is stored as q and restored as
 * {@code q * scale + min}. Values keep TF.js's layout (e.g. conv filters [kh, kw, in, out]).
 */
public final class TfjsWeights {

	/** One tensor: its shape as in the manifest and its values in that layout (C order). */
	public record Tensor(long[] shape, float[] values) {}

	/** Opens the named shards of a manifest. */
	@FunctionalInterface
	interface ShardSource {
		InputStream open(String path) throws IOException;
	}

	private final Map<String, Tensor> tensors;
	private final String source;

	private TfjsWeights(Map<String, Tensor> tensors, String source) {
		this.tensors = Collections.unmodifiableMap(tensors);
		this.source = source;
	}

	/** Reads a manifest and its shards from the folder the manifest is in. */
	public static TfjsWeights read(Path manifest) throws IOException {
		if (!Files.isRegularFile(manifest)) throw new IOException("model manifest not found: " + manifest);
		Path folder = manifest.toAbsolutePath().getParent();
		try (InputStream in = Files.newInputStream(manifest)) {
			return read(in, manifest.toString(), path -> {
				Path shard = folder.resolve(path).normalize();
				if (!shard.startsWith(folder)) throw new IOException(manifest + ": shard path leaves the model folder: " + path);
				if (!Files.isRegularFile(shard)) throw new IOException(manifest + ": weight shard not found: " + shard);
				return Files.newInputStream(shard);
			});
		}
	}

	/** Reads a manifest shipped as a class-path resource next to its shards. */
	public static TfjsWeights readResource(Class<?> anchor, String manifest) throws IOException {
		InputStream in = anchor.getResourceAsStream(manifest);
		if (in == null) throw new IOException("model manifest missing from the class path: " + manifest + " next to " + anchor.getName());
		try (in) {
			return read(in, manifest, path -> {
				InputStream shard = anchor.getResourceAsStream(path);
				if (shard == null) throw new IOException(manifest + ": weight shard missing from the class path: " + path);
				return shard;
			});
		}
	}

	static TfjsWeights read(InputStream manifest, String source, ShardSource shards) throws IOException {
		JsonArray groups;
		try (Reader reader = new InputStreamReader(manifest, StandardCharsets.UTF_8)) {
			groups = JsonParser.parseReader(reader).getAsJsonArray();
		}
		catch (JsonParseException | IllegalStateException e) {
			throw new IOException(source + ": not a TensorFlow.js weights manifest (expected a JSON array of weight groups): " + e.getMessage(), e);
		}
		Map<String, Tensor> tensors = new LinkedHashMap<>();
		for (JsonElement group : groups) {
			JsonObject object = group.getAsJsonObject();
			ByteBuffer data = concatenate(object.getAsJsonArray("paths"), shards, source);
			for (JsonElement weight : object.getAsJsonArray("weights")) {
				JsonObject spec = weight.getAsJsonObject();
				String name = spec.get("name").getAsString();
				tensors.put(name, decode(spec, data, source));
			}
			if (data.hasRemaining()) {
				throw new IOException(source + ": the shards hold " + data.remaining() + " bytes more than the manifest describes");
			}
		}
		return new TfjsWeights(tensors, source);
	}

	private static ByteBuffer concatenate(JsonArray paths, ShardSource shards, String source) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		for (JsonElement path : paths) {
			try (InputStream in = shards.open(path.getAsString())) {
				in.transferTo(bytes);
			}
		}
		return ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
	}

	private static Tensor decode(JsonObject spec, ByteBuffer data, String source) throws IOException {
		String name = spec.get("name").getAsString();
		JsonArray dims = spec.getAsJsonArray("shape");
		long[] shape = new long[dims.size()];
		long count = 1;
		for (int i = 0; i < shape.length; i++) count *= shape[i] = dims.get(i).getAsLong();
		JsonObject quantization = spec.has("quantization") ? spec.getAsJsonObject("quantization") : null;
		String stored = quantization != null ? quantization.get("dtype").getAsString() : spec.get("dtype").getAsString();
		int bytesPer = switch (stored) {
			case "uint8" -> 1;
			case "uint16" -> 2;
			case "float32", "int32" -> 4;
			default -> throw new IOException(source + ": tensor " + name + " has unsupported dtype " + stored);
		};
		if (count * bytesPer > data.remaining()) {
			throw new IOException(source + ": the shards end inside tensor " + name + " (corrupt or truncated model file)");
		}
		float[] values = new float[Math.toIntExact(count)];
		// In double, as TF.js dequantizes: float arithmetic moves three in four weights by up to 2e-6.
		double scale = quantization == null ? 1 : quantization.get("scale").getAsDouble();
		double min = quantization == null ? 0 : quantization.get("min").getAsDouble();
		for (int i = 0; i < values.length; i++) {
			values[i] = switch (stored) {
				case "uint8" -> (float) ((data.get() & 0xff) * scale + min);
				case "uint16" -> (float) ((data.getShort() & 0xffff) * scale + min);
				case "int32" -> data.getInt();
				default -> data.getFloat();
			};
		}
		return new Tensor(shape, values);
	}

	/** The tensor of this name, or an error naming the model and the tensor. */
	public Tensor get(String name) {
		Tensor tensor = tensors.get(name);
		if (tensor == null) throw new IllegalArgumentException(source + ": no tensor named " + name);
		return tensor;
	}

	public Set<String> names() {
		return tensors.keySet();
	}
}
