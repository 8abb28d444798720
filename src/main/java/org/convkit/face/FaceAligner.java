package org.convkit.face;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Cuts the 150x150 RGB chip the encoder expects out of an image: a similarity
 * transform (scale, rotation, shift) sampled bilinearly. From landmarks it uses face-api's
 * dlib-style geometry (chip side = mean eye-to-mouth distance / 0.45, the mean of the eye and
 * mouth centres at 50% across and 43% down) and, beyond face-api, turns the chip so the eyes are
 * level: tilted faces give upright chips. Pixels outside the image read as 0, as face-api pads.
 */
public final class FaceAligner {

	/** Chip edge in pixels. */
	public static final int CHIP = 150;
	private static final double REL_X = 0.5, REL_Y = 0.43, REL_SCALE = 0.45;

	private FaceAligner() {}

	/**
	 * The aligned chip of one face.
	 *
	 * @param rgb the image, dims [w, h, 3]
	 * @param leftEye centre of the eye on the image's left (x, y), e.g. the mean of landmarks 36-41
	 * @param rightEye centre of the other eye
	 * @param mouth centre of the mouth
	 * @return the chip, dims [150, 150, 3], values as in {@code rgb}
	 */
	public static ArrayImg<FloatType, FloatArray> chip(RandomAccessibleInterval<? extends RealType<?>> rgb,
		double[] leftEye, double[] rightEye, double[] mouth)
	{
		double eyeToMouth = (Math.hypot(mouth[0] - leftEye[0], mouth[1] - leftEye[1]) +
			Math.hypot(mouth[0] - rightEye[0], mouth[1] - rightEye[1])) / 2;
		if (!(eyeToMouth > 0)) throw new IllegalArgumentException("landmarks: eyes and mouth coincide; no face to align");
		double size = eyeToMouth / REL_SCALE;
		double angle = Math.atan2(rightEye[1] - leftEye[1], rightEye[0] - leftEye[0]);
		double refX = (leftEye[0] + rightEye[0] + mouth[0]) / 3;
		double refY = (leftEye[1] + rightEye[1] + mouth[1]) / 3;
		return sample(rgb, size / CHIP, angle, refX, refY, REL_X * CHIP, REL_Y * CHIP);
	}

	/**
	 * The whole image as a chip, for images that are already a cropped face: padded to a square with
	 * 0 on both sides of the shorter edge (the odd pixel after the image) and resized, as face-api's
	 * recognition net prepares a whole input.
	 */
	public static ArrayImg<FloatType, FloatArray> resized(RandomAccessibleInterval<? extends RealType<?>> rgb) {
		checkRgb(rgb);
		long side = Math.max(rgb.dimension(0), rgb.dimension(1));
		long padX = (side - rgb.dimension(0)) / 2, padY = (side - rgb.dimension(1)) / 2;
		return sample(rgb, (double) side / CHIP, 0, rgb.min(0) - padX, rgb.min(1) - padY, 0, 0);
	}

	/**
	 * Chip pixel (u, v) samples the image at {@code ref + R(angle) * scale * ((u, v) - anchor)}:
	 * integer chip coordinates map like TF's resizeBilinear without half-pixel centres. The chip is
	 * small (150x150x3), so it is computed here rather than kept as a chain of views.
	 */
	private static ArrayImg<FloatType, FloatArray> sample(RandomAccessibleInterval<? extends RealType<?>> rgb,
		double scale, double angle, double refX, double refY, double anchorU, double anchorV)
	{
		checkRgb(rgb);
		double cos = Math.cos(angle) * scale, sin = Math.sin(angle) * scale;
		long w = rgb.dimension(0), h = rgb.dimension(1);
		ArrayImg<FloatType, FloatArray> chip = ArrayImgs.floats(CHIP, CHIP, 3);
		float[] out = chip.update(null).getCurrentStorageArray();
		RandomAccess<? extends RealType<?>> in = rgb.randomAccess();
		for (int v = 0; v < CHIP; v++) {
			for (int u = 0; u < CHIP; u++) {
				double du = u - anchorU, dv = v - anchorV;
				double x = refX - rgb.min(0) + cos * du - sin * dv;
				double y = refY - rgb.min(1) + sin * du + cos * dv;
				long x0 = (long) Math.floor(x), y0 = (long) Math.floor(y);
				double fx = x - x0, fy = y - y0;
				for (int c = 0; c < 3; c++) {
					double top = (1 - fx) * read(in, rgb, x0, y0, c, w, h) + fx * read(in, rgb, x0 + 1, y0, c, w, h);
					double bottom = (1 - fx) * read(in, rgb, x0, y0 + 1, c, w, h) + fx * read(in, rgb, x0 + 1, y0 + 1, c, w, h);
					out[(c * CHIP + v) * CHIP + u] = (float) ((1 - fy) * top + fy * bottom);
				}
			}
		}
		return chip;
	}

	/** A pixel, 0 outside the image. */
	private static double read(RandomAccess<? extends RealType<?>> in, RandomAccessibleInterval<?> rgb, long x, long y, int c, long w, long h) {
		if (x < 0 || y < 0 || x >= w || y >= h) return 0;
		in.setPosition(rgb.min(0) + x, 0);
		in.setPosition(rgb.min(1) + y, 1);
		in.setPosition(rgb.min(2) + c, 2);
		return in.get().getRealDouble();
	}

	private static void checkRgb(RandomAccessibleInterval<?> rgb) {
		if (rgb.numDimensions() != 3 || rgb.dimension(2) != 3) {
			throw new IllegalArgumentException("image: expected an RGB image with dims [width, height, 3], got " +
				java.util.Arrays.toString(rgb.dimensionsAsLongArray()));
		}
	}
}
