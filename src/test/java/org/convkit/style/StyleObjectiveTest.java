package org.convkit.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.convkit.core.runtime.ConvKitRuntime;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * J(G) and its gradient: the terms against plain Java loops over the same activations, and dJ/dG
 * from DJL's autograd against central finite differences, on a tiny network and 12x12 images.
 */
class StyleObjectiveTest {

	private static final LossWeights WEIGHTS = LossWeights.parse(0.7, 3000, "conv2_1", "conv1_1,conv2_2", "0.4,0.6", 0.05);

	@Test
	void gramMatchesLoops() {
		try (NDManager manager = ConvKitRuntime.get().newManager()) {
			NDArray a = TinyNetworks.image(manager, 5, 7, 3).reshape(1, 3, 5, 7);
			float[] v = a.toFloatArray();
			float[] gram = StyleObjective.gram(a).toFloatArray();
			assertEquals(9, gram.length);
			for (int k = 0; k < 3; k++) {
				for (int k2 = 0; k2 < 3; k2++) {
					double sum = 0;
					for (int p = 0; p < 35; p++) sum += (double) v[k * 35 + p] * v[k2 * 35 + p];
					assertEquals(sum / 35, gram[k * 3 + k2], 1e-5, "G[" + k + "," + k2 + "]");
				}
			}
		}
	}

	@Test
	void lossTermsMatchLoops() {
		try (NDManager manager = ConvKitRuntime.get().newManager()) {
			SequentialFeatures network = TinyNetworks.create(manager, 1);
			NDArray c = TinyNetworks.image(manager, 12, 12, 10), s = TinyNetworks.image(manager, 12, 12, 11), g = TinyNetworks.image(manager, 12, 12, 12);
			try (StyleObjective objective = new StyleObjective(network, WEIGHTS, c, s, manager)) {
				Losses losses = objective.losses(g);
				Map<String, NDArray> fc = network.features(c, List.of("conv2_1")), fs = network.features(s, List.of("conv1_1", "conv2_2")),
					fg = network.features(g, List.of("conv2_1", "conv1_1", "conv2_2"));
				double content = 0;
				float[] ac = fc.get("conv2_1").toFloatArray(), ag = fg.get("conv2_1").toFloatArray();
				for (int i = 0; i < ac.length; i++) content += 0.5 * (ac[i] - ag[i]) * (ac[i] - ag[i]);
				assertEquals(content, losses.content(), 1e-4 * content);
				double style = 0;
				for (int l = 0; l < 2; l++) {
					String layer = WEIGHTS.styleLayers().get(l);
					double term = styleTerm(fs.get(layer), fg.get(layer));
					assertEquals(term, losses.styleLayers()[l], 1e-4 * term, layer);
					style += WEIGHTS.lambdas().get(l) * term;
				}
				assertEquals(style, losses.style(), 1e-4 * style);
				float[] px = g.toFloatArray();
				double tv = 0;
				for (int ch = 0; ch < 3; ch++) {
					for (int y = 0; y < 12; y++) {
						for (int x = 0; x < 12; x++) {
							int i = ch * 144 + y * 12 + x;
							if (y < 11) tv += Math.pow(px[i + 12] - px[i], 2);
							if (x < 11) tv += Math.pow(px[i + 1] - px[i], 2);
						}
					}
				}
				assertEquals(tv, losses.tv(), 1e-4 * tv);
				assertEquals(0.7 * content + 3000 * style + 0.05 * tv, losses.total(), 1e-4 * losses.total());
				assertTrue(content > 1 && 3000 * style > 1, "both terms matter: " + losses);
			}
		}
	}

	/** (1 / (2 nH nW nC))^2 sum_kk' (G(S) - G(G))^2 with G_kk' = sum_ij a_ijk a_ijk', by loops (same sizes). */
	private static double styleTerm(NDArray s, NDArray g) {
		Shape shape = s.getShape();
		int nc = (int) shape.get(1), m = (int) (shape.get(2) * shape.get(3));
		float[] as = s.toFloatArray(), ag = g.toFloatArray();
		double sum = 0;
		for (int k = 0; k < nc; k++) {
			for (int k2 = 0; k2 < nc; k2++) {
				double gs = 0, gg = 0;
				for (int p = 0; p < m; p++) {
					gs += (double) as[k * m + p] * as[k2 * m + p];
					gg += (double) ag[k * m + p] * ag[k2 * m + p];
				}
				sum += (gs - gg) * (gs - gg);
			}
		}
		return sum / Math.pow(2.0 * m * nc, 2);
	}

	@Test
	void aGradientThatIsNotFiniteStopsTheTransfer() {
		try (NDManager manager = ConvKitRuntime.get().newManager()) {
			SequentialFeatures network = TinyNetworks.create(manager, 2);
			NDArray c = TinyNetworks.image(manager, 12, 12, 20), s = TinyNetworks.image(manager, 12, 12, 21);
			NDArray g = TinyNetworks.image(manager, 12, 12, 22).mul(Float.NaN);
			try (StyleObjective objective = new StyleObjective(network, WEIGHTS, c, s, manager)) {
				IllegalStateException e = assertThrows(IllegalStateException.class, () -> objective.evaluate(g, manager));
				assertEquals("style transfer: the engine returned a gradient that is not finite (J = NaN) in 3 passes at the same pixels; "
					+ "are the images finite?", e.getMessage());
			}
		}
	}

	/**
	 * A network whose forward pass number {@code state[1]} (counted in {@code state[0]}) gives NaN
	 * activations, as PyTorch's backward now and then gives a NaN gradient.
	 */
	private record FlakyOnce(FeatureNetwork network, int[] state) implements FeatureNetwork {
		public String id() {
			return network.id();
		}

		public String description() {
			return network.description();
		}

		public List<LayerSpec> layers() {
			return network.layers();
		}

		public Map<String, NDArray> features(NDArray images, Collection<String> wanted) {
			Map<String, NDArray> f = network.features(images, wanted);
			if (state[0]++ != state[1]) return f;
			Map<String, NDArray> spoilt = new HashMap<>();
			f.forEach((layer, a) -> spoilt.put(layer, a.mul(Float.NaN)));
			return spoilt;
		}
	}

	@Test
	void aTransientlyNotFiniteGradientIsComputedAgain() {
		try (NDManager manager = ConvKitRuntime.get().newManager()) {
			SequentialFeatures network = TinyNetworks.create(manager, 2);
			NDArray c = TinyNetworks.image(manager, 12, 12, 20), s = TinyNetworks.image(manager, 12, 12, 21), g = TinyNetworks.image(manager, 12, 12, 22);
			int[] state = {0, -1};
			float[] expected;
			double expectedJ;
			try (StyleObjective clean = new StyleObjective(network, WEIGHTS, c, s, manager)) {
				StyleObjective.Evaluation e = clean.evaluate(g, manager);
				expected = e.gradient().toFloatArray();
				expectedJ = e.losses().total();
			}
			try (StyleObjective flaky = new StyleObjective(new FlakyOnce(network, state), WEIGHTS, c, s, manager)) {
				int before = state[0];
				state[1] = before;
				StyleObjective.Evaluation e = flaky.evaluate(g, manager);
				assertEquals(2, state[0] - before, "one spoilt pass, one good one");
				assertEquals(expectedJ, e.losses().total(), 1e-6 * expectedJ);
				assertArrayEquals(expected, e.gradient().toFloatArray(), 1e-6f);
			}
		}
	}

	@Test
	void gradientMatchesFiniteDifferences() {
		try (NDManager manager = ConvKitRuntime.get().newManager()) {
			SequentialFeatures network = TinyNetworks.create(manager, 2);
			NDArray c = TinyNetworks.image(manager, 12, 12, 20), s = TinyNetworks.image(manager, 12, 12, 21), g = TinyNetworks.image(manager, 12, 12, 22);
			try (StyleObjective objective = new StyleObjective(network, WEIGHTS, c, s, manager)) {
				StyleObjective.Evaluation evaluation = objective.evaluate(g, manager);
				float[] gradient = evaluation.gradient().toFloatArray();
				assertArrayEquals(g.getShape().getShape(), evaluation.gradient().getShape().getShape());
				assertEquals(objective.losses(g).total(), evaluation.losses().total(), 1e-6 * evaluation.losses().total());

				// Directional derivatives along random unit directions; h = 3e-3 balances curvature and float32 rounding.
				Random random = new Random(5);
				for (int trial = 0; trial < 3; trial++) {
					float[] d = new float[gradient.length];
					double norm = 0;
					for (int i = 0; i < d.length; i++) norm += (d[i] = (float) random.nextGaussian()) * d[i];
					double analytic = 0;
					for (int i = 0; i < d.length; i++) analytic += gradient[i] * (d[i] /= (float) Math.sqrt(norm));
					double h = 3e-3;
					NDArray dir = manager.create(d, g.getShape());
					double plus = objective.losses(g.add(dir.mul(h))).total(), minus = objective.losses(g.sub(dir.mul(h))).total();
					double numeric = (plus - minus) / (2 * h);
					assertEquals(analytic, numeric, 0.015 * Math.abs(analytic) + 1e-3, "direction " + trial);
				}
				// The largest single components.
				Integer[] order = new Integer[gradient.length];
				for (int i = 0; i < order.length; i++) order[i] = i;
				java.util.Arrays.sort(order, (a, b) -> Float.compare(Math.abs(gradient[b]), Math.abs(gradient[a])));
				float[] px = g.toFloatArray();
				for (int r = 0; r < 5; r++) {
					int i = order[r];
					double h = 3e-3;
					float[] up = px.clone(), down = px.clone();
					up[i] += h;
					down[i] -= h;
					double numeric = (objective.losses(manager.create(up, g.getShape())).total() - objective.losses(manager.create(down, g.getShape())).total()) / (2 * h);
					assertEquals(gradient[i], numeric, 0.03 * Math.abs(gradient[i]), "pixel " + i);
				}
			}
		}
	}
}
