package org.convkit.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Adam (Kingma and Ba 2015) on the pixels, kept on the engine: G, the moment estimates and every
 * update stay NDArrays, so an iteration copies nothing between Java and the engine except J's
 * terms. Pixels are clipped to 0..1 after each step.
 */
public final class Adam implements PixelOptimizer {

	private static final double BETA1 = 0.9, BETA2 = 0.999, EPSILON = 1e-8;

	private final double rate;
	private final NDManager state;
	private NDArray pixels, m, v;
	private int t;

	/** @param initial G at the start (copied); @param rate the step in pixel units (0..1 scale) */
	public Adam(NDArray initial, double rate) {
		this.rate = rate;
		this.state = initial.getManager().newSubManager();
		this.pixels = initial.duplicate();
		pixels.attach(state);
		this.m = pixels.zerosLike();
		this.v = pixels.zerosLike();
	}

	@Override
	public Losses step(StyleObjective objective) {
		try (NDManager scope = state.newSubManager()) {
			StyleObjective.Evaluation evaluation = objective.evaluate(pixels, scope);
			NDArray g = evaluation.gradient();
			t++;
			m = keep(m, m.mul((float) BETA1).add(g.mul((float) (1 - BETA1))));
			v = keep(v, v.mul((float) BETA2).add(g.square().mul((float) (1 - BETA2))));
			double c1 = 1 - Math.pow(BETA1, t), c2 = 1 - Math.pow(BETA2, t);
			NDArray update = m.div((float) c1).div(v.div((float) c2).sqrt().add((float) EPSILON)).mul((float) rate);
			pixels = keep(pixels, pixels.sub(update).clip(0f, 1f));
			return evaluation.losses();
		}
	}

	/** Moves a new state array out of the iteration's scope in place of the old one. */
	private NDArray keep(NDArray old, NDArray value) {
		value.attach(state);
		old.close();
		return value;
	}

	@Override
	public NDArray current() {
		return pixels;
	}

	@Override
	public void close() {
		state.close();
	}
}
