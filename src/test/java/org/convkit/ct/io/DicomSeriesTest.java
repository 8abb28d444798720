package org.convkit.ct.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.convkit.ct.CtData;
import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DICOM series assembly. The GE figures were read with pydicom 2.3 (Debian's python3-pydicom):
 * ImageOrientationPatient 1\0\0\0\0.9483237\-0.3173047, ImagePositionPatient (-125, -123.5404569,
 * 5.8360586 + cumulative 4.22 x 13, 1.14, 7.38 x 13 mm in z), positions projected on the normal
 * (0, 0.3173047, 0.9483237): gaps 4.00193 (13), 1.08109, 6.99863 (13), 144.0883 mm in all; the last
 * slice origin lies 48.2113 mm along the negative column direction from the first (18.500 degrees);
 * pixel values = pixel_array * RescaleSlope + RescaleIntercept.
 */
class DicomSeriesTest {

	@TempDir
	Path dir;

	@Test
	void geTiltedSeriesLayoutBeforeAssembly() throws IOException {
		DicomSeries.Contents contents = DicomSeries.scan(CtData.geTilted());
		assertEquals(1, contents.series().size());
		assertEquals(List.of("LICENSE.dcm_qa_ct", "README.dcm_qa_ct.md"), contents.skipped());
		SliceLayout layout = SliceLayout.of("GE", contents.series().get(0).slices());
		assertEquals(28, layout.slices().size());
		double[] gaps = layout.gaps();
		for (int k = 0; k < 13; k++) assertEquals(4.00193, gaps[k], 1e-4, "gap " + k);
		assertEquals(1.08109, gaps[13], 1e-4);
		for (int k = 14; k < 27; k++) assertEquals(6.99863, gaps[k], 1e-4, "gap " + k);
		assertFalse(layout.uniform());
		assertEquals(18.5, layout.tiltDegrees(), 1e-3);
		assertEquals(-48.2113, layout.colOffset()[27], 1e-3);
		assertEquals(0, layout.rowOffset()[27], 1e-9);
		assertArrayEquals(new double[] {0, 0.3173047, 0.9483237}, layout.normal(), 1e-6);
		assertEquals(18.5, layout.slices().get(0).gantryTilt());
	}

	@Test
	void geTiltedSeriesIsResampledAndDesheared() throws IOException {
		Volume v = DicomSeries.read(CtData.geTilted(), "");
		// 144.0883 mm at the 4.00193 mm step: 37 slices 4.002453 mm apart; 48.2113 mm / 0.4882812 mm
		// = 98.74 rows of shear: 512 + 99 = 611 rows (dcm2niix's tilt-corrected output is 512x611 too)
		assertEquals("512x611x37", v.dimensionsText());
		assertArrayEquals(new double[] {0.4882812, 0.4882812, 144.0883 / 36}, v.geometry().spacing(), 1e-5);
		assertTrue(v.geometry().orthonormal(1e-6), "axes at right angles after the shear");
		assertArrayEquals(new double[] {1, 0, 0, 0, 0.9483237, 0.3173047, 0, -0.3173047, 0.9483237}, v.geometry().direction(), 1e-6);
		// origin: the first slice's, moved 48.2113 mm along the negative column direction
		assertArrayEquals(new double[] {-125, -123.5404569 - 48.2113 * 0.9483237, 5.8360586 + 48.2113 * 0.3173047}, v.geometry().origin(), 1e-3);
		// the last output slice is the last input slice, unshifted: its pixel sum is pydicom's
		double sum = 0;
		float[] last = v.plane(36, 0);
		for (int i = 0; i < 512 * 512; i++) sum += last[i];
		assertEquals(-251143152.0, sum, 0.5);
		assertEquals(-1500, last[600 * 512 + 10], "new border filled with the slice's lowest value");
		// the first is the first input slice shifted down 98.7367 rows, bilinear (pydicom: 949.08 and 323.24)
		assertEquals(949.08, v.plane(0, 0)[355 * 512 + 256], 0.01);
		assertEquals(323.24, v.plane(0, 0)[355 * 512 + 300], 0.01);
		assertEquals(ValueKind.HOUNSFIELD, v.kind());
		String notes = String.join("\n", v.notes());
		assertTrue(notes.contains("non-uniform slice spacing: 28 slices 1.081 to 6.999 mm apart along the slice normal were resampled (linear) to 37 slices 4.0025 mm apart over the same 144.09 mm"), notes);
		assertTrue(notes.contains("gantry tilt 18.50 degrees (GantryDetectorTilt 18.5) corrected: slices shifted in their plane (shear) by up to 48.21 mm so the axes are at right angles; the grid grew from 512x512 to 512x611"), notes);
		assertTrue(notes.contains("skipped 2 files that are not DICOM images: LICENSE.dcm_qa_ct, README.dcm_qa_ct.md"), notes);
	}

	/**
	 * The JPEG 2000 lossless series decodes to dcm2niix's values (v1.0.20220720, OpenJPEG): the sum of
	 * all 512x512x20 HU is -3272217339 in both, and the slice at z = -766.5 holds 113 HU at column 256,
	 * row 255. dcm2niix's affine (RAS, rows flipped) diag(-0.9765625, 0.9765625, 2), offset (249.51,
	 * -61.51, -804.5) is, in LPS without the flip, origin (-249.51171875, -437.51171875, -804.5).
	 */
	@Test
	void jpeg2000SeriesDecodesToTheSameHuAsDcm2niix() throws IOException {
		Volume v = DicomSeries.read(CtData.jpeg2000(), "");
		assertEquals("512x512x20", v.dimensionsText());
		assertArrayEquals(new double[] {0.9765625, 0.9765625, 2}, v.geometry().spacing(), 1e-9);
		assertArrayEquals(new double[] {-249.51171875, -437.51171875, -804.5}, v.geometry().origin(), 1e-9);
		assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, v.geometry().direction(), 1e-12);
		assertEquals(-3272217339.0, NiftiFilesTest.sum(v), 0.5);
		assertEquals(113, v.plane(19, 0)[255 * 512 + 256]);
		assertEquals(ValueKind.HOUNSFIELD, v.kind());
	}

	@Test
	void otherCompressedSyntaxesAreRefusedByName() throws IOException {
		DicomTestFiles w = new DicomTestFiles();
		w.syntax = "1.2.840.10008.1.2.4.50";
		w.write(dir.resolve("a.dcm"), 1, new double[] {0, 0, 0}, 0);
		IOException e = assertThrows(IOException.class, () -> DicomSeries.read(dir, ""));
		assertEquals("a.dcm: JPEG Baseline (1.2.840.10008.1.2.4.50) is not supported; convert the series with dcm2niix or gdcmconv --raw", e.getMessage());
	}

	@Test
	void slicesAreSortedAlongTheNormalNotByNameOrInstance() throws IOException {
		for (String syntax : List.of(DicomSlice.EXPLICIT_LE, DicomSlice.IMPLICIT_LE)) {
			Path folder = Files.createDirectories(dir.resolve(syntax));
			DicomTestFiles w = new DicomTestFiles();
			w.syntax = syntax;
			// names and instance numbers in the opposite order to the positions; feet-first z decreasing
			w.write(folder.resolve("a.dcm"), 1, new double[] {10, 20, 30}, 100);
			w.write(folder.resolve("b.dcm"), 2, new double[] {10, 20, 28}, 200);
			w.write(folder.resolve("c.dcm"), 3, new double[] {10, 20, 26}, 300);
			Files.writeString(folder.resolve("notes.txt"), "not DICOM");
			Volume v = DicomSeries.read(folder, null);
			assertEquals("3x4x3", v.dimensionsText());
			assertEquals(300 - 1024, v.plane(0, 0)[0], syntax);
			assertEquals(100 - 1024 + 11, v.plane(2, 0)[11], syntax);
			assertArrayEquals(new double[] {10, 20, 26}, v.geometry().origin(), 1e-9);
			assertArrayEquals(new double[] {0.5, 0.5, 2}, v.geometry().spacing(), 1e-9);
			assertTrue(String.join(";", v.notes()).contains("notes.txt"), v.notes().toString());
			assertTrue(v.notes().stream().noneMatch(n -> n.contains("resampled") || n.contains("tilt")), v.notes().toString());
		}
	}

	@Test
	void severalSeriesAreListedUnlessOneIsNamed() throws IOException {
		DicomTestFiles w = new DicomTestFiles();
		w.write(dir.resolve("1.dcm"), 1, new double[] {0, 0, 0}, 0);
		w.write(dir.resolve("2.dcm"), 2, new double[] {0, 0, 2}, 0);
		w.series = "1.2.3.4";
		w.description = "bone kernel";
		w.write(dir.resolve("3.dcm"), 1, new double[] {0, 0, 0}, 0);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DicomSeries.read(dir, ""));
		assertTrue(e.getMessage().startsWith("series: " + dir.getFileName() + " holds 2 series; choose one with series=<UID, number or description>: "
			+ "1.2.826.0.1.3680043.8.498.1 'test series' (CT, 2 slices); 1.2.3.4 'bone kernel' (CT, 1 slice)"), e.getMessage());
		assertEquals("2x...".length() > 0 ? "3x4x2" : "", DicomSeries.read(dir, "test series").dimensionsText());
		assertEquals("3x4x1", DicomSeries.read(dir, "1.2.3.4").dimensionsText());
		e = assertThrows(IllegalArgumentException.class, () -> DicomSeries.read(dir, "9.9"));
		assertTrue(e.getMessage().startsWith("series: " + dir.getFileName() + " holds no series '9.9'; it holds: "), e.getMessage());
	}

	@Test
	void missingSlicesInconsistentSlicesAndOtherModalitiesAreNamed() throws IOException {
		DicomTestFiles w = new DicomTestFiles();
		Path gap = Files.createDirectories(dir.resolve("gap"));
		for (int k : new int[] {0, 1, 2, 4, 5}) w.write(gap.resolve(k + ".dcm"), k, new double[] {0, 0, 2 * k}, 0);
		IOException e = assertThrows(IOException.class, () -> DicomSeries.read(gap, ""));
		assertEquals("gap: missing slices? the gap between 2.dcm and 4.dcm is 4.000 mm, its neighbours' 2.000 mm or less (slice thickness 2.000 mm); "
			+ "add the missing files or open the parts as separate folders", e.getMessage());

		Path size = Files.createDirectories(dir.resolve("size"));
		w.write(size.resolve("a.dcm"), 1, new double[] {0, 0, 0}, 0);
		w.rows = 5;
		w.write(size.resolve("b.dcm"), 2, new double[] {0, 0, 2}, 0);
		e = assertThrows(IOException.class, () -> DicomSeries.read(size, ""));
		assertEquals("size: slices differ in size: a.dcm is 3x4, b.dcm is 3x5 (columns x rows)", e.getMessage());

		w.rows = 4;
		Path tilt = Files.createDirectories(dir.resolve("orientation"));
		w.write(tilt.resolve("a.dcm"), 1, new double[] {0, 0, 0}, 0);
		w.orientation = new double[] {1, 0, 0, 0, 0, -1};
		w.write(tilt.resolve("b.dcm"), 2, new double[] {0, 0, 2}, 0);
		e = assertThrows(IOException.class, () -> DicomSeries.read(tilt, ""));
		assertTrue(e.getMessage().startsWith("orientation: slices differ in orientation: a.dcm has ImageOrientationPatient [1.0, 0.0, 0.0, 0.0, 1.0, 0.0], b.dcm has"), e.getMessage());

		w.orientation = new double[] {1, 0, 0, 0, 1, 0};
		Path same = Files.createDirectories(dir.resolve("same"));
		w.write(same.resolve("a.dcm"), 1, new double[] {0, 0, 0}, 0);
		w.write(same.resolve("b.dcm"), 2, new double[] {0, 0, 0}, 0);
		e = assertThrows(IOException.class, () -> DicomSeries.read(same, ""));
		assertTrue(e.getMessage().startsWith("same: a.dcm and b.dcm lie at the same position along the slice normal"), e.getMessage());

		w.modality = "MR";
		w.intercept = 0;
		Path mr = Files.createDirectories(dir.resolve("mr"));
		w.write(mr.resolve("a.dcm"), 1, new double[] {0, 0, 0}, 5);
		w.write(mr.resolve("b.dcm"), 2, new double[] {0, 0, 3}, 5);
		Volume v = DicomSeries.read(mr, "");
		assertEquals(ValueKind.INTENSITY, v.kind());
		assertTrue(v.notes().contains("modality MR, not CT: values are not HU"), v.notes().toString());
		assertEquals(5, v.plane(0, 0)[0]);

		Path none = Files.createDirectories(dir.resolve("none"));
		Files.writeString(none.resolve("x.txt"), "x");
		e = assertThrows(IOException.class, () -> DicomSeries.read(none, ""));
		assertEquals("none: no DICOM images in the folder (skipped: x.txt)", e.getMessage());
	}

	@Test
	void unevenSpacingIsResampledLinearly() throws IOException {
		DicomTestFiles w = new DicomTestFiles();
		w.intercept = 0;
		List<Double> z = new ArrayList<>(List.of(0.0, 2.0, 4.0, 5.0, 8.0, 11.0));
		for (int k = 0; k < z.size(); k++) w.write(dir.resolve(k + ".dcm"), k, new double[] {0, 0, z.get(k)}, (int) Math.round(10 * z.get(k)));
		Volume v = DicomSeries.read(dir, "");
		// gaps 2, 2, 1, 3, 3: median 2, the smallest gap >= 1 is 1 -> 12 slices 1 mm apart
		assertEquals("3x4x12", v.dimensionsText());
		assertEquals(1, v.geometry().spacing(2), 1e-9);
		for (int m = 0; m < 12; m++) assertEquals(10 * m, v.plane(m, 0)[0], 1e-3, "values linear in z stay linear, slice " + m);
	}
}
