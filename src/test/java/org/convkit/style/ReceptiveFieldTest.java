package org.convkit.style;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Receptive fields on architectures whose fields are known. */
class ReceptiveFieldTest {

	/** VGG-16: blocks of 2, 2, 3, 3, 3 3x3 convolutions (padding 1), 2x2 pooling between them. */
	private static List<LayerSpec> vgg16Layers() {
		List<LayerSpec> layers = new ArrayList<>();
		int[] blocks = { 2, 2, 3, 3, 3 };
		for (int b = 0; b < 5; b++) {
			for (int i = 1; i <= blocks[b]; i++) layers.add(LayerSpec.conv("conv" + (b + 1) + "_" + i, 3, 1, 1, 1, 1));
			layers.add(LayerSpec.pool("pool" + (b + 1), 2, 2, 1));
		}
		return layers;
	}

	@Test
	void vgg16Conv5_3Sees196Pixels() {
		List<LayerSpec> layers = vgg16Layers();
		assertEquals(new ReceptiveField(3, 1, 0), ReceptiveField.upTo(layers, "conv1_1"));
		assertEquals(new ReceptiveField(6, 2, 0.5), ReceptiveField.upTo(layers, "pool1"));
		assertEquals(196, ReceptiveField.upTo(layers, "conv5_3").size());
		assertEquals(16, ReceptiveField.upTo(layers, "conv5_3").jump());
		assertEquals(212, ReceptiveField.upTo(layers, "pool5").size());
		assertEquals(32, ReceptiveField.upTo(layers, "pool5").jump());
	}

	@Test
	void alexNet() {
		// conv1 11x11/4, pool 3x3/2, conv2 5x5 pad 2, pool 3x3/2, conv3-5 3x3 pad 1, pool 3x3/2.
		List<LayerSpec> layers = List.of(LayerSpec.conv("conv1", 11, 4, 0, 3, 96), LayerSpec.pool("pool1", 3, 2, 96),
			LayerSpec.conv("conv2", 5, 1, 2, 96, 256), LayerSpec.pool("pool2", 3, 2, 256), LayerSpec.conv("conv3", 3, 1, 1, 256, 384),
			LayerSpec.conv("conv4", 3, 1, 1, 384, 384), LayerSpec.conv("conv5", 3, 1, 1, 384, 256), LayerSpec.pool("pool5", 3, 2, 256));
		int[] sizes = { 11, 19, 51, 67, 99, 131, 163, 195 };
		int[] jumps = { 4, 8, 8, 16, 16, 16, 16, 32 };
		for (int i = 0; i < sizes.length; i++) {
			ReceptiveField field = ReceptiveField.upTo(layers, layers.get(i).name());
			assertEquals(sizes[i], field.size(), layers.get(i).name());
			assertEquals(jumps[i], field.jump(), layers.get(i).name());
		}
		// Unit 0 of conv1 (no padding) sees pixels 0..10: centre 5.
		assertEquals(5, ReceptiveField.upTo(layers, "conv1").centre(0));
		assertEquals(9, ReceptiveField.upTo(layers, "conv1").centre(1));
	}

	@Test
	void handComputedSmallNet() {
		// 5x5 conv pad 2 -> field 5, centre 0; 2x2/2 pool -> 6, jump 2, centre 0.5; 3x3/2 conv pad 0 -> 6 + 2*2 = 10, jump 4, centre 0.5 + 1*2 = 2.5.
		List<LayerSpec> layers = List.of(LayerSpec.conv("a", 5, 1, 2, 1, 1), LayerSpec.pool("p", 2, 2, 1), LayerSpec.conv("b", 3, 2, 0, 1, 1));
		assertEquals(new ReceptiveField(5, 1, 0), ReceptiveField.upTo(layers, "a"));
		assertEquals(new ReceptiveField(10, 4, 2.5), ReceptiveField.upTo(layers, "b"));
		assertEquals(14.5, ReceptiveField.upTo(layers, "b").centre(3));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReceptiveField.upTo(layers, "c"));
		assertEquals("layer: no layer named 'c'; expected one of [a, p, b]", e.getMessage());
	}

	@Test
	void networksReportTheirFields() {
		// Random (blocks 2, 2, 2, 2, 1): 5, pool 6; 14, pool 16; 32, pool 36; 68, pool 76; conv5_1 76 + 2 * 16.
		assertEquals(new ReceptiveField(108, 16, 7.5), ReceptiveField.upTo(RandomFeatures.layers(), "conv5_1"));
		assertEquals(new ReceptiveField(68, 8, 3.5), ReceptiveField.upTo(RandomFeatures.layers(), "conv4_2"));
		// VGG-19 (2, 2, 4, 4, 4): conv5_1 156, conv5_4 252 (the published figure).
		assertEquals(156, ReceptiveField.upTo(Vgg19.layers(new int[] { 1, 1, 1, 1, 1 }), "conv5_1").size());
		assertEquals(new ReceptiveField(252, 16, 7.5), ReceptiveField.upTo(Vgg19.layers(new int[] { 1, 1, 1, 1, 1 }), "conv5_4"));
	}
}
