package org.convkit.cli;

import static org.junit.jupiter.api.Assertions.*;

import ij.IJ;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.convkit.commands.ct.CtImages;
import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.convkit.ct.VolumeGeometry;
import org.convkit.ct.WindowPreset;
import org.convkit.ct.io.NiftiDatatype;
import org.convkit.ct.io.NiftiFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;

/**
 * {@code macros/ct_denoise_folder.ijm} end to end and headless, as {@link MacroToolTest} runs
 * macros: a folder with a NIfTI volume and a TIFF stack (small noisy phantoms with their own
 * geometry), a denoiser trained on each (a token training: 2 steps), results saved as NIfTI on
 * each input's grid.
 */
class CtMacroTest {

	private static final Path MACRO = Path.of("macros", "ct_denoise_folder.ijm");

	@TempDir
	Path temp;

	@BeforeAll
	static void headless() {
		System.setProperty("java.awt.headless", "true");
	}

	@Test
	void denoisesEveryVolumeOfAFolderOnItsOwnGrid() throws Exception {
		Path input = Files.createDirectories(temp.resolve("ct in"));
		VolumeGeometry a = new VolumeGeometry(new double[] {0.8, 0.8, 2.5}, new double[] {-40, 12, 300}, new double[] {1, 0, 0, 0, -1, 0, 0, 0, 1});
		VolumeGeometry b = VolumeGeometry.aligned(new double[] {1, 1, 3}, new double[] {5, 6, 7});
		NiftiFiles.write(input.resolve("a.nii.gz"), phantom(a, 1), NiftiDatatype.AUTO);
		assertTrue(IJ.saveAsTiff(CtImages.toImagePlus(phantom(b, 2), "b", WindowPreset.SOFT_TISSUE), input.resolve("b.tif").toString()));
		Files.writeString(input.resolve("notes.txt"), "not a volume");
		Path output = temp.resolve("out");

		LauncherProcess.Result result = LauncherProcess.launch(temp, "macro", "--headless", MACRO.toString(),
			"input=[" + input + "] output=[" + output + "] epochs=1 steps_per_epoch=2 patch_size=16 patch_depth=16");

		assertEquals(0, result.exitCode(), result.toString());
		assertTrue(result.stdout().contains("ct_denoise_folder: 2 volumes denoised from " + input + "/ into " + output + "/"), result.toString());
		List<String> summary = Files.readAllLines(output.resolve("summary.csv"));
		assertEquals(3, summary.size(), summary.toString());
		assertTrue(summary.get(1).startsWith("a.nii.gz,32x28x20," + output.resolve("a_model") + ","), summary.get(1));
		assertTrue(summary.get(2).startsWith("b.tif,32x28x20," + output.resolve("b_model") + ","), summary.get(2));
		for (String name : List.of("a", "b")) {
			Volume in = name.equals("a") ? NiftiFiles.read(input.resolve("a.nii.gz")) : CtImages.readImage(input.resolve("b.tif"));
			Volume out = NiftiFiles.read(output.resolve(name + "_denoised.nii.gz"));
			assertEquals("32x28x20", out.dimensionsText(), name);
			assertTrue(in.geometry().approximatelyEquals(out.geometry(), 1e-4), name + ": " + out.geometry().describe() + " vs " + in.geometry().describe());
			assertEquals(ValueKind.HOUNSFIELD, out.kind(), name);
			assertTrue(Files.isRegularFile(output.resolve(name + "_model").resolve("unet3d.params")), name);
		}
	}

	/** Soft tissue (40 HU) with a 300 HU block, in air, with 30 HU of noise. */
	static Volume phantom(VolumeGeometry g, long seed) {
		PlanarImg<FloatType, FloatArray> voxels = Volume.allocate(32, 28, 20);
		Random random = new Random(seed);
		for (int z = 0; z < 20; z++) {
			float[] p = voxels.getPlane(z).getCurrentStorageArray();
			for (int i = 0; i < p.length; i++) {
				int x = i % 32, y = i / 32;
				float hu = x < 3 || x > 28 ? -1000 : x > 10 && x < 20 && y > 8 && y < 18 ? 300 : 40;
				p[i] = Math.round(hu + 30 * random.nextGaussian());
			}
		}
		return new Volume(voxels, g, ValueKind.HOUNSFIELD, "phantom", List.of());
	}
}
