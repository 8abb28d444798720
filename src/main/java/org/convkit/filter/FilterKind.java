package org.convkit.filter;

import java.util.Locale;

/**
 * The smoothing and blob-enhancing kernels ConvKit runs as convolution layers. Kernels are built in
 * full (not separable) so they exercise the same Conv2d/Conv3d path as a learned layer.
 */
public enum FilterKind {
	/** Gaussian smoothing, weights summing to 1. */
	GAUSSIAN,
	/**
	 * Scale-normalised negative Laplacian of Gaussian, -sigma^2 * LoG, zero-sum: bright blobs of
	 * radius about sigma*sqrt(dims) give positive peaks.
	 */
	LAPLACIAN_OF_GAUSSIAN;

	/** The macro/parameter name: lower-case snake_case. */
	public String key() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static FilterKind fromKey(String key) {
		for (FilterKind kind : values()) {
			if (kind.key().equalsIgnoreCase(key.trim())) return kind;
		}
		throw new IllegalArgumentException("filter: expected one of gaussian, laplacian_of_gaussian, got '" + key + "'");
	}

	/** Kernel radius in pixels: three sigma, so the truncated tails hold under 0.3% of the weight. */
	public static int radius(double sigma) {
		return (int) Math.ceil(3 * sigma);
	}

	/**
	 * The kernel as a flat array in C order (last axis fastest) of shape [size]^dims with
	 * size = 2 * radius + 1.
	 */
	public float[] kernel(double sigma, int dims) {
		if (!(sigma > 0)) throw new IllegalArgumentException("sigma: expected a positive number of pixels, got " + sigma);
		if (dims < 1 || dims > 3) throw new IllegalArgumentException("dims: expected 1, 2 or 3, got " + dims);
		int radius = radius(sigma);
		int size = 2 * radius + 1;
		int count = (int) Math.pow(size, dims);
		double[] values = new double[count];
		double sum = 0;
		for (int i = 0; i < count; i++) {
			double r2 = 0;
			for (int d = 0, rest = i; d < dims; d++, rest /= size) {
				double offset = rest % size - radius;
				r2 += offset * offset;
			}
			double gauss = Math.exp(-r2 / (2 * sigma * sigma));
			values[i] = this == GAUSSIAN ? gauss : (dims - r2 / (sigma * sigma)) * gauss;
			sum += gauss;
		}
		double mean = 0;
		for (int i = 0; i < count; i++) {
			values[i] /= sum;
			mean += values[i] / count;
		}
		float[] kernel = new float[count];
		for (int i = 0; i < count; i++) {
			// The LoG is made exactly zero-sum so flat regions give 0 whatever the truncation.
			kernel[i] = (float) (this == GAUSSIAN ? values[i] : values[i] - mean);
		}
		return kernel;
	}
}
