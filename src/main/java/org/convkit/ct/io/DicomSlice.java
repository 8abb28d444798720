package org.convkit.ct.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * One DICOM image file's header: the attributes volume assembly needs, and where its pixel data is.
 *
 * <p>ConvKit parses DICOM itself rather than through ImageJ's {@code ij.plugin.DICOM}: that plugin
 * reads a file into an ImagePlus (pixels included, with its own signed-16-bit offset and calibration)
 * and hands the attributes back as display text, so grouping a folder would decode every image and
 * re-parse text; its failures surface as ImageJ error messages rather than exceptions naming the
 * attribute. The subset needed here (group 0002 meta, explicit or implicit VR little endian, nested
 * sequences skipped, uncompressed or encapsulated pixel data located) is a few hundred lines, reads
 * headers only, and every length is checked against the file so a damaged file ends in an
 * IOException naming the file and the element.
 *
 * @param file             the file
 * @param transferSyntax   (0002,0010)
 * @param modality         (0008,0060), "" when absent
 * @param seriesUid        (0020,000E), "" when absent
 * @param seriesDescription (0008,103E)
 * @param seriesNumber     (0020,0011), "" when absent
 * @param instanceNumber   (0020,0013), 0 when absent
 * @param position         (0020,0032) ImagePositionPatient, LPS mm, or null
 * @param orientation      (0020,0037) ImageOrientationPatient: row then column direction cosines, or null
 * @param pixelSpacing     (0028,0030): row spacing (between rows, y) then column spacing (x), or null
 * @param sliceThickness   (0018,0050), 0 when absent
 * @param gantryTilt       (0018,1120) GantryDetectorTilt in degrees, 0 when absent
 * @param rows             (0028,0010)
 * @param columns          (0028,0011)
 * @param samplesPerPixel  (0028,0002)
 * @param frames           (0028,0008) NumberOfFrames, 1 when absent
 * @param bitsAllocated    (0028,0100)
 * @param bitsStored       (0028,0101)
 * @param signed           (0028,0103) PixelRepresentation is 1
 * @param slope            (0028,1053) RescaleSlope, 1 when absent
 * @param intercept        (0028,1052) RescaleIntercept, 0 when absent
 * @param pixelOffset      offset of the pixel data's value in the file, -1 when there is none
 * @param pixelLength      its length in bytes; -1 for encapsulated (compressed) data
 */
public record DicomSlice(Path file, String transferSyntax, String modality, String seriesUid, String seriesDescription,
	String seriesNumber, int instanceNumber, double[] position, double[] orientation, double[] pixelSpacing, double sliceThickness,
	double gantryTilt, int rows, int columns, int samplesPerPixel, int frames, int bitsAllocated, int bitsStored, boolean signed,
	double slope, double intercept, long pixelOffset, long pixelLength) {

	public static final String IMPLICIT_LE = "1.2.840.10008.1.2", EXPLICIT_LE = "1.2.840.10008.1.2.1";

	/** Names of transfer syntaxes ConvKit refuses, for its messages. */
	static final Map<String, String> SYNTAX_NAMES = Map.ofEntries(
		Map.entry("1.2.840.10008.1.2.2", "Explicit VR Big Endian"),
		Map.entry("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"),
		Map.entry("1.2.840.10008.1.2.5", "RLE Lossless"),
		Map.entry("1.2.840.10008.1.2.4.50", "JPEG Baseline"),
		Map.entry("1.2.840.10008.1.2.4.51", "JPEG Extended"),
		Map.entry("1.2.840.10008.1.2.4.57", "JPEG Lossless"),
		Map.entry("1.2.840.10008.1.2.4.70", "JPEG Lossless SV1"),
		Map.entry("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless"),
		Map.entry("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless"),
		Map.entry("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless"),
		Map.entry("1.2.840.10008.1.2.4.91", "JPEG 2000"),
		Map.entry("1.2.840.10008.1.2.4.201", "HTJ2K Lossless"),
		Map.entry("1.2.840.10008.1.2.4.203", "HTJ2K"));

	/** The transfer syntax in words: "JPEG 2000 Lossless (1.2.840.10008.1.2.4.90)". */
	public static String syntaxName(String uid) {
		if (uid.equals(EXPLICIT_LE)) return "Explicit VR Little Endian (" + uid + ")";
		if (uid.equals(IMPLICIT_LE)) return "Implicit VR Little Endian (" + uid + ")";
		return SYNTAX_NAMES.getOrDefault(uid, "transfer syntax") + " (" + uid + ")";
	}

	/** Whether the pixel data is stored uncompressed in a syntax ConvKit decodes. */
	public boolean uncompressed() {
		return transferSyntax.equals(EXPLICIT_LE) || transferSyntax.equals(IMPLICIT_LE);
	}

	/** Whether the pixel data is JPEG 2000 (lossless or not; not HTJ2K). */
	public boolean jpeg2000() {
		return transferSyntax.equals(JPEG2000_LOSSLESS) || transferSyntax.equals(JPEG2000);
	}

	public static final String JPEG2000_LOSSLESS = "1.2.840.10008.1.2.4.90", JPEG2000 = "1.2.840.10008.1.2.4.91";

	/** Whether the file is a DICOM file: "DICM" after the 128-byte preamble. */
	public static boolean isDicom(byte[] bytes, int length) {
		return length >= 132 && bytes[128] == 'D' && bytes[129] == 'I' && bytes[130] == 'C' && bytes[131] == 'M';
	}

	/**
	 * Parses a file's header.
	 *
	 * @throws IOException naming the file and the element for anything malformed
	 */
	public static DicomSlice parse(Path file, byte[] bytes) throws IOException {
		return new Parser(file, bytes).parse();
	}

	/** Decodes the uncompressed pixel data to values with the rescale applied, into {@code out} (rows x columns). */
	public void decode(byte[] bytes, float[] out) throws IOException {
		String label = file.getFileName().toString();
		if (jpeg2000()) {
			decodeJpeg2000(label, bytes, out);
			return;
		}
		long needed = (long) rows * columns * (bitsAllocated / 8);
		if (pixelOffset < 0) throw new IOException(label + ": no pixel data (7FE0,0010)");
		if (pixelLength < needed || pixelOffset + needed > bytes.length) {
			throw new IOException(String.format(Locale.ROOT, "%s: pixel data (7FE0,0010) holds %d bytes, expected %d for %dx%d pixels of %d bits",
				label, Math.min(pixelLength, bytes.length - pixelOffset), needed, columns, rows, bitsAllocated));
		}
		ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		int off = (int) pixelOffset, n = rows * columns;
		int unused = bitsAllocated - bitsStored;
		float m = (float) slope, c = (float) intercept;
		for (int i = 0; i < n; i++) {
			long raw = switch (bitsAllocated) {
				case 8 -> b.get(off + i) & 0xffL;
				case 16 -> b.getShort(off + 2 * i) & 0xffffL;
				default -> b.getInt(off + 4 * i) & 0xffffffffL;
			};
			long v;
			if (signed) v = (raw << (64 - bitsStored)) >> (64 - bitsStored); // sign-extend from bitsStored
			else v = unused > 0 ? raw & ((1L << bitsStored) - 1) : raw;
			out[i] = v * m + c;
		}
	}

	/**
	 * JPEG 2000 through an ImageIO reader of format "jpeg2000" (jai-imageio's JJ2000, a runtime
	 * dependency): the fragments of the encapsulated pixel data joined into one codestream, decoded,
	 * then masked, sign-extended and rescaled as uncompressed pixels are. Without such a reader the
	 * series is refused, naming the syntax.
	 */
	private void decodeJpeg2000(String label, byte[] bytes, float[] out) throws IOException {
		byte[] codestream = fragments(label, bytes);
		checkSiz(label, codestream);
		javax.imageio.ImageReader reader = Jpeg2000.reader();
		if (reader == null) {
			throw new IOException(label + ": " + syntaxName(transferSyntax) + " is not supported (no JPEG 2000 decoder on the class path: add "
				+ "jai-imageio-jpeg2000); convert the series with dcm2niix or gdcmconv --raw");
		}
		java.awt.image.Raster raster;
		try (javax.imageio.stream.ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(codestream))) {
			reader.setInput(in);
			raster = reader.readRaster(0, null);
		}
		catch (IOException | RuntimeException | StackOverflowError e) {
			throw new IOException(label + ": JPEG 2000 pixel data could not be decoded (" + e + ")", e);
		}
		finally {
			reader.dispose();
		}
		if (raster.getWidth() != columns || raster.getHeight() != rows || raster.getNumBands() != 1) {
			throw new IOException(String.format(Locale.ROOT, "%s: JPEG 2000 image is %dx%d with %d band(s); the header says %dx%d grey (Columns x Rows)", label,
				raster.getWidth(), raster.getHeight(), raster.getNumBands(), columns, rows));
		}
		float m = (float) slope, c = (float) intercept;
		int[] row = new int[columns];
		long mask = bitsAllocated >= 32 ? 0xffffffffL : (1L << bitsAllocated) - 1;
		for (int y = 0; y < rows; y++) {
			raster.getSamples(0, y, columns, 1, 0, row);
			for (int x = 0; x < columns; x++) {
				long raw = row[x] & mask, v;
				if (signed) v = (raw << (64 - bitsStored)) >> (64 - bitsStored);
				else v = bitsStored < 64 ? raw & ((1L << bitsStored) - 1) : raw;
				out[y * columns + x] = v * m + c;
			}
		}
	}

	/**
	 * Checks the codestream's SIZ marker against the header before decoding, so a damaged codestream
	 * that claims a huge image is refused instead of allocated.
	 */
	private void checkSiz(String label, byte[] c) throws IOException {
		ByteBuffer b = ByteBuffer.wrap(c).order(ByteOrder.BIG_ENDIAN);
		if (c.length < 42 || (b.getShort(0) & 0xffff) != 0xff4f || (b.getShort(2) & 0xffff) != 0xff51) {
			throw new IOException(label + ": pixel data is not a JPEG 2000 codestream (no SOC and SIZ markers at its start)");
		}
		long xsiz = b.getInt(8) & 0xffffffffL, ysiz = b.getInt(12) & 0xffffffffL, x0 = b.getInt(16) & 0xffffffffL, y0 = b.getInt(20) & 0xffffffffL;
		long xt = b.getInt(24) & 0xffffffffL, yt = b.getInt(28) & 0xffffffffL;
		int components = b.getShort(40) & 0xffff;
		if (xsiz - x0 != columns || ysiz - y0 != rows || components != 1 || xt == 0 || yt == 0 || ((xsiz + xt - 1) / xt) * ((ysiz + yt - 1) / yt) > 65535) {
			throw new IOException(String.format(Locale.ROOT, "%s: JPEG 2000 codestream is %dx%d with %d component(s) in %dx%d tiles; the header says %dx%d grey (Columns x Rows)",
				label, xsiz - x0, ysiz - y0, components, xt, yt, columns, rows));
		}
	}

	/** The fragments of single-frame encapsulated pixel data, the basic offset table left out. */
	private byte[] fragments(String label, byte[] bytes) throws IOException {
		if (pixelOffset < 0) throw new IOException(label + ": no pixel data (7FE0,0010)");
		ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		java.io.ByteArrayOutputStream code = new java.io.ByteArrayOutputStream();
		long pos = pixelOffset;
		boolean table = true;
		while (true) {
			if (pos + 8 > bytes.length) throw new IOException(label + ": encapsulated pixel data (7FE0,0010) ends without its sequence delimiter (truncated file)");
			int g = b.getShort((int) pos) & 0xffff, e = b.getShort((int) pos + 2) & 0xffff;
			long len = b.getInt((int) pos + 4) & 0xffffffffL;
			pos += 8;
			if (g == 0xfffe && e == 0xe0dd) break;
			if (g != 0xfffe || e != 0xe000) throw new IOException(String.format(Locale.ROOT, "%s: encapsulated pixel data holds (%04X,%04X) where an item (FFFE,E000) belongs", label, g, e));
			if (len > bytes.length - pos) throw new IOException(label + ": a pixel data fragment of " + len + " bytes runs past the end of the file (truncated file)");
			if (!table) code.write(bytes, (int) pos, (int) len);
			table = false;
			pos += len;
		}
		if (code.size() == 0) throw new IOException(label + ": encapsulated pixel data (7FE0,0010) holds no fragments");
		return code.toByteArray();
	}

	/** Finds the JPEG 2000 ImageIO reader, once looking for plugins on the class path. */
	private static final class Jpeg2000 {
		private static volatile boolean scanned;

		static javax.imageio.ImageReader reader() {
			var readers = javax.imageio.ImageIO.getImageReadersByFormatName("jpeg2000");
			if (!readers.hasNext() && !scanned) {
				scanned = true;
				javax.imageio.ImageIO.scanForPlugins();
				readers = javax.imageio.ImageIO.getImageReadersByFormatName("jpeg2000");
			}
			return readers.hasNext() ? readers.next() : null;
		}
	}

	private static final class Parser {

		private final Path file;
		private final String label;
		private final byte[] bytes;
		private final ByteBuffer b;
		private int pos;
		private boolean explicit = true;

		String syntax = IMPLICIT_LE, modality = "", seriesUid = "", description = "", seriesNumber = "";
		int instance, rows = -1, columns = -1, samples = 1, frames = 1, bitsAllocated = -1, bitsStored = -1, representation;
		double[] position, orientation, spacing;
		double thickness, tilt, slope = 1, intercept;
		long pixelOffset = -1, pixelLength = -1;

		Parser(Path file, byte[] bytes) {
			this.file = file;
			this.label = file.getFileName().toString();
			this.bytes = bytes;
			this.b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		}

		DicomSlice parse() throws IOException {
			if (isDicom(bytes, bytes.length)) {
				pos = 132;
				// group 0002 is always explicit VR little endian
				while (pos + 4 <= bytes.length && b.getShort(pos) == 0x0002) element(true, 0);
			}
			else {
				// no preamble: an old-style implicit VR file
				pos = 0;
				explicit = false;
			}
			if (syntax.equals("1.2.840.10008.1.2.2") || syntax.equals("1.2.840.10008.1.2.1.99")) {
				throw new IOException(label + ": " + syntaxName(syntax) + " is not supported; convert the series with dcm2niix or gdcmconv --raw");
			}
			explicit = !syntax.equals(IMPLICIT_LE);
			while (pos < bytes.length && pixelOffset < 0) element(explicit, 0);
			return new DicomSlice(file, syntax, modality, seriesUid, description, seriesNumber, instance, position, orientation, spacing,
				thickness, tilt, rows, columns, samples, frames, bitsAllocated, bitsStored, representation == 1, slope, intercept, pixelOffset,
				pixelLength);
		}

		/** Reads one element at pos (depth 0: the data set's own, else inside a sequence, skipped). */
		private void element(boolean explicitVr, int depth) throws IOException {
			if (depth > 16) throw new IOException(label + ": sequences nested more than 16 deep at byte " + pos);
			need(8, "an element header");
			int group = b.getShort(pos) & 0xffff, elem = b.getShort(pos + 2) & 0xffff;
			String tag = String.format(Locale.ROOT, "(%04X,%04X)", group, elem);
			String vr = null;
			long length;
			if (group == 0xfffe) {
				// item / delimiters carry no VR
				length = b.getInt(pos + 4) & 0xffffffffL;
				pos += 8;
			}
			else if (explicitVr) {
				vr = new String(bytes, pos + 4, 2, StandardCharsets.ISO_8859_1);
				if (longVr(vr)) {
					need(12, "element " + tag);
					length = b.getInt(pos + 8) & 0xffffffffL;
					pos += 12;
				}
				else {
					if (!Character.isUpperCase(vr.charAt(0)) || !Character.isUpperCase(vr.charAt(1))) {
						throw new IOException(label + ": element " + tag + " at byte " + pos + " has VR '" + printable(vr) + "'; expected two capital letters (damaged file?)");
					}
					length = b.getShort(pos + 6) & 0xffff;
					pos += 8;
				}
			}
			else {
				length = b.getInt(pos + 4) & 0xffffffffL;
				pos += 8;
			}
			boolean undefined = length == 0xffffffffL;
			if (group == 0x7fe0 && elem == 0x0010 && depth == 0) {
				pixelOffset = pos;
				if (undefined) {
					pixelLength = -1;
					return;
				}
				pixelLength = Math.min(length, bytes.length - pos);
				if (length > bytes.length - pos) {
					throw new IOException(String.format(Locale.ROOT, "%s: pixel data (7FE0,0010) is %d bytes long but the file ends %d bytes after it starts (truncated file)",
						label, length, bytes.length - pos));
				}
				return;
			}
			if (undefined) {
				// a sequence (SQ, or any undefined length in implicit VR) or an item: read nested elements to its delimiter
				int end = group == 0xfffe && elem == 0xe000 ? 0xe00d : 0xe0dd;
				while (true) {
					need(8, "the end of " + tag + "'s undefined-length value");
					int g = b.getShort(pos) & 0xffff, e = b.getShort(pos + 2) & 0xffff;
					if (g == 0xfffe && e == end) {
						pos += 8;
						return;
					}
					element(explicitVr, depth + 1);
				}
			}
			if (length > bytes.length - pos) {
				throw new IOException(String.format(Locale.ROOT, "%s: element %s is %d bytes long but only %d bytes follow (truncated or damaged file)",
					label, tag, length, bytes.length - pos));
			}
			int start = pos;
			int len = (int) length;
			if (group == 0xfffe && elem == 0xe000) {
				// a defined-length item: its content are elements; skip it as a whole
				pos += len;
				return;
			}
			pos += len;
			if (depth > 0) return;
			read(group, elem, tag, start, len);
		}

		private void read(int group, int elem, String tag, int start, int len) throws IOException {
			switch ((group << 16) | elem) {
				case 0x00020010 -> syntax = text(start, len);
				case 0x00080060 -> modality = text(start, len);
				case 0x0008103e -> description = text(start, len);
				case 0x0020000e -> seriesUid = text(start, len);
				case 0x00200011 -> seriesNumber = text(start, len);
				case 0x00200013 -> instance = (int) number(tag, "InstanceNumber", start, len, 1)[0];
				case 0x00200032 -> position = number(tag, "ImagePositionPatient", start, len, 3);
				case 0x00200037 -> orientation = number(tag, "ImageOrientationPatient", start, len, 6);
				case 0x00280030 -> spacing = number(tag, "PixelSpacing", start, len, 2);
				case 0x00180050 -> thickness = len == 0 ? 0 : number(tag, "SliceThickness", start, len, 1)[0];
				case 0x00181120 -> tilt = len == 0 ? 0 : number(tag, "GantryDetectorTilt", start, len, 1)[0];
				case 0x00281053 -> slope = number(tag, "RescaleSlope", start, len, 1)[0];
				case 0x00281052 -> intercept = number(tag, "RescaleIntercept", start, len, 1)[0];
				case 0x00280002 -> samples = us(tag, start, len);
				case 0x00280008 -> frames = len == 0 ? 1 : (int) number(tag, "NumberOfFrames", start, len, 1)[0];
				case 0x00280010 -> rows = us(tag, start, len);
				case 0x00280011 -> columns = us(tag, start, len);
				case 0x00280100 -> bitsAllocated = us(tag, start, len);
				case 0x00280101 -> bitsStored = us(tag, start, len);
				case 0x00280103 -> representation = us(tag, start, len);
				default -> {
				}
			}
		}

		private String text(int start, int len) {
			return new String(bytes, start, len, StandardCharsets.ISO_8859_1).replace('\0', ' ').strip();
		}

		private double[] number(String tag, String name, int start, int len, int count) throws IOException {
			String text = text(start, len);
			String[] parts = text.split("\\\\");
			if (parts.length < count) throw new IOException(label + ": " + name + " " + tag + " is '" + text + "', expected " + count + " number" + (count == 1 ? "" : "s"));
			double[] v = new double[count];
			for (int i = 0; i < count; i++) {
				try {
					v[i] = Double.parseDouble(parts[i].strip());
				}
				catch (NumberFormatException e) {
					throw new IOException(label + ": " + name + " " + tag + " is '" + text + "', expected " + count + " number" + (count == 1 ? "" : "s"));
				}
				if (!Double.isFinite(v[i])) throw new IOException(label + ": " + name + " " + tag + " is '" + text + "', expected finite numbers");
			}
			return v;
		}

		private int us(String tag, int start, int len) throws IOException {
			if (len != 2) throw new IOException(label + ": element " + tag + " is " + len + " bytes long, expected a 2-byte unsigned short");
			return b.getShort(start) & 0xffff;
		}

		private void need(int n, String what) throws IOException {
			if (pos + n > bytes.length) throw new IOException(label + ": file ends at byte " + bytes.length + " inside " + what + " (truncated file)");
		}

		private static boolean longVr(String vr) {
			return switch (vr) {
				case "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV" -> true;
				default -> false;
			};
		}

		private static String printable(String s) {
			StringBuilder out = new StringBuilder();
			for (char c : s.toCharArray()) out.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
			return out.toString();
		}
	}
}
