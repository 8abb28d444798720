package org.convkit.style;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Colour preservation by luminance-only transfer (Gatys et al. 2016, "Preserving color in neural
 * artistic style transfer"): style and content become grey (YIQ's Y in all three channels), the
 * style's luminance matched to the content's mean and standard deviation; after the transfer the
 * result's Y is combined with the content's chroma (I, Q).
 */
public final class LuminanceTransfer {

	private LuminanceTransfer() {}

	/** Y of each pixel, as a grey RGB image. */
	public static ArrayImg<FloatType, FloatArray> grey(ArrayImg<FloatType, FloatArray> rgb) {
		float[] y = luminance(rgb);
		return ArrayImgs.floats(replicate(y), rgb.dimensionsAsLongArray());
	}

	/** The style's Y, shifted and scaled to the content's Y mean and standard deviation, as grey RGB. */
	public static ArrayImg<FloatType, FloatArray> matchedGrey(ArrayImg<FloatType, FloatArray> style, ArrayImg<FloatType, FloatArray> content) {
		float[] ys = luminance(style), yc = luminance(content);
		double[] s = meanStd(ys), c = meanStd(yc);
		double scale = s[1] > 1e-6 ? c[1] / s[1] : 1;
		for (int i = 0; i < ys.length; i++) ys[i] = (float) Math.max(0, Math.min(1, (ys[i] - s[0]) * scale + c[0]));
		return ArrayImgs.floats(replicate(ys), style.dimensionsAsLongArray());
	}

	/** RGB from the Y of {@code luminance} (grey RGB) and the I, Q of {@code content}, clipped to 0..1. */
	public static ArrayImg<FloatType, FloatArray> recombine(ArrayImg<FloatType, FloatArray> luminance, ArrayImg<FloatType, FloatArray> content) {
		float[] y = luminance(luminance);
		float[] c = content.update(null).getCurrentStorageArray();
		int n = y.length;
		float[] out = new float[3 * n];
		for (int p = 0; p < n; p++) {
			double r = c[p], g = c[n + p], b = c[2 * n + p];
			double i = 0.596 * r - 0.274 * g - 0.322 * b, q = 0.211 * r - 0.523 * g + 0.312 * b;
			out[p] = clip(y[p] + 0.956 * i + 0.621 * q);
			out[n + p] = clip(y[p] - 0.272 * i - 0.647 * q);
			out[2 * n + p] = clip(y[p] - 1.106 * i + 1.703 * q);
		}
		return ArrayImgs.floats(out, content.dimensionsAsLongArray());
	}

	static float[] luminance(ArrayImg<FloatType, FloatArray> rgb) {
		float[] c = rgb.update(null).getCurrentStorageArray();
		int n = c.length / 3;
		float[] y = new float[n];
		for (int p = 0; p < n; p++) y[p] = (float) (0.299 * c[p] + 0.587 * c[n + p] + 0.114 * c[2 * n + p]);
		return y;
	}

	private static float[] replicate(float[] y) {
		float[] out = new float[3 * y.length];
		for (int c = 0; c < 3; c++) System.arraycopy(y, 0, out, c * y.length, y.length);
		return out;
	}

	private static double[] meanStd(float[] v) {
		double sum = 0, squares = 0;
		for (float value : v) {
			sum += value;
			squares += value * value;
		}
		double mean = sum / v.length;
		return new double[] { mean, Math.sqrt(Math.max(0, squares / v.length - mean * mean)) };
	}

	private static float clip(double v) {
		return (float) Math.max(0, Math.min(1, v));
	}
}
