package org.convkit.face.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import org.convkit.face.FaceEncoder;

/**
 * The small embedding network trained from scratch on aligned chips: input (B, 3, 150, 150), RGB
 * 0..255, scaled to -1..1 inside; five 3x3 convolution blocks (convolution, batch norm, relu; the
 * first four of stride 2: 150 -> 75 -> 38 -> 19 -> 10) of 16, 32, 64, 128, 128 channels, global
 * average, a linear layer to {@value FaceEncoder#DESCRIPTOR_SIZE} values and L2 normalisation, so
 * that squared distances lie in [0, 4] whatever the scale of the weights. About 0.3 M parameters
 * and 40 M multiply-adds a chip: trainable on a CPU in minutes.
 */
public final class ScratchEmbeddingNet {

	/** What the descriptor says about the input: the network scales RGB 0..255 itself. */
	public static final String NORMALISATION = "x / 127.5 - 1 (inside the network)";
	private static final int[] CHANNELS = { 16, 32, 64, 128, 128 };

	private ScratchEmbeddingNet() {}

	public static Block build() {
		SequentialBlock net = new SequentialBlock();
		net.add(new LambdaBlock(in -> new NDList(in.singletonOrThrow().div(127.5f).sub(1f)), "scale"));
		for (int i = 0; i < CHANNELS.length; i++) {
			int stride = i < CHANNELS.length - 1 ? 2 : 1;
			net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optStride(new Shape(stride, stride)).optPadding(new Shape(1, 1))
				.setFilters(CHANNELS[i]).optBias(false).build());
			net.add(BatchNorm.builder().build());
			net.add(Activation.reluBlock());
		}
		net.add(new LambdaBlock(in -> {
			NDArray x = in.singletonOrThrow();
			return new NDList(Pool.globalAvgPool2d(x).reshape(x.getShape().get(0), x.getShape().get(1)));
		}, "globalAverage"));
		net.add(Linear.builder().setUnits(FaceEncoder.DESCRIPTOR_SIZE).build());
		net.add(new LambdaBlock(in -> new NDList(l2Normalise(in.singletonOrThrow())), "l2Normalise"));
		return net;
	}

	/** Each row divided by its Euclidean norm (a tiny epsilon keeps the gradient finite at zero). */
	static NDArray l2Normalise(NDArray x) {
		return x.div(x.square().sum(new int[] { 1 }, true).add(1e-12f).sqrt());
	}

	/** The input shape of a batch. */
	static Shape inputShape(int batch) {
		return new Shape(batch, 3, FaceEncoder.CHIP_SIZE, FaceEncoder.CHIP_SIZE);
	}
}
