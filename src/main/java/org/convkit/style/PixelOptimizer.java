package org.convkit.style;

import ai.djl.ndarray.NDArray;

/** Gradient descent on the pixels of G: one {@link #step} is one iteration. */
public interface PixelOptimizer extends AutoCloseable {

	/** One iteration on {@code objective}; returns J's terms at the point it started from. */
	Losses step(StyleObjective objective);

	/** G now, (1, 3, H, W); valid until the next step. */
	NDArray current();

	@Override
	void close();
}
