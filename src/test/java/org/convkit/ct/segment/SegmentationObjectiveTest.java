package org.convkit.ct.segment;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

/** Validation pools the whole slab: a network that predicts background everywhere scores worse than one that finds the structure. */
class SegmentationObjectiveTest {

	/** Validation loss of 4 patches (1 x 1 x 2 x 4 x 4), class 1 filling the first half of patch 0 only, for logits (background, class 1) per voxel. */
	private static double loss(float[] background, float[] foreground) {
		SegmentationObjective objective = new SegmentationObjective(2);
		double[] sums = null;
		try (NDManager m = NDManager.newBaseManager()) {
			for (int patch = 0; patch < 4; patch++) {
				float[] target = new float[32], logits = new float[64];
				for (int i = 0; i < 32; i++) {
					boolean inside = patch == 0 && i < 16;
					target[i] = inside ? 1 : 0;
					logits[i] = inside ? background[1] : background[0];
					logits[32 + i] = inside ? foreground[1] : foreground[0];
				}
				NDArray out = m.create(logits, new Shape(1, 2, 2, 4, 4)), y = m.create(target, new Shape(1, 1, 2, 4, 4)), w = m.ones(new Shape(1, 1, 2, 4, 4));
				double[] one = objective.validationSums(out, y, w);
				if (sums == null) sums = one;
				else for (int i = 0; i < one.length; i++) sums[i] += one[i];
			}
		}
		return objective.validationLoss(sums);
	}

	@Test
	void theSlabIsScoredAsAWholeAndPredictingNothingLoses() {
		// a perfect hard prediction with logits 0 and ln 3 (p = 0.75 for the right class everywhere):
		// cross-entropy ln(4/3); class 1 Dice = 2 * 12 / ((0.75 * 16 + 0.25 * 112) + 16) = 24 / 56
		double perfect = loss(new float[] {(float) Math.log(3), 0}, new float[] {0, (float) Math.log(3)});
		assertEquals(Math.log(4 / 3.0) + 1 - 24 / 56.0, perfect, 1e-5);
		// background everywhere, confidently (p = 0.9975): what an untrained network predicts
		double nothing = loss(new float[] {6, 6}, new float[] {0, 0});
		assertTrue(nothing > perfect + 0.5, "background everywhere " + nothing + " against " + perfect);
		// no foreground class in the slab: the cross-entropy alone
		SegmentationObjective objective = new SegmentationObjective(3);
		double[] sums = new double[2 + 9];
		sums[0] = 12;
		sums[1] = 40;
		assertEquals(0.3, objective.validationLoss(sums), 1e-12);
	}
}
