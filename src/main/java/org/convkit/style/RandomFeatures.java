package org.convkit.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import net.imglib2.img.array.ArrayImgs;

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
 * the same seed gives the same network on every engine; then scaled layer by layer ({@link #calibrate}).
 */
public final class RandomFeatures {

	public static final long DEFAULT_SEED = 2015;
	static final int[] BLOCKS = { 2, 2, 2, 2, 1 };
	static final int[] WIDTHS = { 32, 64, 128, 256, 256 };
	private static final int CALIBRATION = 128;

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
		String id = "random-vgg5-seed" + seed, description = "random multi-scale features (VGG-shaped, 5 blocks, 32-256 channels, seed " + seed + ")";
		SequentialFeatures raw = new SequentialFeatures(id, description, layers(), arrays, manager);
		calibrate(raw, arrays, seed, manager);
		return new SequentialFeatures(id, description, layers(), arrays, manager);
	}

	/**
	 * Scales each layer's weights so that its activations have unit root mean square on a fixed
	 * smooth-noise image (as LSUV initialisation does, Mishkin and Matas 2016). Without it the zero-mean
	 * filters shrink the activations layer by layer and the deep layers' Gram terms vanish next to
	 * conv1_1's. ReLU and average pooling are positively homogeneous and biases are zero, so scaling
	 * layer l by r(l-1) / r(l) gives every layer rms 1 in one pass.
	 */
	private static void calibrate(SequentialFeatures raw, Map<String, NDArray[]> arrays, long seed, NDManager manager) {
		try (NDManager scope = manager.newSubManager()) {
			// Smooth noise (16x16 upsampled): white noise would calibrate the first layers on edges at every pixel.
			Random random = new Random(seed + 1);
			float[] coarse = new float[3 * 16 * 16];
			for (int i = 0; i < coarse.length; i++) coarse[i] = random.nextFloat();
			float[] noise = RgbImages.resize(ArrayImgs.floats(coarse, 16, 16, 3), CALIBRATION, CALIBRATION).update(null).getCurrentStorageArray();
			List<String> convs = layers().stream().filter(LayerSpec::isConv).map(LayerSpec::name).toList();
			Map<String, NDArray> activations = raw.features(scope.create(noise, new Shape(1, 3, CALIBRATION, CALIBRATION)), convs);
			double previous = 1;
			for (String name : convs) {
				double rms = Math.sqrt(activations.get(name).square().mean().getFloat());
				arrays.get(name)[0].muli((float) (previous / rms));
				previous = rms;
			}
		}
	}
}
