package org.convkit.face;

import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FaceAlignerTest {

	/** A smooth RGB test image: each channel a different linear ramp, so bilinear sampling is exact. */
	private static ArrayImg<FloatType, FloatArray> ramps(int w, int h) {
		ArrayImg<FloatType, FloatArray> image = ArrayImgs.floats(w, h, 3);
		RandomAccess<FloatType> ra = image.randomAccess();
		for (int c = 0; c < 3; c++)
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					ra.setPositionAndGet(x, y, c).set(value(x, y, c));
		return image;
	}

	private static float value(double x, double y, int c) {
		return (float) (c == 0 ? x : c == 1 ? y : x + 2 * y);
	}

	@Test
	void levelFaceUsesFaceApiGeometry() {
		// Eyes 40 px apart, mouth 45 px below their middle: eye-to-mouth = hypot(20, 45).
		double[] left = { 100, 120 }, right = { 140, 120 }, mouth = { 120, 165 };
		ArrayImg<FloatType, FloatArray> chip = FaceAligner.chip(ramps(300, 300), left, right, mouth);
		assertArrayEquals(new long[] { 150, 150, 3 }, chip.dimensionsAsLongArray());
		double size = Math.hypot(20, 45) / 0.45;
		double refX = 120, refY = (120 + 120 + 165) / 3.0;
		RandomAccess<FloatType> ra = chip.randomAccess();
		for (int[] uv : new int[][] { { 0, 0 }, { 75, 64 }, { 149, 149 }, { 10, 120 } }) {
			double x = refX + (uv[0] - 75) * size / 150, y = refY + (uv[1] - 64.5) * size / 150;
			for (int c = 0; c < 3; c++) assertEquals(value(x, y, c), ra.setPositionAndGet(uv[0], uv[1], c).get(), 1e-3);
		}
	}

	@Test
	void aTiltedFaceGivesAnUprightChip() {
		double[] left = { 100, 120 }, right = { 140, 120 }, mouth = { 120, 165 };
		ArrayImg<FloatType, FloatArray> upright = FaceAligner.chip(ramps(300, 300), left, right, mouth);
		// The same face turned by 30 degrees about (150, 150): image and landmarks.
		double angle = Math.toRadians(30);
		ArrayImg<FloatType, FloatArray> tiltedImage = ArrayImgs.floats(300, 300, 3);
		RandomAccess<FloatType> ra = tiltedImage.randomAccess();
		for (int c = 0; c < 3; c++)
			for (int y = 0; y < 300; y++)
				for (int x = 0; x < 300; x++) {
					// Pixel (x, y) of the tilted image shows the upright image at the inverse rotation.
					double dx = x - 150, dy = y - 150;
					double ux = 150 + Math.cos(angle) * dx + Math.sin(angle) * dy, uy = 150 - Math.sin(angle) * dx + Math.cos(angle) * dy;
					ra.setPositionAndGet(x, y, c).set(value(ux, uy, c));
				}
		ArrayImg<FloatType, FloatArray> tilted = FaceAligner.chip(tiltedImage, turn(left, angle), turn(right, angle), turn(mouth, angle));
		RandomAccess<FloatType> a = upright.randomAccess(), b = tilted.randomAccess();
		for (int c = 0; c < 3; c++)
			for (int v = 0; v < 150; v += 7)
				for (int u = 0; u < 150; u += 7)
					assertEquals(a.setPositionAndGet(u, v, c).get(), b.setPositionAndGet(u, v, c).get(), 1e-2, "chip pixel " + u + "," + v);
	}

	private static double[] turn(double[] p, double angle) {
		double dx = p[0] - 150, dy = p[1] - 150;
		return new double[] { 150 + Math.cos(angle) * dx - Math.sin(angle) * dy, 150 + Math.sin(angle) * dx + Math.cos(angle) * dy };
	}

	@Test
	void resizedPadsToASquareOnBothSides() {
		// 92 wide, 112 high: 10 columns of padding on each side, as face-api pads.
		ArrayImg<FloatType, FloatArray> chip = FaceAligner.resized(ramps(92, 112));
		RandomAccess<FloatType> ra = chip.randomAccess();
		double scale = 112.0 / 150;
		assertEquals(value(40 * scale - 10, 100 * scale, 2), ra.setPositionAndGet(40, 100, 2).get(), 1e-3);
		assertEquals(0, ra.setPositionAndGet(5, 20, 0).get(), "left of the image: padding");
		assertEquals(0, ra.setPositionAndGet(148, 20, 0).get(), "right of the image: padding");
	}

	@Test
	void greyOrCoincidentInputIsRefused() {
		IllegalArgumentException grey = assertThrows(IllegalArgumentException.class, () -> FaceAligner.resized(ArrayImgs.floats(10, 10)));
		assertEquals("image: expected an RGB image with dims [width, height, 3], got [10, 10]", grey.getMessage());
		double[] p = { 5, 5 };
		IllegalArgumentException same = assertThrows(IllegalArgumentException.class, () -> FaceAligner.chip(ramps(10, 10), p, p, p));
		assertEquals("landmarks: eyes and mouth coincide; no face to align", same.getMessage());
	}
}
