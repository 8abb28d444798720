package org.convkit.core.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import net.imglib2.FinalInterval;
import net.imglib2.Interval;
import net.imglib2.RandomAccessible;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.outofbounds.OutOfBoundsFactory;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;

/**
 * Runs a network over an N-D image tile by tile, in batches, and stitches the results.
 * <p>
 * The image is split by a {@link TileGrid}; tile inputs are read through {@link Views} of the
 * image extended by an out-of-bounds strategy (the image is never copied as a whole), stacked with
 * {@link Tensors#stack} into a batch of shape {@code (B, reversed tile dimensions)} and passed to the
 * function. The function returns, per tile, either the whole input size (the halo is then cropped)
 * or the core size (a 'valid' network that already dropped the halo); which one is read from the
 * returned shape. Overlapping cores are blended with linear ramps (see {@link Blending}).
 * <p>
 * The output has the input's interval, except in dimensions that are not split (halo 0 and a tile
 * size covering the extent): there its extent may differ, e.g. for a different channel count.
 * Each batch lives in its own sub-manager, closed as soon as its result is copied out, so native
 * memory stays flat however big the image. Batches run in grid order on the calling thread; the last
 * may hold fewer tiles. The output must not overlap the input.
 */
public final class TiledProcessor {

	private final long[] tileSize;
	private final long[] halo;
	private final int batchSize;
	private final TileGrid.Sizing sizing;

	/**
	 * @param tileSize network input size per dimension (ImgLib2 order), halo included
	 * @param halo context per side and dimension that the network needs
	 * @param batchSize tiles per call of the function
	 */
	public TiledProcessor(long[] tileSize, long[] halo, int batchSize) {
		this(tileSize, halo, batchSize, TileGrid.Sizing.EXACT);
	}

	/**
	 * @param sizing {@link TileGrid.Sizing#FITTED} for fully convolutional functions, which then do
	 *        less work on overlaps
	 * @see #TiledProcessor(long[], long[], int)
	 */
	public TiledProcessor(long[] tileSize, long[] halo, int batchSize, TileGrid.Sizing sizing) {
		if (batchSize < 1)
			throw new IllegalArgumentException("batch_size must be at least 1: batch_size = " + batchSize);
		this.tileSize = tileSize.clone();
		this.halo = halo.clone();
		this.batchSize = batchSize;
		this.sizing = sizing;
	}

	/** The tiles this processor uses for {@code image}, e.g. to log their count. */
	public TileGrid grid(Interval image) {
		return new TileGrid(image, tileSize, halo, sizing);
	}

	/**
	 * Computes {@code output} from {@code input} tile by tile, reading beyond the image by mirroring
	 * ({@link Views#extendMirrorSingle}); otherwise as
	 * {@link #process(RandomAccessibleInterval, OutOfBoundsFactory, RandomAccessibleInterval, UnaryOperator, NDManager)}.
	 */
	public void process(RandomAccessibleInterval<? extends RealType<?>> input,
			RandomAccessibleInterval<? extends RealType<?>> output, UnaryOperator<NDArray> function, NDManager manager) {
		process(grid(input), Views.extendMirrorSingle(input), output, function, manager);
	}

	/**
	 * Computes {@code output} from {@code input} tile by tile.
	 *
	 * @param input the image
	 * @param outOfBounds how tile inputs are read beyond the image
	 * @param output receives the stitched result; its previous values are ignored
	 * @param function maps a batch {@code (B, reversed input tile dimensions)} to results of shape
	 *        {@code (B, reversed input tile or core dimensions)}; it should create its arrays in the
	 *        batch's manager (DJL operators do), which is closed after each batch
	 * @param manager parent of the per-batch sub-managers
	 * @throws IllegalArgumentException if the output interval differs from the input in a split
	 *         dimension, or the function returns an unexpected shape
	 */
	public <T extends RealType<?>> void process(RandomAccessibleInterval<T> input,
			OutOfBoundsFactory<T, ? super RandomAccessibleInterval<T>> outOfBounds,
			RandomAccessibleInterval<? extends RealType<?>> output, UnaryOperator<NDArray> function, NDManager manager) {
		process(grid(input), Views.extend(input, outOfBounds), output, function, manager);
	}

	private void process(TileGrid grid, RandomAccessible<? extends RealType<?>> source,
			RandomAccessibleInterval<? extends RealType<?>> output, UnaryOperator<NDArray> function, NDManager manager) {
		checkOutput(grid, output);
		List<Tile> tiles = grid.tiles();
		int n = grid.numDimensions();
		for (int first = 0; first < tiles.size(); first += batchSize) {
			List<Tile> batch = tiles.subList(first, Math.min(first + batchSize, tiles.size()));
			List<RandomAccessibleInterval<? extends RealType<?>>> inputs = new ArrayList<>(batch.size());
			for (Tile tile : batch)
				inputs.add(Views.interval(source, tile.input()));
			ArrayImg<FloatType, FloatArray> results;
			long[] offset;
			try (NDManager batchManager = manager.newSubManager()) {
				NDArray result = function.apply(Tensors.stack(inputs, batchManager));
				offset = cropOffset(grid, output, batch.size(), result.getShape());
				results = Tensors.toImg(result);
			}
			for (int b = 0; b < batch.size(); b++) {
				Tile tile = batch.get(b);
				Interval core = outputCore(grid, tile, output);
				RandomAccessibleInterval<FloatType> values =
						Views.offsetInterval(Views.hyperSlice(results, n, b), offset, core.dimensionsAsLongArray());
				Blending.accumulate(values, Views.interval(output, core), tile);
			}
		}
	}

	@Override
	public String toString() {
		return "TiledProcessor[tile " + Arrays.toString(tileSize) + ", halo " + Arrays.toString(halo) + ", batch "
				+ batchSize + "]";
	}

	/** Whether dimension {@code d} is one block (no halo, one tile), so its output extent may differ. */
	private static boolean unsplit(TileGrid grid, int d) {
		return grid.tilesAlong(d) == 1 && grid.halo(d) == 0;
	}

	private static void checkOutput(TileGrid grid, Interval output) {
		Interval image = grid.image();
		if (output.numDimensions() != image.numDimensions())
			throw new IllegalArgumentException("output has " + output.numDimensions() + " dimensions, input "
					+ image.numDimensions());
		for (int d = 0; d < image.numDimensions(); d++)
			if (!unsplit(grid, d) && (output.min(d) != image.min(d) || output.max(d) != image.max(d)))
				throw new IllegalArgumentException("output " + Intervals.toString(output) + " differs from input "
						+ Intervals.toString(image) + " in dimension " + d + ", which is split into tiles or has a halo");
	}

	/** The tile's core in output coordinates: the whole output range in unsplit dimensions. */
	private static Interval outputCore(TileGrid grid, Tile tile, Interval output) {
		int n = grid.numDimensions();
		long[] min = new long[n], max = new long[n];
		for (int d = 0; d < n; d++) {
			Interval from = unsplit(grid, d) ? output : tile.core();
			min[d] = from.min(d);
			max[d] = from.max(d);
		}
		return new FinalInterval(min, max);
	}

	/** Where each tile's core starts in the function's result: at the halo for same-size results, else 0. */
	private static long[] cropOffset(TileGrid grid, Interval output, int batch, Shape shape) {
		int n = grid.numDimensions();
		long[] same = new long[n + 1], valid = new long[n + 1], offset = new long[n];
		same[0] = valid[0] = batch;
		for (int d = 0; d < n; d++) {
			boolean whole = unsplit(grid, d);
			same[n - d] = whole ? output.dimension(d) : grid.inputSize(d);
			valid[n - d] = whole ? output.dimension(d) : grid.coreSize(d);
			offset[d] = grid.halo(d);
		}
		if (Arrays.equals(shape.getShape(), same))
			return offset;
		if (Arrays.equals(shape.getShape(), valid))
			return new long[n];
		throw new IllegalArgumentException("the tile function returned shape " + shape + "; expected " + new Shape(same)
				+ " (same size as the input tiles) or " + new Shape(valid) + " (cores only, 'valid')");
	}
}
