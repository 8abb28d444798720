package org.convkit.commands.ct;

import static org.junit.jupiter.api.Assertions.*;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ShortProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.convkit.commands.HeadlessCommands;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.ct.CtData;
import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.convkit.ct.VolumeGeometry;
import org.convkit.ct.io.NiftiFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Open CT Volume and Save NIfTI as every front end runs them: through SciJava, headless, typed inputs. */
class CtCommandsTest {

	@RegisterExtension
	static final HeadlessCommands commands = new HeadlessCommands();

	@TempDir
	Path dir;

	@Test
	void savingShares32BitPlanesWhileCommandInputsAreCopies() {
		ImageStack stack = new ImageStack(3, 2);
		for (int z = 0; z < 4; z++) stack.addSlice(new ij.process.FloatProcessor(3, 2, new float[] {z, 1, 2, 3, 4, 5}));
		ImagePlus imp = new ImagePlus("v", stack);
		Volume view = CtImages.viewVolume(imp, "image"), copy = CtImages.toVolume(imp, "image");
		for (int z = 0; z < 4; z++) {
			assertSame(stack.getPixels(z + 1), view.plane(z, 0), "a file writer reads the image's own plane " + z);
			assertNotSame(stack.getPixels(z + 1), copy.plane(z, 0), "a command's input is a copy (inputs are never modified)");
			assertArrayEquals((float[]) stack.getPixels(z + 1), copy.plane(z, 0));
		}
	}

	@Test
	void opensNiftiAsA32BitHuImageInMillimetres() throws Exception {
		Map<String, Object> out = commands.run("Open CT Volume", Map.of("path", CtData.ct().toFile()));
		ImagePlus imp = (ImagePlus) out.get("image");
		assertEquals("example_ct", imp.getTitle());
		assertEquals(ImagePlus.GRAY32, imp.getType());
		assertArrayEquals(new int[] {122, 101, 1, 112, 1}, imp.getDimensions());
		Calibration cal = imp.getCalibration();
		assertEquals(3, cal.pixelWidth);
		assertEquals(3, cal.pixelHeight);
		assertEquals(3, cal.pixelDepth);
		assertEquals("mm", cal.getUnit());
		assertEquals("HU", cal.getValueUnit());
		imp.setSlice(11);
		assertEquals(17, imp.getProcessor().getPixelValue(60, 50));
		// auto window on HU: soft tissue, level 40 width 400
		assertEquals(-160, imp.getDisplayRangeMin());
		assertEquals(240, imp.getDisplayRangeMax());
		VolumeGeometry g = VolumeGeometry.parse(imp.getProp(CtImages.GEOMETRY));
		assertArrayEquals(new double[] {177.956329, -11.319, 94.301758}, g.origin(), 1e-4);
		assertEquals("HOUNSFIELD", imp.getProp(CtImages.VALUES));
		assertTrue(((String) out.get("info")).contains("values: hounsfield (HU)"), (String) out.get("info"));
	}

	@Test
	void opensTheTiltedGeSeriesWithABoneWindowAndSaysWhatWasDone() throws Exception {
		Map<String, Object> out = commands.run("Open CT Volume", Map.of("path", CtData.geTilted().toFile(), "window", "bone"));
		ImagePlus imp = (ImagePlus) out.get("image");
		assertArrayEquals(new int[] {512, 611, 1, 37, 1}, imp.getDimensions());
		assertEquals(144.0883 / 36, imp.getCalibration().pixelDepth, 1e-4);
		assertEquals(-500, imp.getDisplayRangeMin());
		assertEquals(1300, imp.getDisplayRangeMax());
		String info = (String) out.get("info");
		assertTrue(info.contains("gantry tilt 18.50 degrees"), info);
		assertTrue(info.contains("resampled (linear) to 37 slices"), info);
		assertEquals(info.strip(), ((String) imp.getProperty("Info")).strip());

		CommandFailedException e = assertThrows(CommandFailedException.class,
			() -> commands.run("Open CT Volume", Map.of("path", CtData.geTilted().toFile(), "series", "bogus")));
		assertEquals("series: dcm_qa_ct_GE holds no series 'bogus'; it holds: 1.2.826.0.1.3680043.9.4245.3115138630835728997848661150714813892 #2 "
			+ "(no description) (CT, 28 slices)", e.getMessage());
	}

	@Test
	void saveNiftiKeepsGeometryValuesAndRefusesItsInputAndExistingFiles() throws Exception {
		ImagePlus imp = (ImagePlus) commands.run("Open CT Volume", Map.of("path", CtData.ctSmall().toFile())).get("image");
		Path out = dir.resolve("sm.nii.gz");
		Map<String, Object> saved = commands.run("Save NIfTI", Map.of("image", imp, "file", out.toFile()));
		assertTrue(((String) saved.get("info")).startsWith("sm.nii.gz: 122x101x30 int16, spacing 3 x 3 x 3 mm"), (String) saved.get("info"));
		Volume original = NiftiFiles.read(CtData.ctSmall()), back = NiftiFiles.read(out);
		assertTrue(original.geometry().approximatelyEquals(back.geometry(), 1e-4), back.geometry().describe());
		for (int z = 0; z < 30; z++) assertArrayEquals(original.plane(z, 0), back.plane(z, 0));
		assertEquals(ValueKind.HOUNSFIELD, back.kind());

		CommandFailedException e = assertThrows(CommandFailedException.class, () -> commands.run("Save NIfTI", Map.of("image", imp, "file", out.toFile())));
		assertTrue(e.getMessage().startsWith("file: ") && e.getMessage().contains("exists; choose another file, or set overwrite=true"), e.getMessage());
		commands.run("Save NIfTI", Map.of("image", imp, "file", out.toFile(), "overwrite", true, "datatype", "float32"));
		assertEquals(16, NiftiFiles.readHeader(out).datatype());

		e = assertThrows(CommandFailedException.class, () -> commands.run("Save NIfTI", Map.of("image", imp, "file", CtData.ctSmall().toFile(), "overwrite", true)));
		assertTrue(e.getMessage().startsWith("file: ") && e.getMessage().contains("is an input of this command"), e.getMessage());
		e = assertThrows(CommandFailedException.class, () -> commands.run("Save NIfTI", Map.of("image", imp, "file", dir.resolve("x.tif").toFile())));
		assertEquals("file: expected a name ending in .nii or .nii.gz, got x.tif", e.getMessage());
		e = assertThrows(CommandFailedException.class, () -> commands.run("Save NIfTI", Map.of("image", imp, "file", dir.resolve("l.nii").toFile(), "datatype", "uint8")));
		assertTrue(e.getMessage().startsWith("datatype: uint8 stores whole numbers from 0 to 255, but the values range from -1100 to 1207"), e.getMessage());
	}

	@Test
	void tiffStacksKeepTheirGeometryThroughImageJ() throws Exception {
		ImagePlus imp = (ImagePlus) commands.run("Open CT Volume", Map.of("path", CtData.ctSmall().toFile())).get("image");
		Path tif = dir.resolve("sm.tif");
		assertTrue(IJ.saveAsTiff(imp, tif.toString()));
		Map<String, Object> out = commands.run("Open CT Volume", Map.of("path", tif.toFile(), "window", "lung"));
		ImagePlus reopened = (ImagePlus) out.get("image");
		assertArrayEquals(new int[] {122, 101, 1, 30, 1}, reopened.getDimensions());
		assertEquals(-1350, reopened.getDisplayRangeMin());
		assertEquals(150, reopened.getDisplayRangeMax());
		Path nii = dir.resolve("from-tif.nii");
		String info = (String) commands.run("Save NIfTI", Map.of("image", reopened, "file", nii.toFile())).get("info");
		assertFalse(info.contains("note:"), "the stored geometry is used as it is: " + info);
		assertTrue(NiftiFiles.read(CtData.ctSmall()).geometry().approximatelyEquals(NiftiFiles.read(nii).geometry(), 1e-9), NiftiFiles.read(nii).geometry().describe());
	}

	@Test
	void sixteenBitImagesAreSavedThroughTheirCalibrationFunction() throws Exception {
		// as ImageJ opens signed DICOM: stored + 32768, a straight-line function back to HU
		ImageStack stack = new ImageStack(4, 3);
		for (int z = 0; z < 2; z++) {
			short[] s = new short[12];
			for (int i = 0; i < 12; i++) s[i] = (short) (32768 - 1024 + 100 * z + i);
			stack.addSlice(new ShortProcessor(4, 3, s, null));
		}
		ImagePlus imp = new ImagePlus("plain", stack);
		Calibration cal = imp.getCalibration();
		cal.setFunction(Calibration.STRAIGHT_LINE, new double[] {-32768, 1}, "HU");
		cal.pixelWidth = cal.pixelHeight = 0.05;
		cal.pixelDepth = 0.2;
		cal.setUnit("cm");
		Path out = dir.resolve("plain.nii");
		Map<String, Object> saved = commands.run("Save NIfTI", Map.of("image", imp, "file", out.toFile()));
		assertTrue(((String) saved.get("info")).contains("no ConvKit geometry in the image"), (String) saved.get("info"));
		Volume v = NiftiFiles.read(out);
		assertArrayEquals(new double[] {0.5, 0.5, 2}, v.geometry().spacing(), 1e-6);
		assertEquals(-1024, v.plane(0, 0)[0]);
		assertEquals(-1024 + 100 + 11, v.plane(1, 0)[11]);
		assertEquals(ValueKind.HOUNSFIELD, v.kind());
	}

	@Test
	void badPathsAndOptionsNameTheParameter() throws IOException {
		CommandFailedException e = assertThrows(CommandFailedException.class, () -> commands.run("Open CT Volume", Map.of("path", dir.resolve("absent.nii").toFile())));
		assertEquals("path: " + dir.resolve("absent.nii") + " not found", e.getMessage());
		Path txt = Files.writeString(dir.resolve("x.txt"), "hello");
		e = assertThrows(CommandFailedException.class, () -> commands.run("Open CT Volume", Map.of("path", txt.toFile())));
		assertEquals("x.txt: unknown volume type '.txt'; expected a folder of DICOM files, a DICOM file, or a .nii/.nii.gz (NIfTI-1) file", e.getMessage());
		Path nii = Files.write(dir.resolve("bad.nii"), new byte[400]);
		e = assertThrows(CommandFailedException.class, () -> commands.run("Open CT Volume", Map.of("path", nii.toFile())));
		assertEquals("bad.nii: sizeof_hdr is 0, expected 348 (not a NIfTI-1 file)", e.getMessage());
		assertThrows(CommandFailedException.class, () -> commands.run("Open CT Volume", Map.of("path", nii.toFile(), "window", "liver")));
	}
}
