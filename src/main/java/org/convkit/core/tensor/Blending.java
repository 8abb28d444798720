package org.convkit.core.tensor;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;

/**
 * Writes tile results into the output with weights that ramp linearly across the overlap of
 * neighbouring cores.
 * <p>
 * Along one dimension, in an overlap of {@code L} pixels the earlier tile weighs
 * {@code (L - j) / (L + 1)} and the later one {@code (j + 1) / (L + 1)} at offset {@code j}:
 * positive everywhere and summing to 1. A tile's weight is the product over dimensions, and the tiles
 * covering a pixel form a product of per-dimension choices, so the weights of all tiles covering a
 * pixel sum to 1 as well: the weighted sum needs no division and no weight image, and where tiles
 * agree it equals each of them.
 */
final class Blending {

	private Blending() {}

	/**
	 * Adds {@code tile}'s weighted {@code values} to {@code target} (both iterated in flat order, same
	 * dimensions). Pixels that no earlier tile covered are overwritten instead, which is exact when
	 * tiles arrive in {@link TileGrid#tiles()} order: a pixel's first tile is the one that does not
	 * have it in an {@link Tile#overlapBefore(int)} region. So the target needs no clearing.
	 */
	static void accumulate(RandomAccessibleInterval<? extends RealType<?>> values,
			RandomAccessibleInterval<? extends RealType<?>> target, Tile tile) {
		int n = target.numDimensions();
		double[][] weights = new double[n][];
		long[] before = new long[n];
		for (int d = 0; d < n; d++) {
			before[d] = tile.overlapBefore(d);
			weights[d] = ramp(Math.toIntExact(target.dimension(d)), before[d], tile.overlapAfter(d));
		}
		Cursor<? extends RealType<?>> in = Views.flatIterable(values).cursor();
		Cursor<? extends RealType<?>> out = Views.flatIterable(target).cursor();
		double[] rowWeights = weights[0];
		long rows = Intervals.numElements(target) / rowWeights.length;
		int[] position = new int[n]; // along dimensions 1..n-1
		for (long r = 0; r < rows; r++) {
			double rowWeight = 1;
			boolean rowSeen = false;
			for (int d = 1; d < n; d++) {
				rowWeight *= weights[d][position[d]];
				rowSeen |= position[d] < before[d];
			}
			for (int x = 0; x < rowWeights.length; x++) {
				double value = in.next().getRealDouble() * rowWeight * rowWeights[x];
				RealType<?> t = out.next();
				t.setReal(rowSeen || x < before[0] ? t.getRealDouble() + value : value);
			}
			for (int d = 1; d < n && ++position[d] == weights[d].length; d++)
				position[d] = 0;
		}
	}

	/** Per-pixel weights along one dimension of a core of {@code length} pixels. */
	private static double[] ramp(int length, long before, long after) {
		double[] w = new double[length];
		for (int j = 0; j < length; j++)
			w[j] = j < before ? (j + 1.0) / (before + 1) : j >= length - after ? (double) (length - j) / (after + 1) : 1;
		return w;
	}
}
