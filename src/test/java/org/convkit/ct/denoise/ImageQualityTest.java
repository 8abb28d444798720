package org.convkit.ct.denoise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;

class ImageQualityTest {

	@Test
	void psnrByHand() {
		ArrayImg<FloatType, FloatArray> a = ArrayImgs.floats(new float[] {0, 0, 0, 0, 0, 0, 0, 0}, 2, 2, 2);
		ArrayImg<FloatType, FloatArray> b = ArrayImgs.floats(new float[] {1, -1, 1, -1, 3, 0, 0, 1}, 2, 2, 2);
		// MSE = (1+1+1+1+9+0+0+1)/8 = 14/8; PSNR = 10 log10(100 / 1.75)
		assertEquals(14 / 8.0, ImageQuality.mse(a, b), 1e-12);
		assertEquals(10 * Math.log10(100 / 1.75), ImageQuality.psnr(a, b, 10), 1e-9);
		assertEquals(4, ImageQuality.range(b), 0);
	}

	@Test
	void ssimByHand() {
		ArrayImg<FloatType, FloatArray> one = ArrayImgs.floats(4, 3, 5), two = ArrayImgs.floats(4, 3, 5);
		for (FloatType t : one) t.set(1);
		for (FloatType t : two) t.set(2);
		// constant volumes: no variance, so SSIM = (2 mu_x mu_y + C1) / (mu_x^2 + mu_y^2 + C1), C1 = (0.01 L)^2 = 0.01 for L = 10
		assertEquals((2 * 1 * 2 + 0.01) / (1 + 4 + 0.01), ImageQuality.ssim(one, two, 10), 1e-5); // float local statistics
		ArrayImg<FloatType, FloatArray> noise = ArrayImgs.floats(6, 6, 6);
		java.util.Random r = new java.util.Random(1);
		for (FloatType t : noise) t.set((float) r.nextGaussian());
		assertEquals(1, ImageQuality.ssim(noise, noise, 4), 1e-6);
	}

	@Test
	void filtersKeepConstantsAndMedianRemovesAnOutlier() {
		ArrayImg<FloatType, FloatArray> v = ArrayImgs.floats(5, 5, 5);
		for (FloatType t : v) t.set(7);
		for (FloatType t : Filters3d.gaussian(v, 1.3)) assertEquals(7, t.get(), 1e-5);
		v.getAt(2, 2, 2).set(1000);
		ArrayImg<FloatType, FloatArray> m = Filters3d.median(v, 1);
		for (FloatType t : m) assertEquals(7, t.get(), 0);
		// a Gaussian spreads the outlier but keeps the total (mirrored borders, far from the edge here)
		ArrayImg<FloatType, FloatArray> spike = ArrayImgs.floats(15, 15, 15);
		spike.getAt(7, 7, 7).set(1);
		double sum = 0;
		for (FloatType t : Filters3d.gaussian(spike, 1)) sum += t.get();
		assertEquals(1, sum, 1e-5);
		assertEquals(3f, Filters3d.select(new float[] {5, 1, 3, 4, 2}, 2), 0);
	}
}
