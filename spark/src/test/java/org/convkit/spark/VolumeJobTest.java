package org.convkit.spark;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.apache.spark.sql.Row;
import org.convkit.commands.ct.CtImages;
import org.convkit.commands.ct.CtModels;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.core.io.SharedData;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.convkit.ct.VolumeGeometry;
import org.convkit.ct.io.NiftiDatatype;
import org.convkit.ct.io.NiftiFiles;
import org.convkit.ct.net.Intensity;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The volume job on local[2] against the single-JVM path on the same files (Open CT Volume, then
 * Segment Volume or Denoise Volume): the same label volume and mL table, the same denoised voxels;
 * a file that is no volume is a row with its error and the others are processed.
 */
class VolumeJobTest {

	static final VolumeGeometry GEOMETRY = new VolumeGeometry(new double[] {2, 2, 3}, new double[] {-10, 20, 35.5}, new double[] {-1, 0, 0, 0, -1, 0, 0, 0, 1});
	/** A real CT series exported by UID (files without .dcm), when the shared data is there. */
	private static final Path DICOM = SharedData.resolve("ct/totalsegmentator/example_ct_dicom");

	@RegisterExtension
	static final LocalSpark local = new LocalSpark();

	@TempDir
	Path dir;

	/** The single-JVM path's commands, as the Fiji plugin runs them: one SciJava context for the class. */
	private static Context context;
	private static CommandExecutor commands;

	@BeforeAll
	static void commands() {
		context = new Context();
		commands = new CommandExecutor(context);
	}

	@AfterAll
	static void close() {
		context.dispose();
	}

	/** A 32x28x16 phantom in HU: a bright box (label 4) and a darker one (label 9) in tissue; the labels when {@code labels}. */
	static Volume phantom(boolean labels, VolumeGeometry geometry) {
		PlanarImg<FloatType, FloatArray> img = Volume.allocate(32, 28, 16);
		for (int z = 0; z < 16; z++) {
			float[] v = img.getPlane(z).getCurrentStorageArray();
			for (int y = 0; y < 28; y++)
				for (int x = 0; x < 32; x++) {
					int i = y * 32 + x;
					v[i] = labels ? 0 : 40 + (x * 7 + y * 13 + z * 3) % 11;
					if (x >= 4 && x < 14 && y >= 5 && y < 15 && z >= 3 && z < 12) v[i] = labels ? 4 : 150;
					if (x >= 20 && x < 26 && y >= 16 && y < 24 && z >= 6 && z < 10) v[i] = labels ? 9 : -80;
				}
		}
		return new Volume(img, geometry, labels ? ValueKind.LABELS : ValueKind.HOUNSFIELD, "test", List.of());
	}

	@Test
	void segmentsAsSegmentVolumeWithAnErrorRowForABadFile() throws Exception {
		Path in = Files.createDirectories(dir.resolve("in/sub"));
		NiftiFiles.write(in.getParent().resolve("body.nii.gz"), phantom(false, GEOMETRY), NiftiDatatype.AUTO);
		// the same voxels at another spacing: resampled to the model's and back, as Segment Volume does
		NiftiFiles.write(in.resolve("fine.nii"), phantom(false, new VolumeGeometry(new double[] {1.5, 1.5, 2}, GEOMETRY.origin(), GEOMETRY.direction())),
			NiftiDatatype.AUTO);
		Files.write(in.resolve("broken.nii.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
		Path model = dir.resolve("segmenter");
		Map<String, Map<String, Object>> expected = new HashMap<>();
		long start = System.nanoTime();
		ImagePlus image = CtImages.toImagePlus(phantom(false, GEOMETRY), "body", null), labels = CtImages.toImagePlus(phantom(true, GEOMETRY), "body-seg", null);
		commands.run(commands.find("Train Segmenter"), new HashMap<>(Map.of("image", image, "labels", labels, "model", model.toFile(), "epochs", 2,
			"steps_per_epoch", 2, "patch_xy", 16, "patch_z", 8, "label_values", "9, 4", "depth", 1, "base_width", 4)));
		for (Path v : List.of(in.getParent().resolve("body.nii.gz"), in.resolve("fine.nii"))) {
			Map<String, Object> opened = commands.run(commands.find("Open CT Volume"), new HashMap<>(Map.of("path", v.toFile())));
			expected.put(VolumeJob.name(v.toString()), commands.run(commands.find("Segment Volume"),
				new HashMap<>(Map.of("image", opened.get("image"), "model", model.toFile()))));
		}
		long loads = ConvKitRuntime.get().models().loadCount();
		long commandsDone = System.nanoTime();

		Path out = dir.resolve("out");
		Map<String, Long> statuses = ConvKitSpark.run(local.session(), new String[] {"volumes", "--input", dir.resolve("in").toUri().toString(),
			"--model", model.toString(), "--output", out.toString()});
		System.out.printf("Train Segmenter + Segment Volume %.1f s, the Spark job (local[2]) %.1f s on %d volumes and a bad file%n",
			(commandsDone - start) / 1e9, (System.nanoTime() - commandsDone) / 1e9, expected.size());
		assertEquals(Map.of("ok", (long) expected.size(), "failed", 1L), statuses);
		assertEquals(loads, ConvKitRuntime.get().models().loadCount(), "the tasks reuse the JVM's network, loaded once");

		List<Row> rows = local.session().read().parquet(out.resolve("volumes").toString()).orderBy("volume").collectAsList();
		Row broken = rows.get(1);
		assertEquals("broken", broken.getAs("volume"));
		assertEquals("failed", broken.getAs("status"));
		assertTrue(broken.<String>getAs("error").startsWith("broken.nii.gz: corrupt gzip data"), broken.<String>getAs("error"));
		assertNull(broken.getAs("output"));
		List<Row> labelRows = local.session().read().parquet(out.resolve("labels").toString()).collectAsList();
		for (Map.Entry<String, Map<String, Object>> e : expected.entrySet()) {
			String name = e.getKey();
			Row row = rows.stream().filter(r -> r.getAs("volume").equals(name)).findFirst().orElseThrow();
			assertEquals("ok", row.getAs("status"), row.toString());
			assertEquals("segment", row.getAs("task"));
			// the label volume: voxel for voxel Segment Volume's, on the input's grid
			Volume written = NiftiFiles.read(out.resolve("nifti").resolve(row.<String>getAs("output")));
			ImagePlus segmentation = (ImagePlus) e.getValue().get("segmentation");
			assertEquals(ValueKind.LABELS, written.kind());
			assertArrayEquals(new long[] {segmentation.getWidth(), segmentation.getHeight(), segmentation.getNSlices()}, written.voxels().dimensionsAsLongArray());
			assertTrue(written.geometry().approximatelyEquals(VolumeGeometry.parse(segmentation.getProp(CtImages.GEOMETRY)), 1e-4), name);
			for (int z = 0; z < segmentation.getNSlices(); z++)
				assertArrayEquals((float[]) segmentation.getStack().getPixels(z + 1), written.plane(z, 0), name + ", slice " + z);
			// the mL table: Segment Volume's rows
			ResultsTable table = (ResultsTable) e.getValue().get("volumes");
			List<Row> mine = labelRows.stream().filter(r -> r.getAs("volume").equals(name)).toList();
			assertEquals(table.size(), mine.size(), name);
			for (int k = 0; k < table.size(); k++) {
				Row l = mine.get(k);
				String what = name + " " + l;
				assertEquals((int) table.getValue("label", k), l.<Integer>getAs("label"), what);
				assertEquals((long) table.getValue("voxels", k), l.<Long>getAs("voxels"), what);
				assertEquals(table.getValue("volume_mL", k), l.<Double>getAs("ml"), 1e-9 * Math.max(1, l.<Double>getAs("ml")), what);
				for (String c : List.of("min_x", "min_y", "min_z", "max_x", "max_y", "max_z")) {
					double v = table.getValue(c, k);
					if (Double.isNaN(v)) assertNull(l.getAs(c), what);
					else assertEquals((long) v, l.<Long>getAs(c), what + " " + c);
				}
			}
		}
		try (var left = Files.list(dir)) {
			assertFalse(left.anyMatch(p -> p.getFileName().toString().startsWith(".out")), "no staging folder is left");
		}
		try (var nifti = Files.list(out.resolve("nifti"))) {
			assertEquals(expected.keySet().stream().map(n -> n + "-labels.nii.gz").sorted().toList(), nifti.map(p -> p.getFileName().toString()).sorted().toList());
		}
	}

	@Test
	void findsNiftiFilesAndDicomSeriesFoldersThroughHadoopsFileSystem() throws Exception {
		Files.createDirectories(dir.resolve("a/b"));
		for (String f : List.of("a/x.nii.gz", "a/b/y.NII", "a/b/notes.txt", "a/b/z.nii.gz.md5")) Files.writeString(dir.resolve(f), "");
		Files.createDirectories(dir.resolve("a/series"));
		Files.writeString(dir.resolve("a/series/IM0001.dcm"), "");
		var conf = local.session().sparkContext().hadoopConfiguration();
		String root = "file:" + dir;
		assertEquals(List.of(root + "/a/b/y.NII", root + "/a/series", root + "/a/x.nii.gz"), VolumeJob.volumes(dir.toUri() + "a", conf));
		assertEquals(List.of(root + "/a/x.nii.gz"), VolumeJob.volumes(dir.resolve("a/*.nii.gz").toUri().toString(), conf));
		Files.writeString(dir.resolve("a/b/x.nii"), "");
		assertEquals(String.format(VolumeJob.SAME_NAME, root + "/a/b/x.nii", root + "/a/x.nii.gz", "x"),
			assertThrows(IllegalArgumentException.class, () -> VolumeJob.volumes(dir.toUri() + "a", conf)).getMessage());
		if (Files.isDirectory(DICOM)) {
			// the series' files are named by UID: the folder is known by its first file's DICOM marker
			assertEquals(List.of("file:" + DICOM), VolumeJob.volumes(DICOM.toString(), conf));
		} else {
			System.out.println("VolumeJobTest: DICOM series listing not checked: " + SharedData.missing(DICOM));
		}
	}

	@Test
	void denoisesAsDenoiseVolumeAndRefusesBadOptions() throws Exception {
		// a denoiser built quickly: untrained parameters, what Train Denoiser records about its volumes
		UNet3d.Config net = new UNet3d.Config(1, 4, UNet3d.Normalization.NONE, false, 1, 1);
		Properties recipe = new Properties();
		recipe.setProperty(CtModels.VALUES, ValueKind.HOUNSFIELD.name());
		Path model = dir.resolve("denoiser");
		// a tile of 48 or more holds the phantom in few tiles (the smallest tile would cut it into hundreds of calls)
		new VolumeModel(net, VolumeModel.Task.DENOISE, Intensity.window(-1000, 1000), Math.max(48, UNet3d.minimumTile(net)), null, recipe, parameters(net))
			.save(model);
		Path body = dir.resolve("in/body.nii.gz");
		Files.createDirectories(body.getParent());
		NiftiFiles.write(body, phantom(false, GEOMETRY), NiftiDatatype.AUTO);
		// a label volume: refused by the model trained on HU, as Denoise Volume refuses it
		NiftiFiles.write(dir.resolve("in/labels.nii.gz"), phantom(true, GEOMETRY), NiftiDatatype.AUTO);

		long start = System.nanoTime();
		Map<String, Object> opened = commands.run(commands.find("Open CT Volume"), new HashMap<>(Map.of("path", body.toFile())));
		ImagePlus denoised = (ImagePlus) commands.run(commands.find("Denoise Volume"), new HashMap<>(Map.of("image", opened.get("image"), "model", model.toFile())))
			.get("denoised");
		long commandsDone = System.nanoTime();
		// input, model and output on a file system that is not read in place, as HDFS or S3A
		local.session().sparkContext().hadoopConfiguration().set("fs." + RemoteLikeFileSystem.SCHEME + ".impl", RemoteLikeFileSystem.class.getName());
		String remote = RemoteLikeFileSystem.SCHEME + ":" + dir;
		Path out = dir.resolve("out");
		Map<String, Long> statuses = ConvKitSpark.run(local.session(), new String[] {"volumes", "--input", remote + "/in/*.nii.gz", "--model", remote + "/denoiser",
			"--output", remote + "/out", "--format", "csv"});
		System.out.printf("Denoise Volume %.1f s, the Spark job (local[2]) %.1f s%n", (commandsDone - start) / 1e9, (System.nanoTime() - commandsDone) / 1e9);
		assertEquals(Map.of("ok", 1L, "failed", 1L), statuses);
		Volume written = NiftiFiles.read(out.resolve("nifti/body-denoised.nii.gz"));
		assertEquals(ValueKind.HOUNSFIELD, written.kind());
		for (int z = 0; z < denoised.getNSlices(); z++)
			assertArrayEquals((float[]) denoised.getStack().getPixels(z + 1), written.plane(z, 0), 1e-4f, "slice " + z);
		List<Row> rows = local.session().read().option("header", "true").csv(out.resolve("volumes").toString()).orderBy("volume").collectAsList();
		assertEquals(List.of("body", "labels"), rows.stream().map(r -> r.<String>getAs("volume")).toList());
		assertEquals("body-denoised.nii.gz", rows.get(0).getAs("output"));
		assertEquals("labels.nii.gz holds labels, but the model " + remote + "/denoiser was trained on CT values (HU); train a model on volumes of this kind",
			rows.get(1).getAs("error"));
		assertFalse(Files.exists(out.resolve("labels")), "a denoiser has no label table");
		assertEquals(remote + "/in/body.nii.gz", rows.get(0).getAs("file"));
		try (var nifti = Files.list(out.resolve("nifti"))) {
			assertEquals(List.of("body-denoised.nii.gz"), nifti.map(p -> p.getFileName().toString()).toList(), "no hidden copy is left");
		}

		// bad options: named before any work
		String[] base = {"volumes", "--input", body.toString(), "--output", dir.resolve("o").toString(), "--model"};
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvKitSpark.run(local.session(), with(base, dir.toString())));
		assertTrue(e.getMessage().startsWith("--model: expected a folder holding unet3d.params"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> ConvKitSpark.run(local.session(), with(base, model.toString(), "--tile-size", "4")));
		assertTrue(e.getMessage().startsWith("--tile-size: 4 in dimension 0 is too small for "), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> ConvKitSpark.run(local.session(),
			new String[] {"volumes", "--input", dir.resolve("none*").toString(), "--output", dir.resolve("o").toString(), "--model", model.toString()}));
		assertEquals(String.format(VolumeJob.NOTHING, dir.resolve("none*")), e.getMessage());
		assertFalse(Files.exists(dir.resolve("o")));
	}

	private static String[] with(String[] base, String... more) {
		List<String> all = new ArrayList<>(List.of(base));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	private static byte[] parameters(UNet3d.Config net) throws Exception {
		try (ai.djl.Model m = ai.djl.Model.newInstance("t")) {
			m.setBlock(UNet3d.build(net));
			m.getBlock().initialize(m.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 1, 2, 2, 2));
			return org.convkit.core.runtime.BlockParameters.toBytes(m.getBlock());
		}
	}
}
