package org.convkit.filter;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessible;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.convkit.core.runtime.ConvKitRuntime;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The convolution network against a direct convolution written out in Java. */
class ConvolutionFilterTest {

	@Test
	void gaussianKernelSumsToOneAndLogToZero() {
		float[] gauss = FilterKind.GAUSSIAN.kernel(1.5, 3);
		float[] log = FilterKind.LAPLACIAN_OF_GAUSSIAN.kernel(1.5, 3);
		assertEquals(11 * 11 * 11, gauss.length);
		assertEquals(1.0, sum(gauss), 1e-5);
		assertEquals(0.0, sum(log), 1e-5);
		// The centre of the negative LoG is its maximum: bright blobs give positive peaks.
		int centre = gauss.length / 2;
		for (float value : log) assertTrue(value <= log[centre]);
		assertTrue(log[centre] > 0);
	}

	@Test
	void planesOfAHyperstackMatchDirectConvolution() throws Exception {
		// 2 channels x 3 slices, 2-D filtering: every plane on its own, tiles smaller than the image.
		RandomAccessibleInterval<FloatType> image = random(new long[] { 45, 38, 2, 3, 1 }, 1);
		ConvolutionFilterModel model = new ConvolutionFilterModel(FilterKind.LAPLACIAN_OF_GAUSSIAN, 1.2, 2);
		PlanarImg<FloatType, FloatArray> result = new ConvolutionFilter(ConvKitRuntime.get(), model, 24).apply(image);
		float[] kernel = model.kind().kernel(model.sigma(), 2);
		for (int plane = 0; plane < 6; plane++) {
			RandomAccessibleInterval<FloatType> in = Views.hyperSlice(Views.hyperSlice(Views.hyperSlice(image, 4, 0), 3, plane / 2), 2, plane % 2);
			RandomAccessibleInterval<FloatType> out = Views.hyperSlice(Views.hyperSlice(Views.hyperSlice(result, 4, 0), 3, plane / 2), 2, plane % 2);
			assertMatches(in, out, kernel, model.radius(), 2e-5);
		}
	}

	@Test
	void volumeMatchesDirectConvolutionAtEveryVoxel() throws Exception {
		RandomAccessibleInterval<FloatType> image = random(new long[] { 29, 23, 1, 19, 1 }, 2);
		ConvolutionFilterModel model = new ConvolutionFilterModel(FilterKind.GAUSSIAN, 1.0, 3);
		PlanarImg<FloatType, FloatArray> result = new ConvolutionFilter(ConvKitRuntime.get(), model, 16).apply(image);
		RandomAccessibleInterval<FloatType> in = Views.hyperSlice(Views.hyperSlice(image, 4, 0), 2, 0);
		RandomAccessibleInterval<FloatType> out = Views.hyperSlice(Views.hyperSlice(result, 4, 0), 2, 0);
		assertMatches(in, out, model.kind().kernel(1.0, 3), model.radius(), 2e-5);
	}

	@Test
	void tileNotLargerThanTwiceTheRadiusIsRefused() {
		ConvolutionFilterModel model = new ConvolutionFilterModel(FilterKind.GAUSSIAN, 3, 2);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> new ConvolutionFilter(ConvKitRuntime.get(), model, 18));
		assertEquals("tile_size: expected more than 18 pixels (twice the kernel radius for sigma 3.0), got 18", e.getMessage());
	}

	/** Direct convolution (correlation, as Conv layers compute) over the mirror-extended image. */
	private static void assertMatches(RandomAccessibleInterval<FloatType> in, RandomAccessibleInterval<FloatType> out,
		float[] kernel, int radius, double tolerance)
	{
		int n = in.numDimensions();
		int size = 2 * radius + 1;
		RandomAccessible<FloatType> source = Views.extendMirrorSingle(in);
		RandomAccess<FloatType> reader = source.randomAccess();
		RandomAccess<FloatType> result = out.randomAccess();
		long[] position = new long[n];
		long total = 1;
		for (int d = 0; d < n; d++) total *= in.dimension(d);
		for (long index = 0; index < total; index++) {
			long rest = index;
			for (int d = 0; d < n; d++) {
				position[d] = rest % in.dimension(d);
				rest /= in.dimension(d);
			}
			double expected = 0;
			for (int k = 0; k < kernel.length; k++) {
				// Kernel index in C order: the last axis (x) fastest.
				int kr = k;
				for (int d = 0; d < n; d++) {
					reader.setPosition(position[d] + kr % size - radius, d);
					kr /= size;
				}
				expected += kernel[k] * reader.get().getRealDouble();
			}
			result.setPosition(position);
			assertEquals(expected, result.get().getRealDouble(), tolerance, () -> "at " + java.util.Arrays.toString(position));
		}
	}

	private static RandomAccessibleInterval<FloatType> random(long[] dims, long seed) {
		Random random = new Random(seed);
		var image = ArrayImgs.floats(dims);
		image.forEach(pixel -> pixel.set(random.nextFloat()));
		return image;
	}

	private static double sum(float[] values) {
		double sum = 0;
		for (float value : values) sum += value;
		return sum;
	}
}
