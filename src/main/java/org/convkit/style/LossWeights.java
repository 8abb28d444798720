package org.convkit.style;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What J(G) = alpha J_content(C, G) + beta sum_l lambda_l J_style[l](S, G) + tv TV(G) is made of:
 * the weights, the content layer and the style layers with their lambdas.
 */
public record LossWeights(double alpha, double beta, String contentLayer, List<String> styleLayers, List<Double> lambdas, double tv) {

	public static final String DEFAULT_CONTENT_LAYER = "conv4_2";
	public static final String DEFAULT_STYLE_LAYERS = "conv1_1,conv2_1,conv3_1,conv4_1,conv5_1";
	public static final String DEFAULT_LAMBDAS = "0.2,0.2,0.2,0.2,0.2";
	public static final double DEFAULT_ALPHA = 1, DEFAULT_BETA = 3e6;

	public LossWeights {
		if (!(alpha >= 0) || !(beta >= 0) || !(tv >= 0)) throw new IllegalArgumentException("alpha, beta, tv_weight: expected numbers >= 0");
		if (styleLayers.isEmpty()) throw new IllegalArgumentException("style_layers: expected at least one layer, e.g. " + DEFAULT_STYLE_LAYERS);
		if (lambdas.size() != styleLayers.size())
			throw new IllegalArgumentException("lambdas: expected one weight per style layer (" + styleLayers.size() + "), got " + lambdas.size());
		styleLayers = List.copyOf(styleLayers);
		lambdas = List.copyOf(lambdas);
	}

	/** Gatys et al.'s choice: content at conv4_2, style at conv1_1 ... conv5_1, lambda 0.2 each. */
	public static LossWeights defaults() {
		return parse(DEFAULT_ALPHA, DEFAULT_BETA, DEFAULT_CONTENT_LAYER, DEFAULT_STYLE_LAYERS, DEFAULT_LAMBDAS, 0);
	}

	/** From the text users type: comma-separated layer names and lambdas. */
	public static LossWeights parse(double alpha, double beta, String contentLayer, String styleLayers, String lambdas, double tv) {
		List<String> layers = split(styleLayers);
		List<Double> values = new ArrayList<>();
		for (String text : split(lambdas)) {
			try {
				values.add(Double.parseDouble(text));
			}
			catch (NumberFormatException e) {
				throw new IllegalArgumentException("lambdas: expected comma-separated numbers, e.g. " + DEFAULT_LAMBDAS + ", got '" + lambdas + "'");
			}
		}
		return new LossWeights(alpha, beta, contentLayer.trim(), layers, values, tv);
	}

	/** Checks every layer against the network's. */
	public void checkLayers(FeatureNetwork network) {
		List<String> names = network.layerNames();
		if (!names.contains(contentLayer))
			throw new IllegalArgumentException("content_layer: no layer '" + contentLayer + "' in " + network.description() + "; expected one of " + names);
		for (String layer : styleLayers) {
			if (!names.contains(layer))
				throw new IllegalArgumentException("style_layers: no layer '" + layer + "' in " + network.description() + "; expected one of " + names);
		}
	}

	private static List<String> split(String text) {
		List<String> parts = new ArrayList<>();
		for (String part : text.split(",")) {
			if (!part.isBlank()) parts.add(part.trim().toLowerCase(Locale.ROOT));
		}
		return parts;
	}
}
