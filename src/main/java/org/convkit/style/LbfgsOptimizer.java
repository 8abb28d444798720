package org.convkit.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@link Lbfgs} on G's pixels. The two-loop recursion and the line search run on the host, so
 * each evaluation copies G in and dJ/dG out (2 x 3 MB at 512x512, about 2 ms against an evaluation
 * of about a second); the network passes stay on the engine. The function minimised is
 * J(clip(x, 0, 1)), so the pixels read ({@link #current()}, clipped) have exactly the J reported,
 * while x itself moves freely and the curvature pairs stay consistent.
 */
public final class LbfgsOptimizer implements PixelOptimizer {

	static final int HISTORY = 5;

	private final NDManager state;
	private final Shape shape;
	private final Lbfgs lbfgs;
	private Losses atX; // J's terms at lbfgs.x()
	private NDArray current;

	/** @param firstStep the largest pixel change of the first (gradient) step, 0..1 scale */
	public LbfgsOptimizer(NDArray initial, double firstStep) {
		this.state = initial.getManager().newSubManager();
		this.shape = initial.getShape();
		this.lbfgs = new Lbfgs(initial.toFloatArray(), HISTORY, firstStep);
	}

	@Override
	public Losses step(StyleObjective objective) {
		Losses[] latest = new Losses[1];
		boolean moved = lbfgs.step((x, gradient) -> {
			try (NDManager scope = state.newSubManager()) {
				StyleObjective.Evaluation evaluation = objective.evaluate(scope.create(x, shape).clip(0f, 1f), scope);
				float[] g = evaluation.gradient().toFloatArray();
				// f(x) = J(clip(x)): its gradient is J's where x is inside 0..1 and zero outside.
				for (int i = 0; i < g.length; i++) gradient[i] = x[i] < 0 || x[i] > 1 ? 0 : g[i];
				latest[0] = evaluation.losses();
				if (atX == null) atX = latest[0]; // the very first evaluation is at the start point
				return latest[0].total();
			}
		});
		Losses start = atX;
		// When x moved, the last evaluation (the accepted line-search point) is the new x.
		if (moved) atX = latest[0];
		if (current != null) current.close();
		current = null;
		return start;
	}

	@Override
	public NDArray current() {
		if (current == null) {
			current = state.create(lbfgs.x(), shape).clip(0f, 1f);
			current.attach(state);
		}
		return current;
	}

	@Override
	public void close() {
		state.close();
	}
}
