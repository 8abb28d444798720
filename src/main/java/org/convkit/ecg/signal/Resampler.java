package org.convkit.ecg.signal;

/**
 * Resampling of a uniformly sampled signal to another frequency by linear interpolation. When
 * down-sampling, a zero-phase anti-alias low-pass (2nd-order Butterworth forward and backward at
 * 0.45 of the target frequency) is applied first. Sample i of the output lies at time i / to,
 * i.e. the first samples of input and output coincide.
 */
public final class Resampler {

	private Resampler() {}

	/** Resamples {@code x} from {@code fromHz} to {@code toHz}; the result has round(n * to / from) samples. */
	public static float[] resample(float[] x, double fromHz, double toHz) {
		Filters.checkFs(fromHz);
		Filters.checkFs(toHz);
		if (fromHz == toHz) return x.clone();
		float[] src = toHz < fromHz && x.length > 1 ? Filters.lowPass(x, fromHz, 0.45 * toHz) : x;
		int m = (int) Math.round(x.length * toHz / fromHz);
		float[] y = new float[m];
		if (x.length == 0) return y;
		double ratio = fromHz / toHz;
		int last = src.length - 1;
		for (int i = 0; i < m; i++) {
			double t = i * ratio;
			int k = (int) t;
			if (k >= last) {
				y[i] = src[last];
			} else {
				double f = t - k;
				y[i] = (float) (src[k] + f * (src[k + 1] - src[k]));
			}
		}
		return y;
	}

	/** The sample index at {@code toHz} nearest to sample {@code index} at {@code fromHz}. */
	public static long mapIndex(long index, double fromHz, double toHz) {
		return Math.round(index * toHz / fromHz);
	}

	/** {@link #mapIndex} applied to every element. */
	public static int[] mapIndices(int[] indices, double fromHz, double toHz) {
		int[] out = new int[indices.length];
		for (int i = 0; i < indices.length; i++) out[i] = (int) mapIndex(indices[i], fromHz, toHz);
		return out;
	}
}
