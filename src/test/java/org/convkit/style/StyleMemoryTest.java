package org.convkit.style;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class StyleMemoryTest {

	@Test
	void activationsPerPixelAreCountedFromTheLayersUpToTheDeepestUsed() {
		// Random network, default layers (deepest conv5_1), by hand: the image (3), block 1: 2 convs x
		// (conv + ReLU) x 32 = 128, pool1 32/4 = 8, block 2: 4 x 64 / 4 = 64, pool2 64/16 = 4, block 3:
		// 4 x 128 / 16 = 32, pool3 128/64 = 2, block 4: 4 x 256 / 64 = 16, pool4 256/256 = 1, conv5_1 2 x 256 / 256 = 2.
		assertEquals(260, StyleMemory.activationsPerPixel(RandomFeatures.layers(), LossWeights.defaults()), 1e-9);
		LossWeights shallow = LossWeights.parse(1, 1, "conv1_2", "conv1_1", "1", 0);
		assertEquals(3 + 128, StyleMemory.activationsPerPixel(RandomFeatures.layers(), shallow), 1e-9);
	}

	@Test
	void memoryGrowsWithThePixelsAndTheAdvisedEdgeFits() {
		FeatureNetwork network = new FeatureNetwork() {
			public String id() { return "layers"; }
			public String description() { return "layers"; }
			public List<LayerSpec> layers() { return RandomFeatures.layers(); }
			public java.util.Map<String, ai.djl.ndarray.NDArray> features(ai.djl.ndarray.NDArray images, java.util.Collection<String> wanted) { throw new UnsupportedOperationException(); }
		};
		long small = StyleMemory.nativeBytes(network, LossWeights.defaults(), 256L * 256);
		long large = StyleMemory.nativeBytes(network, LossWeights.defaults(), 1024L * 1024);
		assertEquals(16.0, (double) (large - StyleMemory.ENGINE_BYTES) / (small - StyleMemory.ENGINE_BYTES), 1e-6);
		long available = 8L << 30;
		long edge = StyleMemory.fittingEdge(network, LossWeights.defaults(), 4096, 4096L * 4096, available);
		assertEquals(0, edge % 64);
		assertTrue(StyleMemory.nativeBytes(network, LossWeights.defaults(), edge * edge) <= available, "advised " + edge);
		assertTrue(StyleMemory.nativeBytes(network, LossWeights.defaults(), (edge + 128) * (edge + 128)) > available, "advised " + edge + " is near the limit");
	}
}
