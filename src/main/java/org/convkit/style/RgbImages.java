package org.convkit.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.core.tensor.Tensors;

/**
 * The images style transfer works on: ImgLib2 float images of dimensions [width, height, 3], RGB
 * in 0..1, which {@link Tensors} maps to (3, H, W) and a leading batch axis makes (1, 3, H, W).
 */
public final class RgbImages {

	private RgbImages() {}

	/** Checks that an image is [w, h, 3] and at least {@code min} pixels on each side. */
	public static void check(RandomAccessibleInterval<?> image, String parameter, int min) {
		if (image.numDimensions() != 3 || image.dimension(2) != 3)
			throw new IllegalArgumentException(parameter + ": expected an RGB image [width, height, 3]");
		if (image.dimension(0) < min || image.dimension(1) < min)
			throw new IllegalArgumentException(parameter + ": expected at least " + min + "x" + min + " pixels, got "
				+ image.dimension(0) + "x" + image.dimension(1));
	}

	/** (1, 3, H, W) in {@code manager}. */
	public static NDArray toNDArray(RandomAccessibleInterval<? extends RealType<?>> image, NDManager manager) {
		NDArray chw = Tensors.toNDArray(image, manager);
		return chw.expandDims(0);
	}

	/** A (1, 3, H, W) array as a new [W, H, 3] image. */
	public static ArrayImg<FloatType, FloatArray> toImg(NDArray array) {
		try (NDArray chw = array.squeeze(0)) {
			return Tensors.toImg(chw);
		}
	}

	/** Width and height with the longest edge {@code longest} (0: unchanged), aspect ratio kept. */
	public static int[] fitted(long width, long height, int longest) {
		if (longest <= 0) return new int[] { (int) width, (int) height };
		double scale = (double) longest / Math.max(width, height);
		return new int[] { (int) Math.max(1, Math.round(width * scale)), (int) Math.max(1, Math.round(height * scale)) };
	}

	/** Bilinear resampling (pixel centres aligned) to width x height; a copy even at the same size. */
	public static ArrayImg<FloatType, FloatArray> resize(RandomAccessibleInterval<? extends RealType<?>> image, int width, int height) {
		ArrayImg<FloatType, FloatArray> source = copy(image);
		int w0 = (int) image.dimension(0), h0 = (int) image.dimension(1);
		float[] in = source.update(null).getCurrentStorageArray();
		if (w0 == width && h0 == height) return source;
		float[] out = new float[width * height * 3];
		double sx = (double) w0 / width, sy = (double) h0 / height;
		for (int y = 0; y < height; y++) {
			double fy = Math.max(0, Math.min(h0 - 1, (y + 0.5) * sy - 0.5));
			int y0 = (int) fy, y1 = Math.min(h0 - 1, y0 + 1);
			double wy = fy - y0;
			for (int x = 0; x < width; x++) {
				double fx = Math.max(0, Math.min(w0 - 1, (x + 0.5) * sx - 0.5));
				int x0 = (int) fx, x1 = Math.min(w0 - 1, x0 + 1);
				double wx = fx - x0;
				for (int c = 0; c < 3; c++) {
					int plane = c * w0 * h0;
					double top = in[plane + y0 * w0 + x0] * (1 - wx) + in[plane + y0 * w0 + x1] * wx;
					double bottom = in[plane + y1 * w0 + x0] * (1 - wx) + in[plane + y1 * w0 + x1] * wx;
					out[c * width * height + y * width + x] = (float) (top * (1 - wy) + bottom * wy);
				}
			}
		}
		return ArrayImgs.floats(out, width, height, 3);
	}

	/** A float copy in flat order. */
	public static ArrayImg<FloatType, FloatArray> copy(RandomAccessibleInterval<? extends RealType<?>> image) {
		ArrayImg<FloatType, FloatArray> copy = ArrayImgs.floats(image.dimensionsAsLongArray());
		var target = copy.cursor();
		for (RealType<?> value : net.imglib2.view.Views.flatIterable(image)) target.next().setReal(value.getRealFloat());
		return copy;
	}
}
