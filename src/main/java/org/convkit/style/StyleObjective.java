package org.convkit.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * J(G) for one content image C and one style image S (Gatys et al. 2015), with C's content features
 * and S's Gram matrices computed once and kept; each evaluation runs one forward (and backward) pass
 * of G only.
 * <ul>
 * <li>J_content = 1/2 ||a[l](C) - a[l](G)||^2 at the content layer;
 * <li>G[l]_kk' = sum_ij a[l]_ijk a[l]_ijk'; J_style[l] = (1 / (2 nH nW nC))^2 sum_kk' (G[l](S) - G[l](G))^2,
 * computed as sum_kk' (G[l](S) / (nH nW)_S - G[l](G) / (nH nW)_G)^2 / (4 nC^2), which is the same
 * when S and G have the same size and stays comparable when they do not;
 * <li>TV(G) = sum of squared differences of neighbouring pixels (0..1 scale).
 * </ul>
 */
public final class StyleObjective implements AutoCloseable {

	/**
	 * A gradient with NaN or infinite values in every one of {@link #ATTEMPTS} passes: stop rather
	 * than paint garbage.
	 */
	static final String NOT_FINITE = "style transfer: the engine returned a gradient that is not finite (J = %s) "
		+ "in %d passes at the same pixels; are the images finite?";
	/**
	 * Passes tried before giving up on a gradient. DJL's PyTorch engine (PyTorch 2.7.1, CPU) now and
	 * then returns a NaN gradient while J is finite, and the same pass at the same pixels is finite
	 * again: a transient fault of the engine, which one more pass gets round.
	 */
	static final int ATTEMPTS = 3;

	private final FeatureNetwork network;
	private final LossWeights weights;
	private final NDManager targets;
	private final NDArray contentTarget;
	private final Map<String, NDArray> styleGrams = new HashMap<>();
	private final Set<String> wanted = new LinkedHashSet<>();

	/**
	 * @param content (1, 3, H, W) RGB 0..1
	 * @param style (1, 3, h, w) RGB 0..1, any size
	 * @param manager the targets are kept in a sub-manager of it until {@link #close()}
	 */
	public StyleObjective(FeatureNetwork network, LossWeights weights, NDArray content, NDArray style, NDManager manager) {
		weights.checkLayers(network);
		this.network = network;
		this.weights = weights;
		this.targets = manager.newSubManager();
		wanted.add(weights.contentLayer());
		wanted.addAll(weights.styleLayers());
		try (NDManager scratch = manager.newSubManager()) {
			// Every activation of these passes dies with the scratch manager; only the targets move out.
			NDArray c = content.duplicate();
			c.attach(scratch);
			contentTarget = network.features(c, List.of(weights.contentLayer())).get(weights.contentLayer());
			contentTarget.attach(targets);
			NDArray s = style.duplicate();
			s.attach(scratch);
			Map<String, NDArray> styleFeatures = network.features(s, weights.styleLayers());
			for (String layer : weights.styleLayers()) {
				NDArray gram = gram(styleFeatures.get(layer));
				gram.attach(targets);
				styleGrams.put(layer, gram);
			}
		}
	}

	/**
	 * F F^T / (nH nW) for features (1, nC, nH, nW), F = the features as nC x (nH nW). Computed as a
	 * linear layer of F with weight F (which multiplies by the weight transposed inside the GEMM) rather
	 * than {@code F.matMul(F.transpose())}: on MXNet the transpose is a copy of F forward and again
	 * backward, which cost 1.6-2.8x the time of a conv + Gram pass at VGG's layer shapes (measured side
	 * by side on MXNet, same results); on PyTorch both are a GEMM on a view.
	 */
	public static NDArray gram(NDArray features) {
		long channels = features.getShape().get(1), positions = features.getShape().get(2) * features.getShape().get(3);
		NDArray f = features.reshape(channels, positions);
		return Linear.linear(f, f, null).singletonOrThrow().div((float) positions);
	}

	/** The terms of J at G, without a gradient; nothing stays behind. */
	public Losses losses(NDArray pixels) {
		try (NDManager scope = pixels.getManager().newSubManager()) {
			NDArray g = pixels.duplicate();
			g.attach(scope);
			return read(terms(g));
		}
	}

	/**
	 * The terms of J at G and dJ/dG (shape of G). The gradient is attached to {@code scope}; the
	 * forward and backward passes' arrays are released before this returns.
	 */
	public Evaluation evaluate(NDArray pixels, NDManager scope) {
		double total = Double.NaN;
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			try (NDManager pass = scope.newSubManager()) {
				NDArray g = pixels.duplicate();
				g.attach(pass);
				g.setRequiresGradient(true);
				NDArray terms;
				try (GradientCollector collector = scope.getEngine().newGradientCollector()) {
					terms = terms(g);
					collector.backward(terms.get(0));
				}
				NDArray gradient = g.getGradient().duplicate();
				Losses losses = read(terms);
				total = losses.total();
				// one reduction, on every engine: NaN or infinite when any component is
				if (Float.isFinite(gradient.sum().getFloat())) {
					gradient.attach(scope);
					return new Evaluation(losses, gradient);
				}
			}
		}
		throw new IllegalStateException(String.format(NOT_FINITE, total, ATTEMPTS));
	}

	/** J and dJ/dG. */
	public record Evaluation(Losses losses, NDArray gradient) {}

	/**
	 * One array: total, content, style (weighted sum), tv, then J_style per layer, so one copy reads
	 * them all. Scalars are float: PyTorch promotes a 0-d float32 times a double to float64.
	 */
	private NDArray terms(NDArray g) {
		Map<String, NDArray> features = network.features(g, wanted);
		NDArray content = features.get(weights.contentLayer()).sub(contentTarget).square().sum().mul(0.5f);
		List<NDArray> perLayer = new ArrayList<>();
		NDArray style = null;
		for (int i = 0; i < weights.styleLayers().size(); i++) {
			String layer = weights.styleLayers().get(i);
			NDArray a = features.get(layer);
			long channels = a.getShape().get(1);
			NDArray term = gram(a).sub(styleGrams.get(layer)).square().sum().div(4f * channels * channels);
			perLayer.add(term);
			NDArray weighted = term.mul(weights.lambdas().get(i).floatValue());
			style = style == null ? weighted : style.add(weighted);
		}
		NDArray tv = totalVariation(g);
		NDArray total = content.mul((float) weights.alpha()).add(style.mul((float) weights.beta())).add(tv.mul((float) weights.tv()));
		NDList all = new NDList(total, content, style, tv);
		all.addAll(perLayer);
		return NDArrays.stack(all);
	}

	static NDArray totalVariation(NDArray g) {
		NDArray dy = g.get(new NDIndex(":, :, 1:, :")).sub(g.get(new NDIndex(":, :, :-1, :")));
		NDArray dx = g.get(new NDIndex(":, :, :, 1:")).sub(g.get(new NDIndex(":, :, :, :-1")));
		return dy.square().sum().add(dx.square().sum());
	}

	private static Losses read(NDArray terms) {
		float[] t = terms.toFloatArray();
		double[] layers = new double[t.length - 4];
		for (int i = 0; i < layers.length; i++) layers[i] = t[4 + i];
		return new Losses(t[0], t[1], t[2], layers, t[3]);
	}

	@Override
	public void close() {
		targets.close();
	}
}
