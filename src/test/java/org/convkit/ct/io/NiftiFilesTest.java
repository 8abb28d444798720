package org.convkit.ct.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import org.convkit.ct.CtData;
import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.convkit.ct.VolumeGeometry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NIfTI-1 on the real TotalSegmentator files and on round trips. The known values were read with
 * nibabel 5.0 (Debian's python3-nibabel): {@code im = nibabel.load(f); im.header[...]; im.affine;
 * numpy.asanyarray(im.dataobj)[i, j, k]; .astype(float64).sum()}.
 */
class NiftiFilesTest {

	@TempDir
	Path dir;

	@Test
	void headerOfExampleCtFieldByField() throws IOException {
		NiftiHeader h = NiftiFiles.readHeader(CtData.ct());
		assertArrayEquals(new int[] {3, 122, 101, 112, 1, 1, 1, 1}, h.dim());
		assertEquals(NiftiHeader.INT32, h.datatype());
		assertEquals(32, h.bitpix());
		assertArrayEquals(new double[] {1, 3, 3, 3, 1, 1, 1, 1}, h.pixdim(), 0);
		assertEquals(352, h.voxOffset());
		// raw scl_slope 1, scl_inter 0 (nibabel shows NaN for an identity scaling once loaded; read with struct)
		assertEquals(1, h.sclSlope());
		assertEquals(0, h.sclInter());
		assertFalse(h.scaled());
		assertEquals(0, h.xyztUnits());
		assertEquals(0, h.qformCode());
		assertEquals(2, h.sformCode());
		assertEquals(ByteOrder.LITTLE_ENDIAN, h.order());
		assertArrayEquals(new double[] {3, 0, 0, -177.95633, 0, 3, 0, 11.319, 0, 0, 3, 94.30176}, h.srow(), 1e-4);
		assertArrayEquals(new double[] {0, 0, 0, -177.95633, 11.319, 94.30176}, h.quatern(), 1e-4);
		assertEquals("n+1", h.magic());

		NiftiHeader sm = NiftiFiles.readHeader(CtData.ctSmall());
		assertArrayEquals(new int[] {3, 122, 101, 30, 1, 1, 1, 1}, sm.dim());
		assertEquals(NiftiHeader.INT16, sm.datatype());
		NiftiHeader seg = NiftiFiles.readHeader(CtData.segmentation());
		assertArrayEquals(new int[] {3, 122, 101, 30, 1, 1, 1, 1}, seg.dim());
		assertEquals(NiftiHeader.UINT8, seg.datatype());
		assertEquals(8, seg.bitpix());
	}

	@Test
	void voxelsAndGeometryOfTheRealFiles() throws IOException {
		Volume ct = NiftiFiles.read(CtData.ct());
		assertEquals("122x101x112", ct.dimensionsText());
		// nibabel affine (RAS) diag(3, 3, 3), offset (-177.956329, 11.319, 94.301758): LPS negates x and y
		assertArrayEquals(new double[] {3, 3, 3}, ct.geometry().spacing(), 1e-6);
		assertArrayEquals(new double[] {177.956329, -11.319, 94.301758}, ct.geometry().origin(), 1e-4);
		assertArrayEquals(new double[] {-1, 0, 0, 0, -1, 0, 0, 0, 1}, ct.geometry().direction(), 1e-9);
		assertEquals(ValueKind.HOUNSFIELD, ct.kind());
		assertEquals(-1023, value(ct, 0, 0, 0));
		assertEquals(17, value(ct, 60, 50, 10));
		assertEquals(-48, value(ct, 10, 20, 5));
		assertEquals(-496851173.0, sum(ct), 0.5);
		assertEquals(-1207, min(ct));

		Volume sm = NiftiFiles.read(CtData.ctSmall());
		assertEquals(-1024, value(sm, 0, 0, 0));
		assertEquals(-86, value(sm, 60, 50, 10));
		assertEquals(-985, value(sm, 10, 20, 5));
		assertEquals(-130894872.0, sum(sm), 0.5);
		assertTrue(ct.geometry().approximatelyEquals(sm.geometry(), 1e-9));

		Volume seg = NiftiFiles.read(CtData.segmentation());
		assertEquals(ValueKind.LABELS, seg.kind());
		assertEquals(2734697.0, sum(seg), 0.5);
		assertEquals(117, max(seg));
		assertTrue(sm.geometry().approximatelyEquals(seg.geometry(), 1e-9), "the labels lie on example_ct_sm's grid");
	}

	@Test
	void roundTripKeepsValuesGeometryAndKind() throws IOException {
		Volume ct = NiftiFiles.read(CtData.ctSmall());
		for (String name : List.of("ct.nii", "ct.nii.gz")) {
			Path out = dir.resolve(name);
			NiftiFiles.Written w = NiftiFiles.write(out, ct, NiftiDatatype.AUTO);
			assertEquals(NiftiDatatype.INT16, w.datatype());
			Volume back = NiftiFiles.read(out);
			assertTrue(ct.geometry().approximatelyEquals(back.geometry(), 1e-4), back.geometry().describe());
			assertEquals(ValueKind.HOUNSFIELD, back.kind());
			assertEquals(sum(ct), sum(back), 0);
			NiftiHeader h = NiftiFiles.readHeader(out);
			assertEquals(1, h.sformCode());
			assertEquals(1, h.qformCode());
			assertEquals(NiftiHeader.UNITS_MM | NiftiHeader.UNITS_SEC, h.xyztUnits());
		}
		Volume seg = NiftiFiles.read(CtData.segmentation());
		Path labels = dir.resolve("seg.nii.gz");
		assertEquals(NiftiDatatype.UINT8, NiftiFiles.write(labels, seg, NiftiDatatype.AUTO).datatype());
		assertEquals(NiftiHeader.INTENT_LABEL, NiftiFiles.readHeader(labels).intentCode());
		assertEquals(ValueKind.LABELS, NiftiFiles.read(labels).kind());
		assertEquals(NiftiDatatype.INT32, NiftiFiles.write(dir.resolve("seg32.nii"), seg, NiftiDatatype.INT32).datatype());
		assertEquals(sum(seg), sum(NiftiFiles.read(dir.resolve("seg32.nii"))), 0);
	}

	@Test
	void obliqueGeometryAndFractionsSurviveARoundTrip() throws IOException {
		// an oblique, left-handed grid (as the tilted GE series gives), and values that are not integers
		double c = Math.cos(Math.toRadians(18.5)), s = Math.sin(Math.toRadians(18.5));
		VolumeGeometry g = new VolumeGeometry(new double[] {0.5, 0.75, 2.5}, new double[] {-125, -123.5, 5.8},
			new double[] {1, 0, 0, 0, c, s, 0, -s, c});
		Volume v = new Volume(Volume.allocate(7, 5, 4), g, ValueKind.INTENSITY, "test", List.of());
		float[] expected = new float[7 * 5 * 4];
		for (int z = 0; z < 4; z++) {
			float[] plane = v.plane(z, 0);
			for (int i = 0; i < plane.length; i++) plane[i] = expected[z * plane.length + i] = (float) (Math.sin(i + 3 * z) * 1000.25);
		}
		Path f32 = dir.resolve("oblique.nii");
		assertEquals(NiftiDatatype.FLOAT32, NiftiFiles.write(f32, v, NiftiDatatype.AUTO).datatype());
		Volume back = NiftiFiles.read(f32);
		assertTrue(g.approximatelyEquals(back.geometry(), 1e-5), back.geometry().describe());
		for (int z = 0; z < 4; z++) assertEquals(expected[z * 35 + 17], back.plane(z, 0)[17]);
		// qform alone gives the same grid: blank the sform
		byte[] bytes = Files.readAllBytes(f32);
		ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(254, (short) 0);
		Path qform = Files.write(dir.resolve("qform.nii"), bytes);
		assertTrue(g.approximatelyEquals(NiftiFiles.read(qform).geometry(), 1e-5), NiftiFiles.read(qform).geometry().describe());

		Path i16 = dir.resolve("scaled.nii.gz");
		NiftiFiles.Written w = NiftiFiles.write(i16, v, NiftiDatatype.INT16);
		assertNotEquals(1.0, w.slope());
		Volume scaled = NiftiFiles.read(i16);
		for (int z = 0; z < 4; z++) assertEquals(expected[z * 35 + 17], scaled.plane(z, 0)[17], w.slope());

		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NiftiFiles.write(dir.resolve("x.nii"), v, NiftiDatatype.UINT8));
		assertTrue(e.getMessage().startsWith("datatype: uint8 stores whole numbers from 0 to 255, but the values range from -"), e.getMessage());
	}

	@Test
	void bigEndianAndFourDimensionsAreRead() throws IOException {
		Path f = dir.resolve("be.nii");
		ByteBuffer b = ByteBuffer.allocate(352 + 2 * 3 * 2 * 2 * 4).order(ByteOrder.BIG_ENDIAN);
		b.putInt(0, 348);
		short[] dim = {4, 2, 3, 2, 4, 1, 1, 1};
		for (int i = 0; i < 8; i++) b.putShort(40 + 2 * i, dim[i]);
		b.putShort(70, (short) NiftiHeader.UINT16).putShort(72, (short) 16);
		float[] pixdim = {1, 2, 2, 4, 1.5f, 0, 0, 0};
		for (int i = 0; i < 8; i++) b.putFloat(76 + 4 * i, pixdim[i]);
		b.putFloat(108, 352).putFloat(112, 2).putFloat(116, -10);
		b.put(123, (byte) (NiftiHeader.UNITS_MM | NiftiHeader.UNITS_MSEC));
		b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
		for (int i = 0; i < 48; i++) b.putShort(352 + 2 * i, (short) (60000 + i));
		Files.write(f, b.array());
		Volume v = NiftiFiles.read(f);
		assertEquals("2x3x2x4", v.dimensionsText());
		assertEquals(4, v.frames());
		assertEquals(0.0015, v.frameInterval(), 1e-9);
		assertEquals(60000 * 2 - 10, v.plane(0, 0)[0]);
		assertEquals((60000 + 47) * 2 - 10, v.plane(1, 3)[5]);
		assertArrayEquals(new double[] {2, 2, 4}, v.geometry().spacing(), 0);
		assertTrue(v.notes().stream().anyMatch(n -> n.contains("no orientation")), v.notes().toString());
		Path again = dir.resolve("again.nii");
		NiftiFiles.write(again, v, NiftiDatatype.FLOAT32);
		Volume back = NiftiFiles.read(again);
		assertEquals(4, back.frames());
		assertEquals(0.0015, back.frameInterval(), 1e-9);
		assertEquals(v.plane(1, 3)[5], back.plane(1, 3)[5]);
	}

	@Test
	void badHeadersNameTheFileAndTheField() throws IOException {
		byte[] good = gunzip(CtData.ctSmall());
		assertMessage(bytes -> bytes.putInt(0, 12345), good, "x.nii: sizeof_hdr is 12345, expected 348 (not a NIfTI-1 file)");
		assertMessage(bytes -> bytes.put(345, (byte) 'x'), good, "x.nii: magic is 'nx1\\x00', expected 'n+1' (not a NIfTI-1 file)");
		assertMessage(bytes -> bytes.putShort(40, (short) 9), good, "x.nii: dim[0] is 9, expected 1 to 7 dimensions");
		assertMessage(bytes -> bytes.putShort(44, (short) -3), good, "x.nii: dim[2] is -3, expected a positive size");
		assertMessage(bytes -> bytes.putShort(70, (short) 128), good, "x.nii: datatype is 128 (rgb24); supported: uint8, int8, int16, uint16, int32, float32, float64");
		assertMessage(bytes -> bytes.putShort(72, (short) 8), good, "x.nii: bitpix is 8, expected 16 for datatype int16");
		assertMessage(bytes -> bytes.putFloat(108, 10), good, "x.nii: vox_offset is 10.0, expected a whole number of bytes >= 348");
		assertMessage(bytes -> bytes.putFloat(280, Float.NaN), good, "x.nii: srow_x holds NaN; expected finite numbers");
		Path empty = Files.write(dir.resolve("empty.nii"), new byte[0]);
		assertEquals("empty.nii: file is 0 bytes long; a NIfTI-1 header is 348 bytes (empty or truncated file)",
			assertThrows(IOException.class, () -> NiftiFiles.read(empty)).getMessage());
		Path truncated = Files.write(dir.resolve("t.nii"), java.util.Arrays.copyOf(good, 100000));
		assertEquals("t.nii: truncated: dim 122x101x30 of int16 needs 739320 bytes of voxels after vox_offset 352, but the file has 100000 bytes",
			assertThrows(IOException.class, () -> NiftiFiles.read(truncated)).getMessage());
		// oversized: refused before allocating (about 8 TB)
		byte[] huge = good.clone();
		ByteBuffer hb = ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN);
		hb.putShort(40, (short) 4).putShort(42, (short) 32767).putShort(44, (short) 32767).putShort(46, (short) 32767).putShort(48, (short) 64);
		Path big = Files.write(dir.resolve("big.nii.gz"), gzip(huge));
		Exception e = assertThrows(Exception.class, () -> NiftiFiles.read(big));
		assertTrue(e instanceof IOException || e instanceof IllegalArgumentException, e.toString());
		assertTrue(e.getMessage().startsWith("big.nii.gz: "), e.getMessage());
	}

	/** Another NIfTI reader (nibabel) sees the same geometry in what ConvKit writes. */
	@Test
	void nibabelReadsTheSameAffine() throws Exception {
		Assumptions.assumeTrue(python("import nibabel") == 0, "nibabel (python3-nibabel) not installed; cross-check skipped");
		double c = Math.cos(Math.toRadians(18.5)), s = Math.sin(Math.toRadians(18.5));
		VolumeGeometry g = new VolumeGeometry(new double[] {0.5, 0.75, 2.5}, new double[] {-125, -123.5, 5.8},
			new double[] {1, 0, 0, 0, c, s, 0, -s, c});
		Volume v = new Volume(Volume.allocate(4, 3, 2), g, ValueKind.HOUNSFIELD, "test", List.of());
		v.plane(1, 0)[5] = 1234;
		Path f = dir.resolve("nib.nii.gz");
		NiftiFiles.write(f, v, NiftiDatatype.AUTO);
		double[] ras = g.rasAffine();
		StringBuilder expected = new StringBuilder("[");
		for (int i = 0; i < 12; i++) expected.append(i == 0 ? "" : ",").append(ras[i]);
		String script = "import nibabel,numpy;im=nibabel.load('" + f + "');"
			+ "e=numpy.array(" + expected + "]).reshape(3,4);"
			+ "assert numpy.allclose(im.header.get_sform()[:3],e,atol=1e-4),im.header.get_sform();"
			// the qform's quaternion is float32 and its first component is recomputed as sqrt(1 - b2 - c2 - d2):
			// near a half turn (as LPS -> RAS is) that costs about 3e-4
			+ "assert numpy.allclose(im.header.get_qform()[:3],e,atol=1e-3),im.header.get_qform();"
			+ "a=numpy.asanyarray(im.dataobj);assert a.shape==(4,3,2) and a[1,1,1]==1234 and a.sum()==1234,a";
		assertEquals(0, python(script), "nibabel disagrees; see the test output");
	}

	private static int python(String script) throws Exception {
		Path python = Path.of("/usr/bin/python3");
		if (!Files.isExecutable(python)) return -1;
		Process p = new ProcessBuilder(python.toString(), "-c", script).inheritIO().start();
		if (!p.waitFor(60, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			return -1;
		}
		return p.exitValue();
	}

	interface Edit {
		void apply(ByteBuffer bytes);
	}

	private void assertMessage(Edit edit, byte[] good, String message) throws IOException {
		byte[] bytes = good.clone();
		edit.apply(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
		Path f = Files.write(dir.resolve("x.nii"), bytes);
		assertEquals(message, assertThrows(IOException.class, () -> NiftiFiles.read(f)).getMessage());
	}

	static byte[] gunzip(Path file) throws IOException {
		try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
			return in.readAllBytes();
		}
	}

	static byte[] gzip(byte[] bytes) throws IOException {
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
			z.write(bytes);
		}
		return out.toByteArray();
	}

	static float value(Volume v, int x, int y, int z) {
		return v.plane(z, 0)[y * (int) v.width() + x];
	}

	static double sum(Volume v) {
		double s = 0;
		for (int p = 0; p < v.depth() * v.frames(); p++) for (float f : v.voxels().getPlane(p).getCurrentStorageArray()) s += f;
		return s;
	}

	static float min(Volume v) {
		float m = Float.POSITIVE_INFINITY;
		for (int p = 0; p < v.depth() * v.frames(); p++) for (float f : v.voxels().getPlane(p).getCurrentStorageArray()) m = Math.min(m, f);
		return m;
	}

	static float max(Volume v) {
		float m = Float.NEGATIVE_INFINITY;
		for (int p = 0; p < v.depth() * v.frames(); p++) for (float f : v.voxels().getPlane(p).getCurrentStorageArray()) m = Math.max(m, f);
		return m;
	}
}
