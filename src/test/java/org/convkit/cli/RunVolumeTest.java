package org.convkit.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;
import java.nio.file.Path;

import org.convkit.ct.CtData;
import org.convkit.ct.CtFiles;
import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.convkit.ct.VolumeGeometry;
import org.convkit.ct.io.NiftiDatatype;
import org.convkit.ct.io.NiftiFiles;
import org.convkit.ct.io.NiftiHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.imglib2.FinalInterval;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * {@code convkit run} on volumes: a NIfTI input is read as a CT volume and the image results are
 * written as {@code .nii.gz} on its grid (the written header read back field by field against the
 * input's), on example_ct_sm (122x101x30, 3 mm, skipped without the shared data); the CT commands
 * chained on the command line (Train Denoiser, then Denoise Volume) on a crop of it.
 */
class RunVolumeTest {

	@TempDir
	Path dir;

	@Test
	void aNiftiInputGivesANiftiResultWithTheInputsHeaderGeometry() throws Exception {
		Path input = CtData.ctSmall();
		Path out = dir.resolve("out");
		RunToolTest.Result r = RunToolTest.launch("run", "Convolution Filter", "image=" + input, "sigma=1", "dimensions=3D", "--output", out.toString());
		assertEquals(0, r.status(), r.err());
		Path written = out.resolve("example_ct_sm-gaussian.nii.gz");
		assertEquals("wrote " + written, r.out().strip());
		NiftiHeader in = NiftiFiles.readHeader(input), back = NiftiFiles.readHeader(written);
		assertArrayEquals(in.dim(), back.dim());
		for (int i = 1; i <= 3; i++) assertEquals(in.pixdim()[i], back.pixdim()[i], 1e-6, "pixdim[" + i + "]");
		assertEquals(in.pixdim()[0], back.pixdim()[0], "qfac");
		assertTrue(back.sformCode() > 0 && back.qformCode() > 0, "sform and qform both set (ConvKit writes one geometry into both)");
		for (int i = 0; i < 12; i++) assertEquals(in.srow()[i], back.srow()[i], 1e-3, "srow[" + i + "]");
		for (int i = 0; i < 6; i++) assertEquals(in.quatern()[i], back.quatern()[i], 1e-4, "quatern[" + i + "]");
		assertEquals(NiftiHeader.UNITS_MM, back.xyztUnits() & 7);
		// 32-bit smoothed HU: not integers, so float32
		assertEquals(NiftiHeader.FLOAT32, back.datatype());
		Volume v = NiftiFiles.read(written), original = NiftiFiles.read(input);
		assertEquals(ValueKind.HOUNSFIELD, v.kind());
		assertTrue(original.geometry().approximatelyEquals(v.geometry(), 1e-4), v.geometry().describe());
		// smoothing keeps a uniform region's level: the middle of the volume stays within the input's range
		float[] a = original.plane(15, 0), b = v.plane(15, 0);
		assertEquals(a[50 * 122 + 60], b[50 * 122 + 60], 150);
	}

	@Test
	void aDicomFolderGivesANiftiResultOnTheSeriesGrid() throws Exception {
		Path series = CtData.jpeg2000();
		Path out = dir.resolve("out");
		RunToolTest.Result r = RunToolTest.launch("run", "Convolution Filter", "image=" + series, "sigma=0.5", "dimensions=2D", "tile_size=256", "--output",
			out.toString());
		assertEquals(0, r.status(), r.err());
		Path written = out.resolve("example_ct_dicom-gaussian.nii.gz");
		assertEquals("wrote " + written, r.out().strip());
		Volume v = NiftiFiles.read(written), original = CtFiles.read(series, "");
		assertEquals("512x512x20", v.dimensionsText());
		assertTrue(original.geometry().approximatelyEquals(v.geometry(), 1e-4), v.geometry().describe() + " vs " + original.geometry().describe());
		assertEquals(ValueKind.HOUNSFIELD, v.kind());
	}

	@Test
	void trainsAndDenoisesFromTheCommandLine() throws Exception {
		Path input = crop(CtData.ctSmall(), dir.resolve("crop.nii.gz"));
		Path model = dir.resolve("model"), out = dir.resolve("out");
		// the training table goes to --output, the model stays where named
		RunToolTest.Result trained = RunToolTest.launch("run", "Train Denoiser", "image=" + input, "model=" + model, "epochs=1", "steps_per_epoch=2", "patch_size=16",
			"patch_depth=16", "batch_size=1", "--output", out.toString());
		assertEquals(0, trained.status(), trained.err());
		assertTrue(trained.out().contains("wrote " + model.resolve("unet3d.params")), trained.out());
		assertTrue(trained.out().contains("trained a denoiser on 'crop' (48x40x24, 1 channel) for 1 epochs of 2 steps"), trained.out());
		RunToolTest.Result denoised = RunToolTest.launch("run", "Denoise Volume", "image=" + input, "model=" + model, "--output", out.toString());
		assertEquals(0, denoised.status(), denoised.err());
		Path written = out.resolve("crop-denoised.nii.gz");
		assertTrue(denoised.out().contains("wrote " + written), denoised.out());
		NiftiHeader in = NiftiFiles.readHeader(input), back = NiftiFiles.readHeader(written);
		assertArrayEquals(in.dim(), back.dim());
		for (int i = 0; i < 12; i++) assertEquals(in.srow()[i], back.srow()[i], 1e-3, "srow[" + i + "]");
		// a model of another task or channel count, or a tile below its receptive field: exit 2 with the message
		RunToolTest.Result small = RunToolTest.launch("run", "Denoise Volume", "image=" + input, "model=" + model, "tile_size=30", "--output", out.toString());
		assertEquals(2, small.status());
		assertTrue(small.err().startsWith("Denoise Volume: tile_size: 30 in dimension 0 is too small for unet3d"), small.err());
	}

	/** 48 x 40 x 24 voxels of a real volume, on its own grid (the origin moved to the crop's corner). */
	private static Path crop(Path file, Path target) throws IOException {
		Volume v = NiftiFiles.read(file);
		PlanarImg<FloatType, FloatArray> voxels = Volume.allocate(48, 40, 24);
		var in = Views.flatIterable(Views.interval(v.voxels(), new FinalInterval(new long[] {30, 30, 3}, new long[] {77, 69, 26}))).cursor();
		var out = Views.flatIterable(voxels).cursor();
		while (in.hasNext()) out.next().set(in.next().get());
		VolumeGeometry g = v.geometry();
		NiftiFiles.write(target, new Volume(voxels, new VolumeGeometry(g.spacing(), g.position(30, 30, 3), g.direction()), v.kind(), file.toString(), List.of()),
			NiftiDatatype.AUTO);
		return target;
	}
}
