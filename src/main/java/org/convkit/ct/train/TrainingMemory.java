package org.convkit.ct.train;

import org.convkit.ct.net.UNet3d;

/**
 * What training a {@link UNet3d} with {@link VolumeTrainer} takes, for the memory guard: on the
 * heap the normalised copy of the volumes and the batch arrays; natively the engine, and per patch
 * voxel the forward activations, their gradients and the optimiser's working copies, about three
 * times the activations of inference ({@link org.convkit.ct.net.VolumeModel#inferenceBytes}).
 * An estimate counted from the layers, not fitted to measured peaks.
 */
public final class TrainingMemory {

	private TrainingMemory() {}

	/** Native bytes of one training step. */
	public static long nativeBytes(UNet3d.Config network, VolumeTrainer.Config training) {
		long patch = (long) training.patchXY() * training.patchXY() * training.patchZ();
		return (256L << 20) + 3 * 20L * network.baseWidth() * Float.BYTES * patch * training.batchSize();
	}

	/** Heap bytes: the volumes' normalised copy plus input, target and weight of a batch. */
	public static long heapBytes(long voxels, VolumeTrainer.Config training) {
		long patch = (long) training.patchXY() * training.patchXY() * training.patchZ();
		return Float.BYTES * (voxels + 4 * patch * training.batchSize());
	}
}
