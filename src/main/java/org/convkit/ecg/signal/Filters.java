package org.convkit.ecg.signal;

/**
 * Offline filters for ECG signals: zero-phase Butterworth band-, high- and low-pass (second-order
 * sections run forward and backward, filtfilt-style, with odd-reflection edge padding and
 * steady-state initial conditions) and de Chazal-style baseline-wander removal (a 200 ms median
 * followed by a 600 ms median, subtracted from the signal).
 * <p>
 * All methods return a new array and leave the input unchanged; none allocate per sample. NaN
 * samples are not handled here: replace them (e.g. by the previous valid sample) beforehand.
 */
public final class Filters {

	/** Default band-pass cut-offs for diagnostic ECG processing, in Hz. */
	public static final double DEFAULT_LOW_HZ = 0.5, DEFAULT_HIGH_HZ = 40;

	private Filters() {}

	/** {@link #bandPass(float[], double, double, double)} with 0.5-40 Hz. */
	public static float[] bandPass(float[] x, double fs) {
		return bandPass(x, fs, DEFAULT_LOW_HZ, DEFAULT_HIGH_HZ);
	}

	/**
	 * Zero-phase band-pass: a 2nd-order Butterworth high-pass at {@code lowHz} and a 2nd-order
	 * Butterworth low-pass at {@code highHz}, each applied forward and backward (so the magnitude
	 * response is squared: -6 dB at the cut-offs, 4th-order roll-off, no phase shift). A cut-off
	 * of 0 (low) or at/above Nyquist (high) skips that stage. With 0.5-40 Hz the gain stays within 2%
	 * of 1 from about 1.5 to 14 Hz.
	 */
	public static float[] bandPass(float[] x, double fs, double lowHz, double highHz) {
		checkFs(fs);
		if (lowHz < 0 || highHz <= lowHz) throw new IllegalArgumentException("bandPass: expected 0 <= low < high, got " + lowHz + ", " + highHz);
		double[] y = toDouble(x);
		int pad = padLength(x.length, fs, lowHz > 0 ? lowHz : highHz);
		if (lowHz > 0) filtfilt(y, Biquad.highPass(lowHz, fs), pad);
		if (highHz < fs / 2) filtfilt(y, Biquad.lowPass(highHz, fs), pad);
		return toFloat(y);
	}

	/** Zero-phase 2nd-order Butterworth high-pass (forward and backward). */
	public static float[] highPass(float[] x, double fs, double cutHz) {
		checkFs(fs);
		double[] y = toDouble(x);
		filtfilt(y, Biquad.highPass(cutHz, fs), padLength(x.length, fs, cutHz));
		return toFloat(y);
	}

	/** Zero-phase 2nd-order Butterworth low-pass (forward and backward). */
	public static float[] lowPass(float[] x, double fs, double cutHz) {
		checkFs(fs);
		double[] y = toDouble(x);
		filtfilt(y, Biquad.lowPass(cutHz, fs), padLength(x.length, fs, cutHz));
		return toFloat(y);
	}

	/**
	 * Baseline-wander removal (de Chazal et al. 2004): the baseline is a 200 ms running median
	 * (removes QRS complexes and P waves) followed by a 600 ms running median (removes T waves) of
	 * the signal, and is subtracted from it. Edges use replicated end samples.
	 */
	public static float[] removeBaseline(float[] x, double fs) {
		return removeBaseline(x, fs, 0.2, 0.6);
	}

	/** Baseline removal with the two median windows given in seconds. */
	public static float[] removeBaseline(float[] x, double fs, double firstWindowS, double secondWindowS) {
		checkFs(fs);
		float[] baseline = baseline(x, fs, firstWindowS, secondWindowS);
		float[] y = new float[x.length];
		for (int i = 0; i < x.length; i++) y[i] = x[i] - baseline[i];
		return y;
	}

	/** The baseline estimate that {@link #removeBaseline(float[], double, double, double)} subtracts. */
	public static float[] baseline(float[] x, double fs, double firstWindowS, double secondWindowS) {
		checkFs(fs);
		int w1 = oddWindow(firstWindowS * fs), w2 = oddWindow(secondWindowS * fs);
		return medianFilter(medianFilter(x, w1), w2);
	}

	/**
	 * Running median over a centred window of {@code window} samples (made odd), edges padded by
	 * replicating the end samples. Keeps the window sorted (binary search plus array shifts): O(n w)
	 * memory moves (System.arraycopy) but no allocation per sample.
	 */
	public static float[] medianFilter(float[] x, int window) {
		int n = x.length;
		float[] y = new float[n];
		if (n == 0) return y;
		int w = window | 1, h = w / 2;
		float[] sorted = new float[w];
		for (int k = -h; k <= h; k++) sorted[k + h] = x[clamp(k, n)];
		java.util.Arrays.sort(sorted);
		y[0] = sorted[h];
		for (int i = 1; i < n; i++) {
			float out = x[clamp(i - h - 1, n)], in = x[clamp(i + h, n)];
			if (Float.compare(out, in) != 0) {
				int r = java.util.Arrays.binarySearch(sorted, out);
				if (r < 0) throw new IllegalStateException("medianFilter: NaN in input at sample " + (i - h - 1));
				// remove at r and insert 'in' keeping order, shifting only the span between them
				int pos = java.util.Arrays.binarySearch(sorted, in);
				if (pos < 0) pos = -pos - 1;
				if (pos > r) {
					pos--; // insertion point after removal
					System.arraycopy(sorted, r + 1, sorted, r, pos - r);
				} else {
					System.arraycopy(sorted, pos, sorted, pos + 1, r - pos);
				}
				sorted[pos] = in;
			}
			y[i] = sorted[h];
		}
		return y;
	}

	/** Centred moving average over {@code window} samples (made odd); edges average what exists. */
	public static double[] movingAverage(double[] x, int window) {
		int n = x.length, h = (window | 1) / 2;
		double[] prefix = new double[n + 1];
		for (int i = 0; i < n; i++) prefix[i + 1] = prefix[i] + x[i];
		double[] y = new double[n];
		for (int i = 0; i < n; i++) {
			int a = Math.max(0, i - h), b = Math.min(n, i + h + 1);
			y[i] = (prefix[b] - prefix[a]) / (b - a);
		}
		return y;
	}

	// ---- second-order sections -------------------------------------------------------------

	/** A second-order IIR section, a0 normalised to 1, run in transposed direct form II. */
	record Biquad(double b0, double b1, double b2, double a1, double a2) {

		static Biquad lowPass(double fc, double fs) {
			checkCut(fc, fs);
			double k = Math.tan(Math.PI * fc / fs), q = Math.sqrt(2), norm = 1 / (1 + q * k + k * k);
			double b0 = k * k * norm;
			return new Biquad(b0, 2 * b0, b0, 2 * (k * k - 1) * norm, (1 - q * k + k * k) * norm);
		}

		static Biquad highPass(double fc, double fs) {
			checkCut(fc, fs);
			double k = Math.tan(Math.PI * fc / fs), q = Math.sqrt(2), norm = 1 / (1 + q * k + k * k);
			return new Biquad(norm, -2 * norm, norm, 2 * (k * k - 1) * norm, (1 - q * k + k * k) * norm);
		}

		double dcGain() {
			return (b0 + b1 + b2) / (1 + a1 + a2);
		}

		/** Filters y[from..to) in place (step +1 or -1), starting in steady state for input y[from]. */
		void run(double[] y, int from, int to, int step) {
			double c = y[from], g = dcGain() * c;
			double z2 = b2 * c - a2 * g, z1 = g - b0 * c;
			for (int i = from; i != to; i += step) {
				double in = y[i], out = b0 * in + z1;
				z1 = b1 * in - a1 * out + z2;
				z2 = b2 * in - a2 * out;
				y[i] = out;
			}
		}

		private static void checkCut(double fc, double fs) {
			if (!(fc > 0 && fc < fs / 2)) throw new IllegalArgumentException("filter: cut-off " + fc + " Hz must lie in (0, " + fs / 2 + ")");
		}
	}

	/** Applies the section forward and backward over y (in place) with odd-reflection padding. */
	static void filtfilt(double[] y, Biquad s, int pad) {
		int n = y.length;
		if (n == 0) return;
		pad = Math.min(pad, n - 1);
		double[] ext = new double[n + 2 * pad];
		double first = y[0], last = y[n - 1];
		for (int i = 0; i < pad; i++) {
			ext[pad - 1 - i] = 2 * first - y[i + 1];
			ext[pad + n + i] = 2 * last - y[n - 2 - i];
		}
		System.arraycopy(y, 0, ext, pad, n);
		s.run(ext, 0, ext.length, 1);
		s.run(ext, ext.length - 1, -1, -1);
		System.arraycopy(ext, pad, y, 0, n);
	}

	private static int padLength(int n, double fs, double lowestHz) {
		return (int) Math.min(n - 1L, Math.max(12, Math.round(3 * fs / lowestHz)));
	}

	private static int oddWindow(double samples) {
		return Math.max(1, (int) Math.round(samples)) | 1;
	}

	private static int clamp(int i, int n) {
		return i < 0 ? 0 : i >= n ? n - 1 : i;
	}

	static void checkFs(double fs) {
		if (!(fs > 0)) throw new IllegalArgumentException("filter: expected a positive sampling frequency, got " + fs);
	}

	static double[] toDouble(float[] x) {
		double[] y = new double[x.length];
		for (int i = 0; i < x.length; i++) y[i] = x[i];
		return y;
	}

	static float[] toFloat(double[] x) {
		float[] y = new float[x.length];
		for (int i = 0; i < x.length; i++) y[i] = (float) x[i];
		return y;
	}
}
