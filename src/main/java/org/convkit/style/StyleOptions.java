package org.convkit.style;

import java.util.List;
import java.util.Locale;

/**
 * How one style transfer runs: the loss, the optimiser and its step, the start image, the working
 * size, colour preservation, and how often intermediate results are kept.
 *
 * @param size longest edge of the result in pixels (content and style are resized to it); 0 keeps the content's size
 * @param noiseRatio for {@link Init#CONTENT_NOISE}: G0 = (1 - r) C + r U(0, 1)
 * @param snapshotEvery keep G every this many iterations (0: never)
 */
public record StyleOptions(LossWeights weights, int iterations, Optimizer optimizer, double learningRate, Init init,
	double noiseRatio, long seed, int size, boolean preserveColor, int snapshotEvery)
{
	public static final List<String> OPTIMIZERS = List.of("adam", "lbfgs");
	public static final List<String> INITS = List.of("content", "noise", "content_noise");

	public enum Optimizer { ADAM, LBFGS }

	public enum Init { CONTENT, NOISE, CONTENT_NOISE }

	public StyleOptions {
		if (iterations < 1) throw new IllegalArgumentException("iterations: expected at least 1, got " + iterations);
		if (!(learningRate > 0)) throw new IllegalArgumentException("learning_rate: expected a number > 0, got " + learningRate);
		if (!(noiseRatio >= 0 && noiseRatio <= 1)) throw new IllegalArgumentException("noise_ratio: expected a number from 0 to 1, got " + noiseRatio);
		if (size < 0) throw new IllegalArgumentException("size: expected 0 (the content's size) or a longest edge in pixels, got " + size);
	}

	/** Defaults: Adam, step 0.05, from the content, 100 iterations, content's size. */
	public static StyleOptions defaults() {
		return new StyleOptions(LossWeights.defaults(), 100, Optimizer.ADAM, 0.05, Init.CONTENT, 0.6, 1, 0, false, 0);
	}

	public StyleOptions withIterations(int value) {
		return new StyleOptions(weights, value, optimizer, learningRate, init, noiseRatio, seed, size, preserveColor, snapshotEvery);
	}

	public StyleOptions withWeights(LossWeights value) {
		return new StyleOptions(value, iterations, optimizer, learningRate, init, noiseRatio, seed, size, preserveColor, snapshotEvery);
	}

	public StyleOptions withOptimizer(Optimizer value, double rate) {
		return new StyleOptions(weights, iterations, value, rate, init, noiseRatio, seed, size, preserveColor, snapshotEvery);
	}

	public StyleOptions withInit(Init value, double ratio) {
		return new StyleOptions(weights, iterations, optimizer, learningRate, value, ratio, seed, size, preserveColor, snapshotEvery);
	}

	public StyleOptions withSize(int value) {
		return new StyleOptions(weights, iterations, optimizer, learningRate, init, noiseRatio, seed, value, preserveColor, snapshotEvery);
	}

	public StyleOptions withPreserveColor(boolean value) {
		return new StyleOptions(weights, iterations, optimizer, learningRate, init, noiseRatio, seed, size, value, snapshotEvery);
	}

	public StyleOptions withSnapshotEvery(int value) {
		return new StyleOptions(weights, iterations, optimizer, learningRate, init, noiseRatio, seed, size, preserveColor, value);
	}

	/** A user's key (adam, lbfgs / content, noise, content_noise) as the enum. */
	public static <E extends Enum<E>> E parse(Class<E> type, String parameter, String key, List<String> keys) {
		if (!keys.contains(key)) throw new IllegalArgumentException(parameter + ": expected one of " + keys + ", got '" + key + "'");
		return Enum.valueOf(type, key.toUpperCase(Locale.ROOT));
	}
}
