package org.convkit.style;

import java.util.ArrayList;
import java.util.List;

/**
 * What a style transfer holds in memory, estimated from the network's layers before it starts, so
 * that the memory guard can refuse a size that cannot fit. The forward pass keeps every activation
 * up to the deepest layer used (content and style images at once), and the backward pass about as
 * much again in gradients: memory is proportional to the activations per pixel times the pixels.
 */
public final class StyleMemory {

	/**
	 * Bytes per float of activation, forward and backward together, and the engine's fixed part:
	 * fitted to peak resident memory on MXNet 1.9 (random network, default layers, 256 to 1024
	 * pixels; see README's style benchmark) with a margin, so the estimate errs high.
	 */
	static final double BYTES_PER_ACTIVATION = 20;
	static final long ENGINE_BYTES = 400L << 20;

	private StyleMemory() {}

	/** Activation floats per input pixel up to the deepest of the layers used. */
	static double activationsPerPixel(List<LayerSpec> layers, LossWeights weights) {
		List<String> used = new ArrayList<>(weights.styleLayers());
		used.add(weights.contentLayer());
		int deepest = 0;
		for (int i = 0; i < layers.size(); i++) {
			if (used.contains(layers.get(i).name())) deepest = i;
		}
		double perPixel = 3, scale = 1; // the image itself
		for (int i = 0; i <= deepest; i++) {
			LayerSpec layer = layers.get(i);
			scale *= layer.stride() * layer.stride();
			// a convolution's output and its ReLU's; a pooling's output
			perPixel += (layer.isConv() ? 2 : 1) * layer.outChannels() / scale;
		}
		return perPixel;
	}

	/** Native (engine) bytes for one frame of this many pixels (frames run one after the other). */
	public static long nativeBytes(FeatureNetwork network, LossWeights weights, long pixels) {
		return ENGINE_BYTES + (long) (BYTES_PER_ACTIVATION * activationsPerPixel(network.layers(), weights) * pixels);
	}

	/** Java heap for the results: every frame and every snapshot as RGB floats, twice over for the copy made for ImageJ. */
	public static long heapBytes(long pixels, int frames, int snapshots) {
		return 2L * (frames + snapshots) * pixels * 3 * Float.BYTES;
	}

	/** The longest edge, a multiple of 64, whose native memory fits in the bytes available, for a run now at this edge and pixel count. */
	public static long fittingEdge(FeatureNetwork network, LossWeights weights, long longest, long pixels, long available) {
		double perPixel = BYTES_PER_ACTIVATION * activationsPerPixel(network.layers(), weights);
		double fittingPixels = Math.max(0, available - ENGINE_BYTES) / perPixel;
		return Math.max(64, (long) (longest * Math.sqrt(fittingPixels / pixels)) / 64 * 64);
	}
}
