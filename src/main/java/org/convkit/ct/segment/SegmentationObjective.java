package org.convkit.ct.segment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import org.convkit.ct.train.VolumeTrainer;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Multi-class segmentation for {@link VolumeTrainer}: the network's K outputs are class scores; the
 * loss is softmax cross-entropy plus soft Dice (1 - mean Dice of the foreground classes, computed
 * over the whole batch, with smoothing 1), as nnU-Net trains. Cross-entropy gives smooth gradients
 * everywhere; Dice weighs each class equally whatever its size, so a small structure counts as much
 * as a large one. With the trainer's class-balanced patch sampling, small structures are seen often
 * and weigh as much in the loss.
 * <p>
 * Target: the class index per voxel (the trainer's label patch); every voxel carries weight 1.
 * <p>
 * Validation (which epoch is kept, when training stops early) pools the whole validation slab: the
 * cross-entropy per voxel plus 1 - the mean Dice of the foreground classes present in the slab,
 * each from its probabilities and voxels summed over all patches. Averaged per patch, as the
 * training loss is, each patch without a class scored that class's Dice as about 1 for predicting
 * none of it, so on a thin slab with few structures an untrained network that predicts background
 * everywhere scored best (one fold kept its second epoch and segmented nothing).
 */
public final class SegmentationObjective implements VolumeTrainer.Objective {

	private final int classes;

	public SegmentationObjective(int classes) {
		if (classes < 2) throw new IllegalArgumentException("classes: expected at least 2 (background and one label), got " + classes);
		this.classes = classes;
	}

	public int classes() {
		return classes;
	}

	@Override
	public void prepare(float[] patch, int[] shape, float[] input, float[] target, float[] weight, Random random) {
		throw new IllegalArgumentException("labels: segmentation training needs a label volume");
	}

	@Override
	public void prepare(float[] patch, float[] labels, int[] shape, float[] input, float[] target, float[] weight, Random random) {
		int voxels = shape[0] * shape[1] * shape[2];
		System.arraycopy(patch, 0, input, 0, voxels);
		System.arraycopy(labels, 0, target, 0, voxels);
		Arrays.fill(weight, 0, voxels, 1f);
	}

	@Override
	public NDArray loss(NDArray out, NDArray target, NDArray weight) {
		NDArray oneHot = oneHot(target, weight);
		NDArray w = weight.sum().maximum(1e-6f);
		NDArray crossEntropy = out.logSoftmax(1).mul(oneHot).sum().neg().div(w);
		NDArray p = out.softmax(1).mul(weight);
		int[] spatial = {0, 2, 3, 4};
		NDArray intersection = p.mul(oneHot).sum(spatial), size = p.sum(spatial).add(oneHot.sum(spatial));
		NDArray dice = intersection.mul(2).add(1).div(size.add(1)); // (K)
		NDArray foreground = dice.get("1:");
		return crossEntropy.add(foreground.mean().neg().add(1));
	}

	/** The class indices (B, 1, z, y, x) one-hot along the channels, (B, K, z, y, x), times the voxels' weights. */
	private NDArray oneHot(NDArray target, NDArray weight) {
		NDList hot = new NDList(classes);
		for (int k = 0; k < classes; k++) hot.add(target.eq(k).toType(DataType.FLOAT32, false));
		return NDArrays.concat(hot, 1).mul(weight);
	}

	/** Sums over a validation patch: cross-entropy, weight, then per class the probability x target, probability and target sums. */
	@Override
	public double[] validationSums(NDArray out, NDArray target, NDArray weight) {
		NDArray oneHot = oneHot(target, weight);
		NDArray p = out.softmax(1).mul(weight);
		int[] spatial = {0, 2, 3, 4};
		float[] intersection = p.mul(oneHot).sum(spatial).toFloatArray(), predicted = p.sum(spatial).toFloatArray(),
			present = oneHot.sum(spatial).toFloatArray();
		double[] sums = new double[2 + 3 * classes];
		sums[0] = out.logSoftmax(1).mul(oneHot).sum().neg().getFloat();
		sums[1] = weight.sum().getFloat();
		for (int k = 0; k < classes; k++) {
			sums[2 + k] = intersection[k];
			sums[2 + classes + k] = predicted[k];
			sums[2 + 2 * classes + k] = present[k];
		}
		return sums;
	}

	/** Cross-entropy per voxel + 1 - mean Dice of the foreground classes present in the validation voxels (none present: the cross-entropy alone). */
	@Override
	public double validationLoss(double[] sums) {
		double dice = 0;
		int n = 0;
		for (int k = 1; k < classes; k++) {
			double present = sums[2 + 2 * classes + k];
			if (present <= 0) continue;
			dice += 2 * sums[2 + k] / (sums[2 + classes + k] + present);
			n++;
		}
		double crossEntropy = sums[0] / Math.max(sums[1], 1e-6);
		return n == 0 ? crossEntropy : crossEntropy + 1 - dice / n;
	}

	@Override
	public String describe() {
		return String.format(Locale.ROOT, "segmentation(classes=%d, loss=cross_entropy+dice, sampling=class_balanced)", classes);
	}
}
