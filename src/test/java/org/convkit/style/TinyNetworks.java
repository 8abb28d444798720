package org.convkit.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small feature networks with seeded random weights, for tests that need exact arithmetic. */
final class TinyNetworks {

	private TinyNetworks() {}

	/** conv1_1 (3->4), conv1_2 (4->4), pool1, conv2_1 (4->6), conv2_2 (6->6): 3x3, padding 1. */
	static List<LayerSpec> layers() {
		return List.of(LayerSpec.conv("conv1_1", 3, 1, 1, 3, 4), LayerSpec.conv("conv1_2", 3, 1, 1, 4, 4),
			LayerSpec.pool("pool1", 2, 2, 4), LayerSpec.conv("conv2_1", 3, 1, 1, 4, 6), LayerSpec.conv("conv2_2", 3, 1, 1, 6, 6));
	}

	static SequentialFeatures create(NDManager manager, long seed) {
		Random random = new Random(seed);
		Map<String, NDArray[]> weights = new HashMap<>();
		for (LayerSpec layer : layers()) {
			if (!layer.isConv()) continue;
			int fanIn = layer.inChannels() * 9;
			float[] w = new float[layer.outChannels() * fanIn];
			for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() * Math.sqrt(2.0 / fanIn));
			float[] b = new float[layer.outChannels()];
			for (int i = 0; i < b.length; i++) b[i] = (float) (random.nextGaussian() * 0.1);
			weights.put(layer.name(), new NDArray[] { manager.create(w, new Shape(layer.outChannels(), layer.inChannels(), 3, 3)),
				manager.create(b, new Shape(layer.outChannels())) });
		}
		return new SequentialFeatures("tiny-" + seed, "tiny test network", layers(), weights, manager);
	}

	/** Uniform 0..1 pixels, (1, 3, h, w). */
	static NDArray image(NDManager manager, int h, int w, long seed) {
		Random random = new Random(seed);
		float[] v = new float[3 * h * w];
		for (int i = 0; i < v.length; i++) v[i] = random.nextFloat();
		return manager.create(v, new Shape(1, 3, h, w));
	}
}
