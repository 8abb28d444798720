package org.convkit.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The no-download feature network: a VGG-shaped stack with random weights (He et al. 2016: random
 * VGG weights already carry enough texture statistics; Ustyuzhaninov et al. 2017: random
 * convolutional features at several scales synthesise recognisable textures). Five blocks of 3x3
 * convolutions, 32 to 256 channels, each block seeing twice the scale of the one before, with the
 * VGG layer names style transfer asks for (conv1_1 ... conv5_1, conv4_2).
 * <p>
 * Weights: He-normal (std sqrt(2 / fan-in)), each filter shifted to zero mean so that flat regions
 * give no response, zero biases; drawn from {@link Random} with a fixed seed in a fixed order, so
 * the same seed gives the same network on every engine (and in the bench's PyTorch reference, which
 * reads {@link #weightBytes}).
 */
public final class RandomFeatures {

	public static final long DEFAULT_SEED = 2015;
	static final int[] BLOCKS = { 2, 2, 2, 2, 1 };
	static final int[] WIDTHS = { 32, 64, 128, 256, 256 };

	private RandomFeatures() {}

	/** The architecture: conv{b}_{i} (3x3, padding 1) and pool{b} (2x2, stride 2) between blocks. */
	public static List<LayerSpec> layers() {
		List<LayerSpec> layers = new ArrayList<>();
		int in = 3;
		for (int b = 0; b < BLOCKS.length; b++) {
			if (b > 0) layers.add(LayerSpec.pool("pool" + b, 2, 2, in));
			for (int i = 1; i <= BLOCKS[b]; i++) {
				layers.add(LayerSpec.conv("conv" + (b + 1) + "_" + i, 3, 1, 1, in, WIDTHS[b]));
				in = WIDTHS[b];
			}
		}
		return layers;
	}

	/** The weights of every convolution in forward order, each as {weight (out*in*k*k), bias (out)}. */
	public static List<float[][]> weights(long seed) {
		Random random = new Random(seed);
		List<float[][]> all = new ArrayList<>();
		for (LayerSpec layer : layers()) {
			if (!layer.isConv()) continue;
			int fanIn = layer.inChannels() * layer.kernel() * layer.kernel();
			float[] w = new float[layer.outChannels() * fanIn];
			double std = Math.sqrt(2.0 / fanIn);
			for (int o = 0; o < layer.outChannels(); o++) {
				double sum = 0;
				for (int j = 0; j < fanIn; j++) sum += w[o * fanIn + j] = (float) (random.nextGaussian() * std);
				float mean = (float) (sum / fanIn);
				for (int j = 0; j < fanIn; j++) w[o * fanIn + j] -= mean;
			}
			all.add(new float[][] { w, new float[layer.outChannels()] });
		}
		return all;
	}

	/** The weights as little-endian float32, weight then bias per convolution in forward order. */
	public static byte[] weightBytes(long seed) {
		List<float[][]> all = weights(seed);
		int floats = all.stream().mapToInt(w -> w[0].length + w[1].length).sum();
		ByteBuffer buffer = ByteBuffer.allocate(floats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
		for (float[][] w : all) {
			for (float[] part : w) for (float value : part) buffer.putFloat(value);
		}
		return buffer.array();
	}

	/** The network with this seed; its weights live in {@code manager}. */
	public static FeatureNetwork create(long seed, NDManager manager) {
		List<float[][]> values = weights(seed);
		Map<String, NDArray[]> arrays = new HashMap<>();
		int next = 0;
		for (LayerSpec layer : layers()) {
			if (!layer.isConv()) continue;
			float[][] w = values.get(next++);
			arrays.put(layer.name(), new NDArray[] {
				manager.create(w[0], new Shape(layer.outChannels(), layer.inChannels(), layer.kernel(), layer.kernel())),
				manager.create(w[1], new Shape(layer.outChannels())) });
		}
		return new SequentialFeatures("random-vgg5-seed" + seed, "random multi-scale features (VGG-shaped, 5 blocks, 32-256 channels, seed " + seed + ")",
			layers(), arrays, manager);
	}
}
