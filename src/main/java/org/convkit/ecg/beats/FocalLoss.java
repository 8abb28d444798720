package org.convkit.ecg.beats;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Focal loss (Lin et al. 2017) on logits, with per-class weights carried in the labels (a weighted
 * one-hot row per beat, as {@link BeatTrainer} builds them): {@code -w (1 - p)^gamma log p} of the
 * reference class, averaged over the batch. Beats the network already classifies confidently (most
 * N beats) add almost nothing, so the rare classes' hard beats carry the gradient; gamma 0 is the
 * weighted cross-entropy.
 */
final class FocalLoss extends Loss {

	private final float gamma;

	FocalLoss(float gamma) {
		super("loss");
		this.gamma = gamma;
	}

	@Override
	public NDArray evaluate(NDList labels, NDList predictions) {
		NDArray logP = predictions.singletonOrThrow().logSoftmax(1);
		NDArray modulation = logP.exp().neg().add(1).pow(gamma);
		return labels.singletonOrThrow().mul(modulation).mul(logP).sum(new int[] {1}).neg().mean();
	}
}
