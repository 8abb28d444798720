package org.convkit.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

import net.imglib2.Cursor;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessible;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.outofbounds.OutOfBoundsConstantValueFactory;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.Test;

/**
 * Tiled results must equal the whole-image result of a real DJL convolution whose receptive field
 * fits in the halo; the reference is a direct convolution in plain Java over the extended image.
 */
class TiledProcessorTest {

	private static final double TOLERANCE = 1e-5;

	/** A seeded random convolution in DJL layout: weights (out, in, k, ..., k) and bias (out). */
	private record Kernel(int spatialDims, int size, int in, int out, float[] weights, float[] bias) {

		static Kernel random(long seed, int spatialDims, int size, int in, int out) {
			Random random = new Random(seed);
			float[] weights = new float[out * in * (int) Math.pow(size, spatialDims)];
			for (int i = 0; i < weights.length; i++)
				weights[i] = 2 * random.nextFloat() - 1;
			float[] bias = new float[out];
			for (int i = 0; i < out; i++)
				bias[i] = random.nextFloat();
			return new Kernel(spatialDims, size, in, out, weights, bias);
		}

		int radius() {
			return size / 2;
		}

		/**
		 * The tile function: convolution without padding ('valid', returns cores) or with padding =
		 * radius ('same', returns the input size). Without a channel axis one is added and removed.
		 */
		UnaryOperator<NDArray> function(boolean same, boolean channelAxis) {
			return batch -> {
				NDManager m = batch.getManager();
				long[] kernelShape = new long[spatialDims + 2];
				Arrays.fill(kernelShape, size);
				kernelShape[0] = out;
				kernelShape[1] = in;
				long[] ones = new long[spatialDims], padding = new long[spatialDims];
				Arrays.fill(ones, 1);
				Arrays.fill(padding, same ? radius() : 0);
				NDArray x = channelAxis ? batch : batch.expandDims(1);
				NDArray w = m.create(weights, new Shape(kernelShape));
				NDArray b = m.create(bias);
				Shape stride = new Shape(ones), pad = new Shape(padding), dilation = new Shape(ones);
				NDArray y = (spatialDims == 2 ? Conv2d.conv2d(x, w, b, stride, pad, dilation, 1)
						: Conv3d.conv3d(x, w, b, stride, pad, dilation, 1)).singletonOrThrow();
				return channelAxis ? y : y.squeeze(1);
			};
		}

		/**
		 * Direct cross-correlation over {@code source} (already extended beyond the image), with the
		 * channel as the last ImgLib2 dimension when {@code channelAxis}.
		 */
		ArrayImg<FloatType, FloatArray> reference(RandomAccessible<FloatType> source, long[] spatial, boolean channelAxis) {
			long[] outDims = Arrays.copyOf(spatial, spatialDims + (channelAxis ? 1 : 0));
			if (channelAxis)
				outDims[spatialDims] = out;
			ArrayImg<FloatType, FloatArray> result = ArrayImgs.floats(outDims);
			RandomAccess<FloatType> ra = source.randomAccess();
			long[] p = new long[source.numDimensions()];
			int volume = (int) Math.pow(size, spatialDims);
			Cursor<FloatType> c = result.localizingCursor();
			while (c.hasNext()) {
				c.fwd();
				int o = channelAxis ? c.getIntPosition(spatialDims) : 0;
				double sum = bias[o];
				for (int ci = 0; ci < in; ci++)
					for (int k = 0; k < volume; k++) {
						int rest = k; // kernel offset, x fastest, as in the C-order weights
						for (int d = 0; d < spatialDims; d++, rest /= size)
							p[d] = c.getLongPosition(d) + rest % size - radius();
						if (channelAxis)
							p[spatialDims] = ci;
						sum += weights[(o * in + ci) * volume + k] * ra.setPositionAndGet(p).getRealDouble();
					}
				c.get().setReal(sum);
			}
			return result;
		}
	}

	/** Tiles with each batch size, compares with the mirror-boundary reference, returns the tile count. */
	private static int checkAgainstReference(long[] dims, long[] tileSize, long[] halo, Kernel kernel, boolean same,
			int... batchSizes) {
		ArrayImg<FloatType, FloatArray> image = TensorsTest.random(42, dims);
		ArrayImg<FloatType, FloatArray> expected = kernel.reference(Views.extendMirrorSingle(image), dims, false);
		int tiles = 0;
		try (NDManager m = NDManager.newBaseManager()) {
			for (int batch : batchSizes) {
				for (TileGrid.Sizing sizing : TileGrid.Sizing.values()) {
					TiledProcessor tiler = new TiledProcessor(tileSize, halo, batch, sizing);
					ArrayImg<FloatType, FloatArray> actual = ArrayImgs.floats(dims);
					tiler.process(image, actual, kernel.function(same, false), m);
					assertClose(expected, actual, (same ? "same" : "valid") + ", batch " + batch + ", " + sizing);
					tiles = tiler.grid(image).size();
				}
			}
		}
		return tiles;
	}

	private static void assertClose(ArrayImg<FloatType, FloatArray> expected, ArrayImg<FloatType, FloatArray> actual, String what) {
		assertArrayEquals(expected.dimensionsAsLongArray(), actual.dimensionsAsLongArray());
		Cursor<FloatType> e = expected.localizingCursor();
		Cursor<FloatType> a = actual.cursor();
		while (e.hasNext()) {
			float want = e.next().get(), got = a.next().get();
			if (Math.abs(want - got) > TOLERANCE)
				throw new AssertionError(what + ": at " + Arrays.toString(e.positionAsLongArray()) + " expected " + want
						+ " but was " + got);
		}
	}

	@Test
	void validConvolution2d() {
		// x: 37 = 4 cores of 12 with overlaps; y: 9 < 12, so the tile shrinks to 13.
		int tiles = checkAgainstReference(new long[] { 37, 9 }, new long[] { 16, 16 }, new long[] { 2, 2 },
				Kernel.random(1, 2, 5, 1, 1), false, 1, 3);
		assertEquals(4, tiles);
	}

	@Test
	void sameConvolution2dWithWiderHalo() {
		// Halo 3 > radius 2; x: 23 = 3 cores of 10; y: 30 = 4 cores of 8 (not multiples).
		int tiles = checkAgainstReference(new long[] { 23, 30 }, new long[] { 16, 14 }, new long[] { 3, 3 },
				Kernel.random(2, 2, 5, 1, 1), true, 1, 4, 100);
		assertEquals(12, tiles);
	}

	@Test
	void validConvolution3d() {
		// x: 21 = 3 cores of 10; y: 13 = 2 cores; z: 5 < 10, so the tile shrinks to 7.
		int tiles = checkAgainstReference(new long[] { 21, 13, 5 }, new long[] { 12, 12, 12 }, new long[] { 1, 1, 1 },
				Kernel.random(3, 3, 3, 1, 1), false, 1, 2);
		assertEquals(6, tiles);
	}

	@Test
	void sameConvolution3d() {
		int tiles = checkAgainstReference(new long[] { 19, 6, 17 }, new long[] { 10, 10, 10 }, new long[] { 2, 2, 2 },
				Kernel.random(4, 3, 3, 1, 1), true, 1, 5);
		assertEquals(4 * 1 * 3, tiles);
	}

	@Test
	void channelCountMayChangeInAnUnsplitDimension() {
		// (x, y, c) with 2 input channels -> 3 output channels; the channel axis has halo 0 and one tile.
		long[] dims = { 30, 20, 2 };
		Kernel kernel = Kernel.random(5, 2, 3, 2, 3);
		ArrayImg<FloatType, FloatArray> image = TensorsTest.random(7, dims);
		ArrayImg<FloatType, FloatArray> expected = kernel.reference(Views.extendMirrorSingle(image), new long[] { 30, 20 }, true);
		try (NDManager m = NDManager.newBaseManager()) {
			for (boolean same : new boolean[] { false, true }) {
				ArrayImg<FloatType, FloatArray> actual = ArrayImgs.floats(30, 20, 3);
				new TiledProcessor(new long[] { 12, 12, 2 }, new long[] { 1, 1, 0 }, 3)
						.process(image, actual, kernel.function(same, true), m);
				assertClose(expected, actual, same ? "same" : "valid");
			}
		}
	}

	@Test
	void outOfBoundsStrategyComesFromTheCaller() {
		long[] dims = { 26, 17 };
		Kernel kernel = Kernel.random(6, 2, 3, 1, 1);
		ArrayImg<FloatType, FloatArray> image = TensorsTest.random(8, dims);
		ArrayImg<FloatType, FloatArray> expected = kernel.reference(Views.extendZero(image), dims, false);
		ArrayImg<FloatType, FloatArray> actual = ArrayImgs.floats(dims);
		try (NDManager m = NDManager.newBaseManager()) {
			new TiledProcessor(new long[] { 10, 10 }, new long[] { 1, 1 }, 2).process(image,
					new OutOfBoundsConstantValueFactory<>(new FloatType(0)), actual, kernel.function(false, false), m);
		}
		assertClose(expected, actual, "zero boundary");
	}

	@Test
	void identityReproducesTheImageAndBatchesAreReleased() {
		long[] dims = { 45, 31, 4 };
		ArrayImg<FloatType, FloatArray> image = TensorsTest.random(9, dims);
		ArrayImg<FloatType, FloatArray> actual = ArrayImgs.floats(dims);
		for (FloatType t : actual)
			t.set(Float.NaN); // previous output values must not leak in
		List<NDArray> seen = new ArrayList<>();
		try (NDManager m = NDManager.newBaseManager()) {
			new TiledProcessor(new long[] { 16, 12, 4 }, new long[] { 3, 2, 1 }, 3).process(image, actual, batch -> {
				seen.add(batch);
				return batch;
			}, m);
			assertTrue(seen.size() > 1);
			assertTrue(seen.stream().allMatch(NDArray::isReleased), "every batch is closed after its results are copied");
		}
		// Weights of overlapping cores sum to 1, so the identity comes back (up to float rounding).
		Cursor<FloatType> e = image.cursor(), a = actual.cursor();
		while (e.hasNext())
			assertEquals(e.next().get(), a.next().get(), 1e-6);
	}

	@Test
	void unexpectedShapesAndIntervalsAreRejected() {
		ArrayImg<FloatType, FloatArray> image = ArrayImgs.floats(20, 20);
		TiledProcessor tiler = new TiledProcessor(new long[] { 8, 8 }, new long[] { 1, 1 }, 2);
		try (NDManager m = NDManager.newBaseManager()) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
					() -> tiler.process(image, ArrayImgs.floats(20, 20), batch -> batch.get(":, 1:, :"), m));
			assertEquals("the tile function returned shape (2, 7, 8); expected (2, 8, 8) (same size as the input tiles)"
					+ " or (2, 6, 6) (cores only, 'valid')", e.getMessage());
			e = assertThrows(IllegalArgumentException.class,
					() -> tiler.process(image, ArrayImgs.floats(20, 21), batch -> batch, m));
			assertTrue(e.getMessage().contains("in dimension 1, which is split into tiles or has a halo"), e.getMessage());
			e = assertThrows(IllegalArgumentException.class, () -> new TiledProcessor(new long[] { 8 }, new long[] { 1 }, 0));
			assertEquals("batch_size must be at least 1: batch_size = 0", e.getMessage());
		}
	}
}
