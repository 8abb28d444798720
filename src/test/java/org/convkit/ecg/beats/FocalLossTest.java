package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;

import org.junit.jupiter.api.Test;

class FocalLossTest {

	/** Two beats: one the network is sure of (class 0), one it doubts (class 1, p about 0.42); labels weighted 1 and 4. */
	private static float loss(Loss loss) {
		try (NDManager m = NDManager.newBaseManager()) {
			NDList logits = new NDList(m.create(new float[] {5, 0, 0, 0, 0, 1, 1.5f, 1, 0, 0}, new Shape(2, 5)));
			NDList labels = new NDList(m.create(new float[] {1, 0, 0, 0, 0, 0, 4, 0, 0, 0}, new Shape(2, 5)));
			return loss.evaluate(labels, logits).getFloat();
		}
	}

	@Test
	void gammaZeroIsTheWeightedCrossEntropyAndGammaTwoWeighsTheDoubtfulBeat() {
		double p0 = Math.exp(5) / (Math.exp(5) + 4), z1 = Math.exp(1) + Math.exp(1.5) + Math.exp(1) + 2, p1 = Math.exp(1.5) / z1;
		double ce = (-Math.log(p0) - 4 * Math.log(p1)) / 2;
		assertEquals(ce, loss(new FocalLoss(0)), 1e-5);
		assertEquals(ce, loss(Loss.softmaxCrossEntropyLoss("loss", 1f, -1, false, true)), 1e-5, "as BeatTrainer's loss");
		double focal = (-Math.pow(1 - p0, 2) * Math.log(p0) - 4 * Math.pow(1 - p1, 2) * Math.log(p1)) / 2;
		assertEquals(focal, loss(new FocalLoss(2)), 1e-5);
		// the sure beat's share of the loss falls by (1 - p0)^2, about 1e-3; the doubtful beat's by a third
		assertTrue(Math.pow(1 - p0, 2) < 1e-3 && Math.pow(1 - p1, 2) > 0.3, "p0 " + p0 + ", p1 " + p1);
	}

	@Test
	void aNetworkTrainedWithTheFocalLossLearnsTwoShapes() {
		BeatDataset train = BeatNetTest.synthetic(256, 1), test = BeatNetTest.synthetic(200, 2);
		try (Model model = BeatTrainer.train(train, new BeatTrainer.Config(3, 32, 3e-3f, 7, 10, 1, 0, 1).withFocalGamma(2), null)) {
			BeatEvaluation e = BeatEvaluation.of(test, BeatTrainer.predict(model, test));
			assertTrue(e.accuracy() > 0.95, "held-out accuracy after 3 epochs: " + e.report());
		}
	}

	@Test
	void gammaOutsideZeroToFiveIsRefused() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BeatTrainer.Config.DEFAULT.withFocalGamma(-1));
		assertEquals("focalGamma: expected in [0, 5], got -1.0", e.getMessage());
	}
}
