package org.convkit.ct.net;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.convkit.core.runtime.BlockParameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model of several members: its folder round-trips, an old folder is one member, and apply gives the members' mean. */
class VolumeModelEnsembleTest {

	static final UNet3d.Config NET = new UNet3d.Config(1, 4, UNet3d.Normalization.NONE, false, 1, 1);

	@TempDir
	Path dir;

	/** Randomly initialised parameters of {@code net} (each call draws others). */
	static byte[] parameters(UNet3d.Config net, int seed) throws Exception {
		ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
		try (Model m = Model.newInstance("t")) {
			m.setBlock(UNet3d.build(net));
			m.getBlock().initialize(m.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 2, 2, 2));
			return BlockParameters.toBytes(m.getBlock());
		}
	}

	static VolumeModel model(UNet3d.Config net, byte[] parameters, long tile) {
		Properties recipe = new Properties();
		recipe.setProperty("recipe.seed", "1");
		return new VolumeModel(net, VolumeModel.Task.DENOISE, Intensity.window(-100, 100), tile, new double[] {1, 1, 2}, recipe, parameters);
	}

	@Test
	void aFolderOfThreeMembersRoundTrips() throws Exception {
		long tile = UNet3d.minimumTile(NET);
		byte[][] p = {{1, 2, 3}, {4, 5}, {6}};
		Properties recipe = new Properties();
		recipe.setProperty("recipe.member_seeds", "42,43,44");
		VolumeModel ensemble = VolumeModel.ensemble(List.of(model(NET, p[0], tile), model(NET, p[1], tile), model(NET, p[2], tile)), recipe);
		assertEquals(3, ensemble.members());
		Path folder = dir.resolve("ensemble");
		ensemble.save(folder);
		assertTrue(Files.isRegularFile(folder.resolve("unet3d.params")) && Files.isRegularFile(folder.resolve("unet3d-member2.params"))
			&& Files.isRegularFile(folder.resolve("unet3d-member3.params")));
		assertTrue(Files.readString(folder.resolve(VolumeModel.PROPERTIES)).contains("members=3"));
		VolumeModel loaded = VolumeModel.open(folder);
		assertEquals(3, loaded.members());
		for (int i = 0; i < 3; i++) {
			assertArrayEquals(p[i], loaded.member(i).parameters(), "member " + (i + 1));
			assertEquals(1, loaded.member(i).members());
		}
		assertEquals("42,43,44", loaded.recipe().getProperty("recipe.member_seeds"));
		assertEquals(Intensity.window(-100, 100), loaded.intensity());
		assertArrayEquals(new double[] {1, 1, 2}, loaded.spacing());

		// a folder written before ensembles (no members key) is one member
		model(NET, p[1], tile).save(dir.resolve("single"));
		assertFalse(Files.readString(dir.resolve("single").resolve(VolumeModel.PROPERTIES)).contains("members="));
		VolumeModel single = VolumeModel.open(dir.resolve("single"));
		assertEquals(1, single.members());
		assertArrayEquals(p[1], single.parameters());

		// a folder missing a member file is refused, naming the folder and the file
		Files.delete(folder.resolve("unet3d-member3.params"));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VolumeModel.open(folder));
		assertEquals("model: " + folder.toAbsolutePath().normalize() + " lists 3 members, but its member file unet3d-member3.params is missing", e.getMessage());

		// members of another tile are not one model
		e = assertThrows(IllegalArgumentException.class, () -> VolumeModel.ensemble(List.of(model(NET, p[0], tile), model(NET, p[1], tile + 8)), recipe));
		assertTrue(e.getMessage().startsWith("members: expected models of one network, normalisation, tile, spacing and task; member 2 differs"), e.getMessage());
	}

	@Test
	void anEnsembleAppliesAsTheMeanOfItsMembers() throws Exception {
		long tile = UNet3d.minimumTile(NET) + 8;
		VolumeModel a = model(NET, parameters(NET, 1), tile), b = model(NET, parameters(NET, 2), tile);
		VolumeModel ensemble = VolumeModel.ensemble(List.of(a, b), a.recipe());
		ArrayImg<FloatType, FloatArray> volume = ArrayImgs.floats(20, 18, 12);
		Random random = new Random(3);
		for (FloatType t : volume) t.set((float) (50 * random.nextGaussian()));
		float[] pa = a.apply(volume).update(null).getCurrentStorageArray(), pb = b.apply(volume).update(null).getCurrentStorageArray();
		float[] mean = ensemble.apply(volume).update(null).getCurrentStorageArray();
		double differ = 0;
		for (int i = 0; i < mean.length; i++) {
			assertEquals((pa[i] + pb[i]) / 2, mean[i], 1e-4, "voxel " + i);
			differ = Math.max(differ, Math.abs(pa[i] - pb[i]));
		}
		assertTrue(differ > 1, "the two members differ (max " + differ + "), so the mean is a test");
	}
}
