package org.convkit.ct.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

import org.convkit.core.io.AtomicFiles;
import org.convkit.core.runtime.MemoryGuard;
import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.convkit.ct.VolumeGeometry;

import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Reads and writes single-file NIfTI-1 volumes ({@code .nii}, and gzip-compressed {@code .nii.gz},
 * recognised by content, not by name).
 *
 * <p>Reading: uint8, int8, int16, uint16, int32, float32 and float64 voxels in either byte order,
 * 1 to 4 dimensions, {@code scl_slope}/{@code scl_inter} applied (a slope of 0 means none, as the
 * standard says). Geometry: the sform when {@code sform_code > 0}, else the qform quaternion when
 * {@code qform_code > 0}, else pixdim alone (axes taken as RAS, origin 0, and a note says so);
 * units from {@code xyzt_units} converted to mm (unknown taken as mm). The size is checked against
 * the memory available ({@link MemoryGuard}) before any voxel is allocated, and an uncompressed
 * file against its length.
 *
 * <p>Writing: int16 (with {@code scl_slope}/{@code scl_inter} when the values are not integers in
 * int16's range), float32, or uint8/int16/int32 for labels ({@link NiftiDatatype}); little-endian,
 * {@code vox_offset} 352, sform and qform both set (code 1, scanner anatomical) from the same
 * geometry, units mm and s. Files go through {@link AtomicFiles}.
 */
public final class NiftiFiles {

	/** What the files are, in the words errors use. */
	public static final String EXPECTED = ".nii or .nii.gz (NIfTI-1)";
	/** ConvKit's mark in descrip, followed by the value kind's unit: how a volume's kind survives a round trip. */
	static final String DESCRIP = "ConvKit ";

	private NiftiFiles() {}

	/** Whether a file name is a NIfTI name (.nii or .nii.gz, any case). */
	public static boolean isNiftiName(Path file) {
		String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
		return name.endsWith(".nii") || name.endsWith(".nii.gz");
	}

	/** Reads a file's header only. */
	public static NiftiHeader readHeader(Path file) throws IOException {
		String label = file.getFileName().toString();
		try (InputStream in = open(file)) {
			byte[] bytes = in.readNBytes(NiftiHeader.SIZE);
			return NiftiHeader.parse(label, bytes, bytes.length);
		}
		catch (ZipException | EOFException e) {
			throw new IOException(label + ": corrupt gzip data (" + e.getMessage() + ")", e);
		}
	}

	public static Volume read(Path file) throws IOException {
		String label = file.getFileName().toString();
		if (Files.isDirectory(file)) throw new IOException(label + ": is a folder; expected a " + EXPECTED + " file");
		try (InputStream in = open(file)) {
			return read(file, label, in);
		}
		catch (ZipException | EOFException e) {
			throw new IOException(label + ": corrupt gzip data (" + e.getMessage() + ")", e);
		}
	}

	private static InputStream open(Path file) throws IOException {
		InputStream raw;
		try {
			raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
		}
		catch (NoSuchFileException e) {
			throw new NoSuchFileException(file.toString(), null, "no such file");
		}
		raw.mark(2);
		int b0 = raw.read(), b1 = raw.read();
		raw.reset();
		return b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
	}

	private static Volume read(Path file, String label, InputStream in) throws IOException {
		byte[] headerBytes = in.readNBytes(NiftiHeader.SIZE);
		NiftiHeader h = NiftiHeader.parse(label, headerBytes, headerBytes.length);
		List<String> notes = new ArrayList<>();
		long nx = h.dim()[1], ny = h.dimensions() >= 2 ? h.dim()[2] : 1, nz = h.dimensions() >= 3 ? h.dim()[3] : 1, nt = h.dimensions() >= 4 ? h.dim()[4] : 1;
		int bytesPer = NiftiHeader.bytesPerVoxel(h.datatype());
		String dims = nx + "x" + ny + "x" + nz + (nt > 1 ? "x" + nt : "");
		if (nx * ny > Integer.MAX_VALUE / bytesPer || nz * nt > Integer.MAX_VALUE) {
			throw new IOException(label + ": dim is " + dims + "; a plane of x*y voxels and the number of planes must each fit in a Java array");
		}
		long dataBytes = nx * ny * nz * nt * bytesPer;
		boolean compressed = !isPlain(file);
		if (!compressed && Files.size(file) < (long) h.voxOffset() + dataBytes) {
			throw new IOException(String.format(Locale.ROOT, "%s: truncated: dim %s of %s needs %d bytes of voxels after vox_offset %d, but the file has %d bytes",
				label, dims, NiftiHeader.typeName(h.datatype()), dataBytes, (long) h.voxOffset(), Files.size(file)));
		}
		guardMemory(label, dims, nx * ny * nz * nt);
		VolumeGeometry geometry = geometry(h, label, notes);
		long skip = (long) h.voxOffset() - NiftiHeader.SIZE;
		try {
			in.skipNBytes(skip);
		}
		catch (EOFException e) {
			throw new IOException(label + ": truncated: the file ends before vox_offset " + (long) h.voxOffset(), e);
		}
		PlanarImg<FloatType, FloatArray> img = Volume.allocate(h.dimensions() >= 4 && nt > 1 ? new long[] {nx, ny, nz, nt} : new long[] {nx, ny, nz});
		int planeVoxels = (int) (nx * ny);
		byte[] buffer = new byte[planeVoxels * bytesPer];
		ByteBuffer bb = ByteBuffer.wrap(buffer).order(h.order());
		boolean scaled = h.scaled();
		float slope = (float) h.sclSlope(), inter = Double.isFinite(h.sclInter()) ? (float) h.sclInter() : 0;
		float min = Float.POSITIVE_INFINITY;
		boolean integers = true;
		long planes = nz * nt;
		for (int p = 0; p < planes; p++) {
			int got = in.readNBytes(buffer, 0, buffer.length);
			if (got < buffer.length) {
				throw new IOException(String.format(Locale.ROOT, "%s: truncated: voxel data ends after %d of %d bytes (plane %d of %d)",
					label, (long) p * buffer.length + got, dataBytes, p + 1, planes));
			}
			float[] out = img.getPlane(p).getCurrentStorageArray();
			decode(bb, h.datatype(), out);
			for (int i = 0; i < out.length; i++) {
				float v = scaled ? out[i] * slope + inter : out[i];
				out[i] = v;
				if (v < min) min = v;
				if (integers && v != Math.rint(v)) integers = false;
			}
		}
		ValueKind kind = kind(h, scaled, min, notes);
		double frameInterval = nt > 1 && h.pixdim()[4] > 0 && Double.isFinite(h.pixdim()[4]) ? h.pixdim()[4] * h.toSeconds() : 0;
		return new Volume(img, geometry, kind, frameInterval, file.toAbsolutePath().toString(), notes);
	}

	private static boolean isPlain(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			return !(in.read() == 0x1f && in.read() == 0x8b);
		}
	}

	static void guardMemory(String label, String dims, long voxels) {
		try {
			MemoryGuard.check("path", "reading " + label + " (" + dims + " voxels as 32-bit floats)", 0, voxels * Float.BYTES);
		}
		catch (IllegalArgumentException e) {
			throw new IllegalArgumentException(label + ": " + e.getMessage(), e);
		}
	}

	private static void decode(ByteBuffer b, int datatype, float[] out) {
		b.clear();
		switch (datatype) {
			case NiftiHeader.UINT8 -> { for (int i = 0; i < out.length; i++) out[i] = b.get(i) & 0xff; }
			case NiftiHeader.INT8 -> { for (int i = 0; i < out.length; i++) out[i] = b.get(i); }
			case NiftiHeader.INT16 -> { for (int i = 0; i < out.length; i++) out[i] = b.getShort(2 * i); }
			case NiftiHeader.UINT16 -> { for (int i = 0; i < out.length; i++) out[i] = b.getShort(2 * i) & 0xffff; }
			case NiftiHeader.INT32 -> { for (int i = 0; i < out.length; i++) out[i] = b.getInt(4 * i); }
			case NiftiHeader.FLOAT32 -> { for (int i = 0; i < out.length; i++) out[i] = b.getFloat(4 * i); }
			case NiftiHeader.FLOAT64 -> { for (int i = 0; i < out.length; i++) out[i] = (float) b.getDouble(8 * i); }
			default -> throw new IllegalStateException("datatype checked by the header: " + datatype);
		}
	}

	/** The voxel grid's geometry: sform, else qform, else pixdim (see the class comment). */
	static VolumeGeometry geometry(NiftiHeader h, String label, List<String> notes) throws IOException {
		double mm = h.toMillimetres();
		try {
			if (h.sformCode() > 0) {
				double[] m = h.srow().clone();
				for (int i = 0; i < 12; i++) {
					if (!Double.isFinite(m[i])) throw new IOException(label + ": srow_" + "xyz".charAt(i / 4) + " holds " + m[i] + "; expected finite numbers");
					m[i] *= mm;
				}
				VolumeGeometry g = VolumeGeometry.fromRasAffine(m);
				if (!g.orthonormal(1e-4)) notes.add(label + ": the sform's axes are not at right angles (a sheared grid); kept as they are");
				return g;
			}
			double[] spacing = new double[3];
			for (int a = 0; a < 3; a++) {
				double p = h.pixdim()[a + 1];
				boolean used = a < h.dimensions();
				if (!Double.isFinite(p) || (used && p == 0 && h.dim()[a + 1] > 1)) {
					throw new IOException(label + ": pixdim[" + (a + 1) + "] is " + p + "; expected a positive voxel size");
				}
				spacing[a] = p == 0 ? 1 : Math.abs(p) * mm;
			}
			if (h.qformCode() > 0) {
				double[] q = h.quatern();
				for (int i = 0; i < 6; i++) {
					if (!Double.isFinite(q[i])) throw new IOException(label + ": " + new String[] {"quatern_b", "quatern_c", "quatern_d", "qoffset_x", "qoffset_y", "qoffset_z"}[i] + " is " + q[i] + "; expected a finite number");
				}
				double b = q[0], c = q[1], d = q[2];
				double a = 1 - (b * b + c * c + d * d);
				if (a < 1e-7) {
					double n = Math.sqrt(b * b + c * c + d * d);
					b /= n;
					c /= n;
					d /= n;
					a = 0;
				}
				else {
					a = Math.sqrt(a);
				}
				double qfac = h.pixdim()[0] < 0 ? -1 : 1;
				double[][] r = {
					{a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
					{2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
					{2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}};
				double[] m = new double[12];
				for (int row = 0; row < 3; row++) {
					for (int col = 0; col < 3; col++) m[4 * row + col] = r[row][col] * spacing[col] * (col == 2 ? qfac : 1);
					m[4 * row + 3] = q[3 + row] * mm;
				}
				return VolumeGeometry.fromRasAffine(m);
			}
			notes.add(label + ": no orientation in the header (qform_code and sform_code are 0): axes taken as RAS, origin 0");
			return VolumeGeometry.fromRasAffine(new double[] {spacing[0], 0, 0, 0, 0, spacing[1], 0, 0, 0, 0, spacing[2], 0});
		}
		catch (IllegalArgumentException e) {
			throw new IOException(label + ": " + (h.sformCode() > 0 ? "sform (srow_x, srow_y, srow_z)" : "qform") + ": " + e.getMessage(), e);
		}
	}

	private static ValueKind kind(NiftiHeader h, boolean scaled, float min, List<String> notes) {
		if (h.intentCode() == NiftiHeader.INTENT_LABEL) return ValueKind.LABELS;
		if (h.descrip().startsWith(DESCRIP)) return ValueKind.parse(h.descrip().substring(DESCRIP.length()));
		if ((h.datatype() == NiftiHeader.UINT8 || h.datatype() == NiftiHeader.INT8) && !scaled) {
			notes.add("8-bit integer voxels: taken as labels");
			return ValueKind.LABELS;
		}
		if (min >= -3100 && min <= -900) {
			notes.add(String.format(Locale.ROOT, "values taken as HU: the lowest, %s, is that of air in CT", (long) Math.floor(min) == min ? String.valueOf((long) min) : String.valueOf(min)));
			return ValueKind.HOUNSFIELD;
		}
		return ValueKind.INTENSITY;
	}

	// -- writing --

	/** What {@link #write} stored: the type and the scaling. */
	public record Written(NiftiDatatype datatype, double slope, double intercept) {
	}

	/**
	 * Writes a volume; {@code .gz} at the end of the name compresses it.
	 *
	 * @throws IllegalArgumentException when the values do not fit the type asked for (the message
	 *         starts with {@code datatype})
	 */
	public static Written write(Path file, Volume volume, NiftiDatatype datatype) throws IOException {
		Range range = range(volume);
		Written plan = plan(volume.kind(), range, datatype);
		NiftiHeader header = header(volume, plan);
		boolean gzip = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
		AtomicFiles.write(file, temporary -> {
			try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16);
				OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw) {
				out.write(header.encode());
				writeVoxels(out, volume, plan);
			}
		});
		return plan;
	}

	private record Range(double min, double max, boolean integers, boolean finite) {
	}

	private static Range range(Volume volume) {
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		boolean integers = true, finite = true;
		int planes = (int) (volume.depth() * volume.frames());
		for (int p = 0; p < planes; p++) {
			for (float v : volume.voxels().getPlane(p).getCurrentStorageArray()) {
				if (!Float.isFinite(v)) {
					finite = false;
					continue;
				}
				if (v < min) min = v;
				if (v > max) max = v;
				if (integers && v != Math.rint(v)) integers = false;
			}
		}
		if (min > max) min = max = 0;
		return new Range(min, max, integers, finite);
	}

	static final String NOT_INTEGERS = "datatype: %s stores whole numbers from %s to %s, but the values range from %s to %s%s; use %s";

	private static Written plan(ValueKind kind, Range r, NiftiDatatype asked) {
		boolean fitsInt16 = r.integers && r.finite && r.min >= Short.MIN_VALUE && r.max <= Short.MAX_VALUE;
		NiftiDatatype type = asked;
		if (asked == NiftiDatatype.AUTO) {
			if (kind == ValueKind.LABELS && r.integers && r.finite && r.min >= 0 && r.max <= 255) type = NiftiDatatype.UINT8;
			else if (fitsInt16) type = NiftiDatatype.INT16;
			else if (kind == ValueKind.LABELS && r.integers && r.finite && r.min >= Integer.MIN_VALUE && r.max <= Integer.MAX_VALUE) type = NiftiDatatype.INT32;
			else type = NiftiDatatype.FLOAT32;
		}
		switch (type) {
			case UINT8 -> requireIntegers(r, type, 0, 255);
			case INT32 -> requireIntegers(r, type, Integer.MIN_VALUE, Integer.MAX_VALUE);
			case INT16 -> {
				if (!r.finite) throw new IllegalArgumentException("datatype: int16 cannot store NaN or infinite values; use float32");
				if (!fitsInt16) {
					// 65535 steps over the range, the middle value stored as 0
					double slope = (r.max - r.min) / 65534.0;
					if (slope == 0) slope = 1;
					return new Written(type, slope, (r.max + r.min) / 2);
				}
			}
			default -> {
			}
		}
		return new Written(type, 1, 0);
	}

	private static void requireIntegers(Range r, NiftiDatatype type, long from, long to) {
		if (!(r.integers && r.finite && r.min >= from && r.max <= to)) {
			throw new IllegalArgumentException(String.format(Locale.ROOT, NOT_INTEGERS, type.option(), from, to, fmt(r.min), fmt(r.max),
				r.integers ? "" : " (not all whole numbers)", "int16 or float32"));
		}
	}

	private static NiftiHeader header(Volume volume, Written plan) {
		int n = volume.frames() > 1 ? 4 : 3;
		int[] dim = {n, (int) volume.width(), (int) volume.height(), (int) volume.depth(), (int) volume.frames(), 1, 1, 1};
		VolumeGeometry g = volume.geometry();
		double[] ras = g.rasAffine();
		double[] pixdim = {1, g.spacing(0), g.spacing(1), g.spacing(2), volume.frames() > 1 ? volume.frameInterval() : 0, 0, 0, 0};
		double[] quatern = new double[6];
		int qformCode = 0;
		if (g.orthonormal(1e-4)) {
			double[] q = quaternion(g);
			System.arraycopy(q, 0, quatern, 0, 3);
			pixdim[0] = q[3];
			qformCode = 1;
		}
		quatern[3] = ras[3];
		quatern[4] = ras[7];
		quatern[5] = ras[11];
		int bytes = NiftiHeader.bytesPerVoxel(plan.datatype().code());
		return new NiftiHeader(ByteOrder.LITTLE_ENDIAN, dim, plan.datatype().code(), 8 * bytes, pixdim, NiftiHeader.VOX_OFFSET,
			plan.slope(), plan.intercept(), NiftiHeader.UNITS_MM | NiftiHeader.UNITS_SEC,
			volume.kind() == ValueKind.LABELS ? NiftiHeader.INTENT_LABEL : 0, DESCRIP + volume.kind().unit(), qformCode, 1, quatern, ras, "n+1");
	}

	/**
	 * quatern_b, c, d and qfac of the geometry's rotation in RAS (nifti1_io's nifti_mat44_to_quatern
	 * for an orthonormal matrix).
	 */
	static double[] quaternion(VolumeGeometry g) {
		double[] ras = g.rasAffine();
		double[][] r = new double[3][3];
		for (int row = 0; row < 3; row++) for (int col = 0; col < 3; col++) r[row][col] = ras[4 * row + col] / g.spacing(col);
		double det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
			+ r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
		double qfac = 1;
		if (det < 0) {
			qfac = -1;
			for (int row = 0; row < 3; row++) r[row][2] = -r[row][2];
		}
		double a = r[0][0] + r[1][1] + r[2][2] + 1, b, c, d;
		if (a > 0.5) {
			a = 0.5 * Math.sqrt(a);
			b = 0.25 * (r[2][1] - r[1][2]) / a;
			c = 0.25 * (r[0][2] - r[2][0]) / a;
			d = 0.25 * (r[1][0] - r[0][1]) / a;
		}
		else {
			double xd = 1 + r[0][0] - (r[1][1] + r[2][2]), yd = 1 + r[1][1] - (r[0][0] + r[2][2]), zd = 1 + r[2][2] - (r[0][0] + r[1][1]);
			if (xd > 1) {
				b = 0.5 * Math.sqrt(xd);
				c = 0.25 * (r[0][1] + r[1][0]) / b;
				d = 0.25 * (r[0][2] + r[2][0]) / b;
				a = 0.25 * (r[2][1] - r[1][2]) / b;
			}
			else if (yd > 1) {
				c = 0.5 * Math.sqrt(yd);
				b = 0.25 * (r[0][1] + r[1][0]) / c;
				d = 0.25 * (r[1][2] + r[2][1]) / c;
				a = 0.25 * (r[0][2] - r[2][0]) / c;
			}
			else {
				d = 0.5 * Math.sqrt(zd);
				b = 0.25 * (r[0][2] + r[2][0]) / d;
				c = 0.25 * (r[1][2] + r[2][1]) / d;
				a = 0.25 * (r[1][0] - r[0][1]) / d;
			}
			if (a < 0) {
				b = -b;
				c = -c;
				d = -d;
			}
		}
		return new double[] {b, c, d, qfac};
	}

	private static void writeVoxels(OutputStream out, Volume volume, Written plan) throws IOException {
		int bytes = NiftiHeader.bytesPerVoxel(plan.datatype().code());
		int planeVoxels = (int) (volume.width() * volume.height());
		ByteBuffer b = ByteBuffer.allocate(planeVoxels * bytes).order(ByteOrder.LITTLE_ENDIAN);
		int planes = (int) (volume.depth() * volume.frames());
		double slope = plan.slope(), inter = plan.intercept();
		for (int p = 0; p < planes; p++) {
			float[] v = volume.voxels().getPlane(p).getCurrentStorageArray();
			b.clear();
			switch (plan.datatype()) {
				case UINT8 -> { for (float x : v) b.put((byte) (int) x); }
				case INT16 -> { for (float x : v) b.putShort((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round((x - inter) / slope)))); }
				case INT32 -> { for (float x : v) b.putInt((int) x); }
				case FLOAT32 -> { for (float x : v) b.putFloat(x); }
				default -> throw new IllegalStateException("planned type " + plan.datatype());
			}
			out.write(b.array(), 0, b.position());
		}
	}

	private static String fmt(double v) {
		return String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+(?=$|e)", "");
	}
}
