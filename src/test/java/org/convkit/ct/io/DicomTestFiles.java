package org.convkit.ct.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small DICOM slices (explicit or implicit VR little endian, int16 pixels) for tests. */
final class DicomTestFiles {

	String series = "1.2.826.0.1.3680043.8.498.1", description = "test series", modality = "CT", syntax = DicomSlice.EXPLICIT_LE;
	double[] orientation = {1, 0, 0, 0, 1, 0};
	double spacing = 0.5, thickness = 2, slope = 1, intercept = -1024;
	int rows = 4, columns = 3;
	/** Adds a sequence of undefined length before the pixel data, to exercise skipping. */
	boolean sequence = true;

	/** Writes a slice at this position whose pixel i holds base + i. */
	Path write(Path file, int instance, double[] position, int base) throws IOException {
		boolean explicit = !syntax.equals(DicomSlice.IMPLICIT_LE);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(new byte[128]);
		out.write("DICM".getBytes(StandardCharsets.US_ASCII));
		element(out, true, 0x0002, 0x0010, "UI", text(syntax));
		element(out, explicit, 0x0008, 0x0060, "CS", text(modality));
		element(out, explicit, 0x0008, 0x103e, "LO", text(description));
		if (sequence) {
			// (0008,1140) ReferencedImageSequence, undefined length, one undefined-length item
			ByteArrayOutputStream item = new ByteArrayOutputStream();
			element(item, explicit, 0x0008, 0x1150, "UI", text("1.2.3"));
			header(out, explicit, 0x0008, 0x1140, "SQ", 0xffffffffL);
			header(out, false, 0xfffe, 0xe000, null, 0xffffffffL);
			out.write(item.toByteArray());
			header(out, false, 0xfffe, 0xe00d, null, 0);
			header(out, false, 0xfffe, 0xe0dd, null, 0);
		}
		element(out, explicit, 0x0018, 0x0050, "DS", text(number(thickness)));
		element(out, explicit, 0x0020, 0x000e, "UI", text(series));
		element(out, explicit, 0x0020, 0x0013, "IS", text(Integer.toString(instance)));
		element(out, explicit, 0x0020, 0x0032, "DS", text(number(position[0]) + "\\" + number(position[1]) + "\\" + number(position[2])));
		StringBuilder o = new StringBuilder();
		for (double v : orientation) o.append(o.length() == 0 ? "" : "\\").append(number(v));
		element(out, explicit, 0x0020, 0x0037, "DS", text(o.toString()));
		element(out, explicit, 0x0028, 0x0002, "US", us(1));
		element(out, explicit, 0x0028, 0x0010, "US", us(rows));
		element(out, explicit, 0x0028, 0x0011, "US", us(columns));
		element(out, explicit, 0x0028, 0x0030, "DS", text(number(spacing) + "\\" + number(spacing)));
		element(out, explicit, 0x0028, 0x0100, "US", us(16));
		element(out, explicit, 0x0028, 0x0101, "US", us(16));
		element(out, explicit, 0x0028, 0x0103, "US", us(1));
		element(out, explicit, 0x0028, 0x1052, "DS", text(number(intercept)));
		element(out, explicit, 0x0028, 0x1053, "DS", text(number(slope)));
		ByteBuffer pixels = ByteBuffer.allocate(2 * rows * columns).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < rows * columns; i++) pixels.putShort((short) (base + i));
		element(out, explicit, 0x7fe0, 0x0010, "OW", pixels.array());
		return Files.write(file, out.toByteArray());
	}

	private static String number(double v) {
		return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
	}

	private static byte[] text(String s) {
		byte[] b = s.getBytes(StandardCharsets.US_ASCII);
		if (b.length % 2 == 0) return b;
		byte[] padded = java.util.Arrays.copyOf(b, b.length + 1);
		padded[b.length] = ' ';
		return padded;
	}

	private static byte[] us(int v) {
		return new byte[] {(byte) v, (byte) (v >> 8)};
	}

	private static void element(ByteArrayOutputStream out, boolean explicit, int group, int elem, String vr, byte[] value) throws IOException {
		header(out, explicit, group, elem, vr, value.length);
		out.write(value);
	}

	private static void header(ByteArrayOutputStream out, boolean explicit, int group, int elem, String vr, long length) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
		b.putShort((short) group).putShort((short) elem);
		if (explicit && vr != null) {
			b.put(vr.getBytes(StandardCharsets.US_ASCII));
			if (vr.equals("OB") || vr.equals("OW") || vr.equals("SQ") || vr.equals("UN") || vr.equals("UT")) b.putShort((short) 0).putInt((int) length);
			else b.putShort((short) length);
		}
		else {
			b.putInt((int) length);
		}
		out.write(b.array(), 0, b.position());
	}
}
