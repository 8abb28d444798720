package org.convkit.style;

import ai.djl.ndarray.NDArray;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A network whose intermediate activations serve as image features: style transfer reads content
 * and Gram matrices from them, Top Activating Patches ranks image regions by one unit. Pluggable:
 * VGG-19 with ImageNet weights (from DJL's model zoo or a local file) and random features share
 * this interface; see {@link FeatureNetworks} for how a user picks one.
 */
public interface FeatureNetwork {

	/** Stable identifier: architecture and weights. */
	String id();

	/** What the network is, in words, for logs and results ("which network was used"). */
	String description();

	/** The layers in forward order; names such as conv4_2 are what users ask for. */
	List<LayerSpec> layers();

	/**
	 * The activations of the named layers for images of shape (N, 3, H, W), RGB in 0..1 (the
	 * network normalises them itself). The forward pass stops after the deepest wanted layer.
	 * Results belong to the input's manager; with a gradient collector open, they are differentiable
	 * with respect to the images.
	 *
	 * @throws IllegalArgumentException naming an unknown layer
	 */
	Map<String, NDArray> features(NDArray images, Collection<String> wanted);

	/** The names of the layers, in forward order. */
	default List<String> layerNames() {
		return layers().stream().map(LayerSpec::name).toList();
	}

	/** The receptive field of a unit of the named layer. */
	default ReceptiveField receptiveField(String layer) {
		return ReceptiveField.upTo(layers(), layer);
	}
}
