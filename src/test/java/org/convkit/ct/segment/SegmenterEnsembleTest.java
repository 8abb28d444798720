package org.convkit.ct.segment;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.convkit.core.runtime.BlockParameters;
import org.convkit.ct.net.Intensity;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;
import org.convkit.ct.train.VolumeTrainer;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ensemble of segmenters: its probabilities are the mean of its members', and its members are the single networks of their seeds. */
class SegmenterEnsembleTest {

	static final UNet3d.Config NET = UNet3d.Config.DEFAULT.withDepth(1).withBaseWidth(4).withChannels(1, 3);

	@TempDir
	Path dir;

	private static byte[] parameters(int seed) throws Exception {
		ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
		try (Model m = Model.newInstance("t")) {
			m.setBlock(UNet3d.build(NET));
			m.getBlock().initialize(m.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 2, 2, 2));
			return BlockParameters.toBytes(m.getBlock());
		}
	}

	private static VolumeModel segmenter(byte[] parameters) {
		Properties recipe = new Properties();
		recipe.setProperty(Segmenter.LABEL_VALUES, "1,2");
		return new VolumeModel(NET, VolumeModel.Task.SEGMENT, new Intensity(Intensity.Mode.ZSCORE, 100, 50), UNet3d.minimumTile(NET) + 8, new double[] {2, 2, 3}, recipe,
			parameters);
	}

	@Test
	void probabilitiesAreTheMeanOfTheMembersAndTheLabelsTheirArgmax() throws Exception {
		VolumeModel a = segmenter(parameters(1)), b = segmenter(parameters(2));
		VolumeModel ensemble = VolumeModel.ensemble(List.of(a, b), a.recipe());
		Phantom phantom = Phantom.make(24, 20, 12, 20, 1);
		double[] spacing = {2, 2, 3};
		float[] pa = probabilities(a, phantom, spacing), pb = probabilities(b, phantom, spacing);
		Segmenter.Segmentation s = Segmenter.segment(phantom.image(), spacing, ensemble, ensemble.tile(), 1, true, "ensemble");
		float[] p = s.probabilities().update(null).getCurrentStorageArray(), labels = s.labels().update(null).getCurrentStorageArray();
		int voxels = labels.length;
		double differ = 0;
		for (int i = 0; i < p.length; i++) {
			assertEquals((pa[i] + pb[i]) / 2, p[i], 1e-5, "probability " + i);
			differ = Math.max(differ, Math.abs(pa[i] - pb[i]));
		}
		assertTrue(differ > 0.05, "the members differ (max " + differ + ")");
		for (int i = 0; i < voxels; i++) {
			int best = 0;
			for (int c = 1; c < 3; c++) if (p[c * voxels + i] > p[best * voxels + i]) best = c;
			assertEquals(best, labels[i], "voxel " + i);
		}
	}

	private static float[] probabilities(VolumeModel m, Phantom phantom, double[] spacing) throws Exception {
		return Segmenter.segment(phantom.image(), spacing, m, m.tile(), 1, true, "member").probabilities().update(null).getCurrentStorageArray();
	}

	@Test
	void membersAreTheSingleNetworksOfConsecutiveSeedsAndTheFolderKeepsThem() throws Exception {
		Phantom phantom = Phantom.make(32, 32, 16, 20, 1);
		double[] spacing = {2, 2, 3};
		LabelClasses classes = LabelClasses.of(phantom.labels(), null, "phantom");
		UNet3d.Config net = UNet3d.Config.DEFAULT.withDepth(1).withBaseWidth(4);
		VolumeTrainer.Config training = new VolumeTrainer.Config(16, 8, 2, 2, 3, 3e-3f, 7, 0.25, false, false, 0.1, 0.1);
		VolumeTrainer.Result ensemble = Segmenter.train(phantom.image(), phantom.labels(), spacing, classes, null, net, training, 2, null, "phantom", null);
		VolumeTrainer.Result second = Segmenter.train(phantom.image(), phantom.labels(), spacing, classes, null, net, training.withSeed(8), "phantom", null);
		assertEquals(2, ensemble.model().members());
		assertArrayEquals(second.model().parameters(), ensemble.model().member(1).parameters(), "member 2 is the network of seed 8");
		assertEquals("7,8", ensemble.model().recipe().getProperty(Segmenter.MEMBER_SEEDS));
		assertEquals(2, ensemble.model().recipe().getProperty(Segmenter.MEMBER_EPOCHS).split(",").length);
		assertTrue(Segmenter.trainingText(ensemble.model()).startsWith("2 members (seeds 7,8), best epochs "), Segmenter.trainingText(ensemble.model()));

		ensemble.model().save(dir);
		VolumeModel loaded = VolumeModel.open(dir, VolumeModel.Task.SEGMENT, 1);
		assertEquals(2, loaded.members());
		float[] before = Segmenter.segment(phantom.image(), spacing, ensemble.model(), ensemble.model().tile(), 1, true, "trained").probabilities().update(null)
			.getCurrentStorageArray();
		float[] after = Segmenter.segment(phantom.image(), spacing, loaded, loaded.tile(), 1, true, dir.toString()).probabilities().update(null)
			.getCurrentStorageArray();
		assertArrayEquals(before, after, 0f);

		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> Segmenter.train(phantom.image(), phantom.labels(), spacing, classes, null, net, training, 0, null, "phantom", null));
		assertEquals("members: expected 1 to 16 networks in the ensemble, got 0", e.getMessage());
	}
}
