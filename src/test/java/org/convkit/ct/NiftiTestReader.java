package org.convkit.ct;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Test-only reader of (gzipped) NIfTI-1 volumes of int16, uint8, int32 or float32 voxels, with
 * scl_slope / scl_inter applied: enough for the CT denoising tests until the CT IO lands.
 */
public final class NiftiTestReader {

	/** A volume (x, y, z) in physical units and its voxel spacing (x, y, z). */
	public record Volume(ArrayImg<FloatType, FloatArray> image, double[] spacing) {}

	private NiftiTestReader() {}

	public static Volume read(Path file) throws IOException {
		byte[] bytes;
		try (InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(file), 1 << 16) : Files.newInputStream(file)) {
			bytes = in.readAllBytes();
		}
		ByteBuffer h = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		if (h.getInt(0) != 348) {
			h.order(ByteOrder.BIG_ENDIAN);
			if (h.getInt(0) != 348) throw new IOException(file + ": not a NIfTI-1 file");
		}
		int nx = h.getShort(42), ny = h.getShort(44), nz = Math.max(1, (int) h.getShort(46));
		int type = h.getShort(70);
		double[] spacing = {h.getFloat(80), h.getFloat(84), h.getFloat(88)};
		int offset = (int) h.getFloat(108);
		float slope = h.getFloat(112), inter = h.getFloat(116);
		if (slope == 0 || Float.isNaN(slope)) {
			slope = 1;
			inter = 0;
		}
		int n = nx * ny * nz;
		float[] v = new float[n];
		h.position(offset);
		for (int i = 0; i < n; i++) {
			float raw = switch (type) {
				case 2 -> h.get() & 0xff;
				case 4 -> h.getShort();
				case 8 -> h.getInt();
				case 16 -> h.getFloat();
				case 512 -> h.getShort() & 0xffff;
				default -> throw new IOException(file + ": NIfTI datatype " + type + " not supported by the test reader");
			};
			v[i] = raw * slope + inter;
		}
		return new Volume(ArrayImgs.floats(v, nx, ny, nz), spacing);
	}

	static void unused(DataInputStream in) {}
}
