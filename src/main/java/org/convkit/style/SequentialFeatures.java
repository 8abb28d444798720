package org.convkit.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A VGG-shaped feature network (convolution + ReLU layers and pooling) evaluated with DJL's
 * engine-neutral functional operators on fixed weight arrays. No Block or ParameterStore: only
 * the input pixels ever need a gradient, so the weights never carry one (a Block's parameters
 * would, and the backward pass would also compute the weights' gradients).
 * <p>
 * Pooling is average pooling, as Gatys et al. recommend for synthesis (smoother gradients than
 * VGG's max pooling), for VGG-19 weights too.
 */
public final class SequentialFeatures implements FeatureNetwork {

	/** ImageNet channel mean and standard deviation on 0..1 RGB (torchvision's and Gluon's VGG inputs). */
	static final float[] MEAN = { 0.485f, 0.456f, 0.406f }, STD = { 0.229f, 0.224f, 0.225f };

	private final String id;
	private final String description;
	private final List<LayerSpec> layers;
	private final Map<String, NDArray[]> weights; // conv layer name -> { weight (out, in, k, k), bias (out) }
	private final NDArray mean, std;

	/**
	 * @param weights per convolution layer {weight, bias}, owned by {@code manager}, which keeps
	 *        them for the network's lifetime
	 */
	SequentialFeatures(String id, String description, List<LayerSpec> layers, Map<String, NDArray[]> weights, NDManager manager) {
		this.id = id;
		this.description = description;
		this.layers = List.copyOf(layers);
		this.weights = Map.copyOf(weights);
		for (LayerSpec layer : layers) {
			if (!layer.isConv()) continue;
			NDArray[] w = weights.get(layer.name());
			Shape expected = new Shape(layer.outChannels(), layer.inChannels(), layer.kernel(), layer.kernel());
			if (w == null || !w[0].getShape().equals(expected) || w[1].getShape().size() != layer.outChannels())
				throw new IllegalArgumentException("weights: layer " + layer.name() + " expects a weight of shape " + expected
					+ " and " + layer.outChannels() + " biases, got " + (w == null ? "none" : w[0].getShape() + " and " + w[1].getShape()));
		}
		this.mean = manager.create(MEAN, new Shape(1, 3, 1, 1));
		this.std = manager.create(STD, new Shape(1, 3, 1, 1));
	}

	@Override
	public String id() {
		return id;
	}

	@Override
	public String description() {
		return description;
	}

	@Override
	public List<LayerSpec> layers() {
		return layers;
	}

	/** The weights in forward order, weight then bias per convolution (for reference implementations). */
	public List<float[]> weightArrays() {
		List<float[]> all = new java.util.ArrayList<>();
		for (LayerSpec layer : layers) {
			if (!layer.isConv()) continue;
			for (NDArray w : weights.get(layer.name())) all.add(w.toFloatArray());
		}
		return all;
	}

	@Override
	public Map<String, NDArray> features(NDArray images, Collection<String> wanted) {
		int last = -1;
		for (String name : wanted) {
			int index = layerNames().indexOf(name);
			if (index < 0) throw new IllegalArgumentException("layer: no layer named '" + name + "' in " + description + "; expected one of " + layerNames());
			last = Math.max(last, index);
		}
		Map<String, NDArray> out = new HashMap<>();
		NDArray x = images.sub(mean).div(std);
		for (int i = 0; i <= last; i++) {
			LayerSpec layer = layers.get(i);
			if (layer.isConv()) {
				NDArray[] w = weights.get(layer.name());
				Shape stride = new Shape(layer.stride(), layer.stride()), padding = new Shape(layer.padding(), layer.padding());
				x = Activation.relu(Conv2d.conv2d(x, w[0], w[1], stride, padding, new Shape(1, 1), 1).singletonOrThrow());
			}
			else {
				x = Pool.avgPool2d(x, new Shape(layer.kernel(), layer.kernel()), new Shape(layer.stride(), layer.stride()),
					new Shape(0, 0), false, true);
			}
			if (wanted.contains(layer.name())) out.put(layer.name(), x);
		}
		return out;
	}
}
