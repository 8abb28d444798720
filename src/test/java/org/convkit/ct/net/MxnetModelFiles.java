package org.convkit.ct.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an MXNet model as Gluon's {@code export} does, without MXNet's Python: a symbol JSON of
 * one 3-D convolution ({@code data} -> {@code conv}, no bias, zero padding 1) and its weights in
 * MXNet's binary NDArray list format (magic 0x112, each array as NDARRAY_V2: storage type, shape,
 * context, dtype, data; then the names, {@code arg:conv_weight}).
 */
public final class MxnetModelFiles {

	private MxnetModelFiles() {}

	/**
	 * @param weight {@code (out, in, 3, 3, 3)} row-major
	 * @return the symbol file
	 */
	public static Path conv3d(Path folder, String prefix, int in, int out, float[] weight) throws IOException {
		if (weight.length != out * in * 27) throw new IllegalArgumentException("weight: expected " + out * in * 27 + " values");
		String attrs = "{\"kernel\": \"(3, 3, 3)\", \"no_bias\": \"True\", \"num_filter\": \"" + out + "\", \"pad\": \"(1, 1, 1)\", \"stride\": \"(1, 1, 1)\"}";
		String json = """
			{
			  "nodes": [
			    {"op": "null", "name": "data", "inputs": []},
			    {"op": "null", "name": "conv_weight", "attrs": %s, "inputs": []},
			    {"op": "Convolution", "name": "conv", "attrs": %s, "inputs": [[0, 0, 0], [1, 0, 0]]}
			  ],
			  "arg_nodes": [0, 1],
			  "node_row_ptr": [0, 1, 2, 3],
			  "heads": [[2, 0, 0]],
			  "attrs": {"mxnet_version": ["int", 10900]}
			}
			""".formatted(attrs, attrs);
		Path symbol = folder.resolve(prefix + "-symbol.json");
		Files.writeString(symbol, json);
		Files.write(folder.resolve(prefix + "-0000.params"), params("arg:conv_weight", new long[] {out, in, 3, 3, 3}, weight));
		return symbol;
	}

	/** One float32 array in MXNet's NDArray list format. */
	static byte[] params(String name, long[] shape, float[] values) {
		ByteBuffer b = ByteBuffer.allocate(64 + 8 * shape.length + 4 * values.length + name.length()).order(ByteOrder.LITTLE_ENDIAN);
		b.putLong(0x112).putLong(0); // list magic, reserved
		b.putLong(1); // one array
		b.putInt(0xF993fac9); // NDARRAY_V2_MAGIC
		b.putInt(0); // dense storage
		b.putInt(shape.length);
		for (long d : shape) b.putLong(d);
		b.putInt(1).putInt(0); // context: cpu, 0
		b.putInt(0); // float32
		for (float v : values) b.putFloat(v);
		byte[] n = name.getBytes(StandardCharsets.UTF_8);
		b.putLong(1).putLong(n.length).put(n);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(b.array(), 0, b.position());
		return out.toByteArray();
	}
}
