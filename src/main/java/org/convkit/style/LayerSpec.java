package org.convkit.style;

/**
 * One layer of a sequential feature network: a 3x3-style convolution followed by ReLU, or a
 * pooling layer. Kernel, stride and padding are what {@link ReceptiveField} needs; channels are
 * what the weights must have.
 */
public record LayerSpec(String name, Kind kind, int kernel, int stride, int padding, int inChannels, int outChannels) {

	public enum Kind { CONV, POOL }

	public static LayerSpec conv(String name, int kernel, int stride, int padding, int in, int out) {
		return new LayerSpec(name, Kind.CONV, kernel, stride, padding, in, out);
	}

	public static LayerSpec pool(String name, int kernel, int stride, int channels) {
		return new LayerSpec(name, Kind.POOL, kernel, stride, 0, channels, channels);
	}

	public boolean isConv() {
		return kind == Kind.CONV;
	}
}
