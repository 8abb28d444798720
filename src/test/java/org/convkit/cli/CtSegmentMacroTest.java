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
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.segment.LabelClasses;
import org.convkit.ct.segment.Segmenter;
import org.convkit.ct.train.VolumeTrainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;

/**
 * {@code macros/ct_segment_folder.ijm} end to end and headless, as {@link MacroToolTest} runs macros:
 * a folder with a NIfTI volume at the model's spacing and a TIFF stack at a finer one, segmented by a
 * small model trained here on a bright block (label 4); each result saved as NIfTI on its input's
 * grid, and summary.csv's counts and millilitres checked against the written label volumes.
 */
class CtSegmentMacroTest {

	private static final Path MACRO = Path.of("macros", "ct_segment_folder.ijm");

	@TempDir
	Path temp;

	@BeforeAll
	static void headless() {
		System.setProperty("java.awt.headless", "true");
	}

	@Test
	void segmentsEveryVolumeOfAFolderOnItsOwnGridWithTheVolumesInTheSummary() throws Exception {
		VolumeGeometry a = new VolumeGeometry(new double[] {2, 2, 3}, new double[] {-40, 12, 300}, new double[] {1, 0, 0, 0, -1, 0, 0, 0, 1});
		VolumeGeometry b = VolumeGeometry.aligned(new double[] {1.5, 1.5, 3}, new double[] {5, 6, 7});
		Path model = temp.resolve("model");
		Volume training = block(a, 1, false), trainingLabels = block(a, 1, true);
		LabelClasses classes = LabelClasses.of(trainingLabels.voxels(), null, "block");
		Segmenter.train(training.voxels(), trainingLabels.voxels(), a.spacing(), classes, null, UNet3d.Config.DEFAULT.withDepth(2).withBaseWidth(4),
			new VolumeTrainer.Config(16, 8, 2, 1, 30, 5e-3f, 7, 0, false, false, 0, 0), "block", null).model().save(model);

		Path input = Files.createDirectories(temp.resolve("ct in"));
		NiftiFiles.write(input.resolve("a.nii.gz"), block(a, 2, false), NiftiDatatype.AUTO);
		assertTrue(IJ.saveAsTiff(CtImages.toImagePlus(block(b, 3, false), "b", WindowPreset.SOFT_TISSUE), input.resolve("b.tif").toString()));
		Files.writeString(input.resolve("notes.txt"), "not a volume");
		Path output = temp.resolve("out");

		LauncherProcess.Result result = LauncherProcess.launch(temp, "macro", "--headless", MACRO.toString(),
			"input=[" + input + "] model=[" + model + "] output=[" + output + "]");

		assertEquals(0, result.exitCode(), result.toString());
		assertTrue(result.stdout().contains("ct_segment_folder: 2 volumes segmented; labels and summary.csv in " + output + "/"), result.toString());
		List<String> summary = Files.readAllLines(output.resolve("summary.csv"));
		assertEquals("file,label,voxels,volume_mL,min_x,min_y,min_z,max_x,max_y,max_z", summary.get(0));
		assertEquals(3, summary.size(), summary.toString()); // one label, two volumes
		for (int i = 0; i < 2; i++) {
			String name = i == 0 ? "a" : "b";
			VolumeGeometry g = i == 0 ? a : b;
			Volume in = i == 0 ? NiftiFiles.read(input.resolve("a.nii.gz")) : CtImages.readImage(input.resolve("b.tif"));
			Volume out = NiftiFiles.read(output.resolve(name + "_labels.nii.gz"));
			assertEquals("32x28x16", out.dimensionsText(), name);
			assertTrue(in.geometry().approximatelyEquals(out.geometry(), 1e-4), name + ": " + out.geometry().describe() + " vs " + g.describe());
			long count = 0;
			for (FloatType v : out.voxels()) {
				assertTrue(v.get() == 0 || v.get() == 4, name + ": label value " + v.get());
				if (v.get() == 4) count++;
			}
			// the block is 10 x 10 x 9 voxels; a short training finds most of it
			assertTrue(count > 450 && count < 1350, name + ": " + count + " voxels of label 4");
			String[] row = summary.get(1 + i).split(",");
			assertEquals(name + (i == 0 ? ".nii.gz" : ".tif"), row[0]);
			assertEquals("4", row[1]);
			assertEquals(count, Long.parseLong(row[2]), name);
			double voxelMm3 = g.spacing()[0] * g.spacing()[1] * g.spacing()[2];
			assertEquals(count * voxelMm3 / 1000, Double.parseDouble(row[3]), 0.0005, name + ": mL = voxels x voxel volume / 1000");
		}
	}

	/** A 32x28x16 volume: a 300 HU block (x 4..13, y 5..14, z 3..11) in 40 HU tissue with 20 HU of noise, or its labels (4 in the block). */
	static Volume block(VolumeGeometry g, long seed, boolean labels) {
		PlanarImg<FloatType, FloatArray> voxels = Volume.allocate(32, 28, 16);
		Random random = new Random(seed);
		for (int z = 0; z < 16; z++) {
			float[] p = voxels.getPlane(z).getCurrentStorageArray();
			for (int i = 0; i < p.length; i++) {
				int x = i % 32, y = i / 32;
				boolean inside = x >= 4 && x < 14 && y >= 5 && y < 15 && z >= 3 && z < 12;
				p[i] = labels ? (inside ? 4 : 0) : Math.round((inside ? 300 : 40) + 20 * random.nextGaussian());
			}
		}
		return new Volume(voxels, g, labels ? ValueKind.LABELS : ValueKind.HOUNSFIELD, "block", List.of());
	}
}
