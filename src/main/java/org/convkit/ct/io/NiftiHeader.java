package org.convkit.ct.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The 348-byte NIfTI-1 header, the fields ConvKit reads and writes (offsets from the standard's
 * nifti1.h). {@link #parse} checks every field it uses and throws an IOException naming the file
 * and the field; the byte order is that in which {@code sizeof_hdr} reads 348.
 *
 * @param order      byte order of the file
 * @param dim        dim[0..7]: number of dimensions, then the size of each
 * @param datatype   NIFTI_TYPE_* code
 * @param bitpix     bits per voxel
 * @param pixdim     pixdim[0..7]; pixdim[0] is qfac (the sign of the third axis in the qform)
 * @param voxOffset  byte offset of the voxel data in a single (.nii) file
 * @param sclSlope   scaling slope (0 or not finite: no scaling)
 * @param sclInter   scaling intercept
 * @param xyztUnits  spatial units (bits 0-2) and time units (bits 3-5)
 * @param intentCode NIFTI_INTENT_* code (1002: labels)
 * @param descrip    the description text
 * @param qformCode  0: no qform
 * @param sformCode  0: no sform
 * @param quatern    quatern_b, c, d, qoffset_x, y, z
 * @param srow       srow_x, srow_y, srow_z: the sform's 3x4 affine, row-major
 * @param magic      "n+1" (single file) or "ni1" (header and image pair)
 */
public record NiftiHeader(ByteOrder order, int[] dim, int datatype, int bitpix, double[] pixdim, double voxOffset,
	double sclSlope, double sclInter, int xyztUnits, int intentCode, String descrip, int qformCode, int sformCode,
	double[] quatern, double[] srow, String magic) {

	public static final int SIZE = 348;
	/** Where the voxels of a file ConvKit writes start: the header and 4 bytes of (empty) extension flags. */
	public static final int VOX_OFFSET = 352;

	public static final int UINT8 = 2, INT16 = 4, INT32 = 8, FLOAT32 = 16, FLOAT64 = 64, INT8 = 256, UINT16 = 512;
	public static final int INTENT_LABEL = 1002;
	public static final int UNITS_METER = 1, UNITS_MM = 2, UNITS_MICRON = 3, UNITS_SEC = 8, UNITS_MSEC = 16, UNITS_USEC = 24;

	/** Bytes per voxel of a datatype ConvKit reads, or 0. */
	public static int bytesPerVoxel(int datatype) {
		return switch (datatype) {
			case UINT8, INT8 -> 1;
			case INT16, UINT16 -> 2;
			case INT32, FLOAT32 -> 4;
			case FLOAT64 -> 8;
			default -> 0;
		};
	}

	/** The datatype's name in nifti1.h terms. */
	public static String typeName(int datatype) {
		return switch (datatype) {
			case UINT8 -> "uint8";
			case INT8 -> "int8";
			case INT16 -> "int16";
			case UINT16 -> "uint16";
			case INT32 -> "int32";
			case FLOAT32 -> "float32";
			case FLOAT64 -> "float64";
			case 1 -> "binary";
			case 32 -> "complex64";
			case 128 -> "rgb24";
			case 768 -> "uint32";
			case 1024 -> "int64";
			case 1280 -> "uint64";
			case 1536 -> "float128";
			case 1792 -> "complex128";
			case 2048 -> "complex256";
			case 2304 -> "rgba32";
			default -> "unknown";
		};
	}

	/** Number of dimensions used (dim[0]). */
	public int dimensions() {
		return dim[0];
	}

	/** Total voxels: the product of dim[1..dim[0]]. */
	public long voxels() {
		long n = 1;
		for (int d = 1; d <= dim[0]; d++) n *= dim[d];
		return n;
	}

	/** Whether scl_slope asks for scaling (non-zero and finite). */
	public boolean scaled() {
		return sclSlope != 0 && Double.isFinite(sclSlope) && !(sclSlope == 1 && (sclInter == 0 || !Double.isFinite(sclInter)));
	}

	/** Factor from the file's spatial unit to mm (unknown taken as mm). */
	public double toMillimetres() {
		return switch (xyztUnits & 7) {
			case UNITS_METER -> 1000;
			case UNITS_MICRON -> 0.001;
			default -> 1;
		};
	}

	/** Factor from the file's time unit to seconds (unknown taken as seconds). */
	public double toSeconds() {
		return switch (xyztUnits & 0x38) {
			case UNITS_MSEC -> 0.001;
			case UNITS_USEC -> 1e-6;
			default -> 1;
		};
	}

	/**
	 * Parses and checks a header.
	 *
	 * @param label  the file's name, for errors
	 * @param bytes  at least the first 348 bytes of the file (fewer: truncated)
	 * @param length the number of bytes available
	 */
	public static NiftiHeader parse(String label, byte[] bytes, int length) throws IOException {
		if (length < 4) throw new IOException(label + ": file is " + length + " bytes long; a NIfTI-1 header is " + SIZE + " bytes (empty or truncated file)");
		ByteBuffer b = ByteBuffer.wrap(bytes, 0, length).order(ByteOrder.LITTLE_ENDIAN);
		int sizeofHdr = b.getInt(0);
		if (sizeofHdr != SIZE) {
			b.order(ByteOrder.BIG_ENDIAN);
			int swapped = b.getInt(0);
			if (swapped != SIZE) {
				if (sizeofHdr == 540 || swapped == 540) throw new IOException(label + ": sizeof_hdr is 540: a NIfTI-2 file; only NIfTI-1 is supported (convert with nibabel or c3d)");
				throw new IOException(label + ": sizeof_hdr is " + sizeofHdr + ", expected " + SIZE + " (not a NIfTI-1 file)");
			}
		}
		if (length < SIZE) throw new IOException(label + ": header truncated: file has " + length + " bytes, a NIfTI-1 header is " + SIZE);
		String magic = new String(bytes, 344, 3, StandardCharsets.ISO_8859_1);
		if (magic.equals("ni1")) throw new IOException(label + ": magic is 'ni1': a header of a .hdr/.img pair; only single-file NIfTI-1 (.nii, .nii.gz) is supported");
		if (!magic.equals("n+1") || bytes[347] != 0) {
			throw new IOException(label + ": magic is '" + printable(bytes, 344, 4) + "', expected 'n+1' (not a NIfTI-1 file)");
		}
		int[] dim = new int[8];
		for (int i = 0; i < 8; i++) dim[i] = b.getShort(40 + 2 * i);
		if (dim[0] < 1 || dim[0] > 7) throw new IOException(label + ": dim[0] is " + dim[0] + ", expected 1 to 7 dimensions");
		for (int i = 1; i <= dim[0]; i++) {
			if (dim[i] < 1) throw new IOException(label + ": dim[" + i + "] is " + dim[i] + ", expected a positive size");
		}
		for (int i = 5; i <= dim[0]; i++) {
			if (dim[i] != 1) throw new IOException(label + ": dim[" + i + "] is " + dim[i] + "; volumes of more than 4 dimensions are not supported");
		}
		int datatype = b.getShort(70);
		int bitpix = b.getShort(72);
		int bytesPer = bytesPerVoxel(datatype);
		if (bytesPer == 0) {
			throw new IOException(label + ": datatype is " + datatype + " (" + typeName(datatype)
				+ "); supported: uint8, int8, int16, uint16, int32, float32, float64");
		}
		if (bitpix != 8 * bytesPer) throw new IOException(label + ": bitpix is " + bitpix + ", expected " + 8 * bytesPer + " for datatype " + typeName(datatype));
		double[] pixdim = new double[8];
		for (int i = 0; i < 8; i++) pixdim[i] = b.getFloat(76 + 4 * i);
		double voxOffset = b.getFloat(108);
		if (!(voxOffset >= SIZE) || voxOffset > Integer.MAX_VALUE || voxOffset != Math.floor(voxOffset)) {
			throw new IOException(label + ": vox_offset is " + voxOffset + ", expected a whole number of bytes >= " + SIZE);
		}
		double sclSlope = b.getFloat(112), sclInter = b.getFloat(116);
		int xyztUnits = bytes[123] & 0xff;
		int intentCode = b.getShort(68);
		String descrip = cString(bytes, 148, 80);
		int qformCode = b.getShort(252), sformCode = b.getShort(254);
		double[] quatern = new double[6];
		for (int i = 0; i < 6; i++) quatern[i] = b.getFloat(256 + 4 * i);
		double[] srow = new double[12];
		for (int i = 0; i < 12; i++) srow[i] = b.getFloat(280 + 4 * i);
		return new NiftiHeader(b.order(), dim, datatype, bitpix, pixdim, voxOffset, sclSlope, sclInter, xyztUnits, intentCode, descrip,
			qformCode, sformCode, quatern, srow, magic);
	}

	/** The header as 348 bytes plus 4 zero bytes of extension flags, in {@link #order()}. */
	public byte[] encode() {
		ByteBuffer b = ByteBuffer.allocate(VOX_OFFSET).order(order);
		b.putInt(0, SIZE);
		for (int i = 0; i < 8; i++) b.putShort(40 + 2 * i, (short) dim[i]);
		b.putShort(68, (short) intentCode);
		b.putShort(70, (short) datatype);
		b.putShort(72, (short) bitpix);
		for (int i = 0; i < 8; i++) b.putFloat(76 + 4 * i, (float) pixdim[i]);
		b.putFloat(108, (float) voxOffset);
		b.putFloat(112, (float) sclSlope);
		b.putFloat(116, (float) sclInter);
		b.put(123, (byte) xyztUnits);
		byte[] text = descrip.getBytes(StandardCharsets.US_ASCII);
		b.put(148, text, 0, Math.min(79, text.length));
		b.putShort(252, (short) qformCode);
		b.putShort(254, (short) sformCode);
		for (int i = 0; i < 6; i++) b.putFloat(256 + 4 * i, (float) quatern[i]);
		for (int i = 0; i < 12; i++) b.putFloat(280 + 4 * i, (float) srow[i]);
		b.put(344, magic.getBytes(StandardCharsets.US_ASCII), 0, 3);
		return b.array();
	}

	private static String cString(byte[] bytes, int offset, int length) {
		int end = offset;
		while (end < offset + length && bytes[end] != 0) end++;
		return new String(bytes, offset, end - offset, StandardCharsets.ISO_8859_1);
	}

	private static String printable(byte[] bytes, int offset, int length) {
		StringBuilder s = new StringBuilder();
		for (int i = offset; i < offset + length; i++) {
			int c = bytes[i] & 0xff;
			s.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c));
		}
		return s.toString();
	}

	@Override
	public String toString() {
		return "NiftiHeader[dim=" + Arrays.toString(dim) + ", datatype=" + typeName(datatype) + ", pixdim=" + Arrays.toString(pixdim)
			+ ", qform_code=" + qformCode + ", sform_code=" + sformCode + "]";
	}
}
