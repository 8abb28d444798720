package org.convkit.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Raw little-endian float32 files, the format the reference scripts read with numpy.fromfile. */
final class Float32Files {

	private Float32Files() {}

	/** Writes the arrays one after the other. */
	static void write(Path file, float[]... arrays) throws IOException {
		int n = 0;
		for (float[] a : arrays) n += a.length;
		ByteBuffer buffer = ByteBuffer.allocate(n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
		var floats = buffer.asFloatBuffer();
		for (float[] a : arrays) floats.put(a);
		Files.write(file, buffer.array());
	}

	static float[] read(Path file) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
		float[] values = new float[buffer.remaining() / Float.BYTES];
		buffer.asFloatBuffer().get(values);
		return values;
	}

	/** The largest absolute difference of two arrays of the same length. */
	static double maxAbsDifference(float[] a, float[] b) {
		if (a.length != b.length) throw new IllegalArgumentException("arrays of " + a.length + " and " + b.length + " values");
		double max = 0;
		for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs((double) a[i] - b[i]));
		return max;
	}
}
