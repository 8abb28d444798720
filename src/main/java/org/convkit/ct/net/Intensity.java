package org.convkit.ct.net;

import java.util.Locale;
import java.util.Properties;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * How voxel values are mapped to network inputs, and back for outputs in the input's units
 * (denoising): {@code zscore} {@code (v - mean) / std}; {@code window} (a HU window)
 * {@code (clamp(v, low, high) - low) / (high - low)}; {@code none}. The numbers travel with a model.
 */
public record Intensity(Mode mode, double a, double b) {

	public enum Mode {
		NONE, ZSCORE, WINDOW
	}

	public static final Intensity NONE = new Intensity(Mode.NONE, 0, 1);

	public Intensity {
		if (mode == Mode.ZSCORE && !(b > 0)) throw new IllegalArgumentException("normalisation: z-score needs a positive std, got " + b);
		if (mode == Mode.WINDOW && !(b > a)) throw new IllegalArgumentException("normalisation: window needs high > low, got " + a + ".." + b);
	}

	/** Z-score with the mean and standard deviation of the volume's voxels. */
	public static Intensity zscore(RandomAccessibleInterval<? extends RealType<?>> volume) {
		double sum = 0, sq = 0;
		long n = 0;
		for (RealType<?> t : Views.iterable(volume)) {
			double v = t.getRealDouble();
			sum += v;
			sq += v * v;
			n++;
		}
		double mean = sum / n, std = Math.sqrt(Math.max(0, sq / n - mean * mean));
		return new Intensity(Mode.ZSCORE, mean, std > 0 ? std : 1);
	}

	/** A HU window (e.g. -1000..1000). */
	public static Intensity window(double low, double high) {
		return new Intensity(Mode.WINDOW, low, high);
	}

	public float forward(float v) {
		return switch (mode) {
			case NONE -> v;
			case ZSCORE -> (float) ((v - a) / b);
			case WINDOW -> (float) ((Math.min(b, Math.max(a, v)) - a) / (b - a));
		};
	}

	public float inverse(float v) {
		return switch (mode) {
			case NONE -> v;
			case ZSCORE -> (float) (v * b + a);
			case WINDOW -> (float) (v * (b - a) + a);
		};
	}

	/** Network units per input unit (1/std, 1/(high-low), 1). */
	public double scale() {
		return switch (mode) {
			case NONE -> 1;
			case ZSCORE -> 1 / b;
			case WINDOW -> 1 / (b - a);
		};
	}

	void store(Properties p) {
		p.setProperty("normalisation", mode.name().toLowerCase(Locale.ROOT));
		if (mode == Mode.ZSCORE) {
			p.setProperty("normalisation.mean", String.valueOf(a));
			p.setProperty("normalisation.std", String.valueOf(b));
		}
		else if (mode == Mode.WINDOW) {
			p.setProperty("normalisation.low", String.valueOf(a));
			p.setProperty("normalisation.high", String.valueOf(b));
		}
	}

	static Intensity load(Properties p) {
		String m = p.getProperty("normalisation", "none").trim().toUpperCase(Locale.ROOT);
		return switch (Mode.valueOf(m)) {
			case NONE -> NONE;
			case ZSCORE -> new Intensity(Mode.ZSCORE, Double.parseDouble(p.getProperty("normalisation.mean")),
				Double.parseDouble(p.getProperty("normalisation.std")));
			case WINDOW -> window(Double.parseDouble(p.getProperty("normalisation.low")), Double.parseDouble(p.getProperty("normalisation.high")));
		};
	}

	@Override
	public String toString() {
		return switch (mode) {
			case NONE -> "none";
			case ZSCORE -> String.format(Locale.ROOT, "z-score (mean %.4g, std %.4g)", a, b);
			case WINDOW -> String.format(Locale.ROOT, "window %.4g..%.4g", a, b);
		};
	}
}
