package org.convkit.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import net.imglib2.FinalInterval;
import net.imglib2.Interval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;
import org.junit.jupiter.api.Test;

class TileGridTest {

	@Test
	void tileSizeMustExceedTwiceTheHalo() {
		Interval image = new FinalInterval(20, 20);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> new TileGrid(image, new long[] { 16, 8 }, new long[] { 2, 4 }));
		assertEquals("tile_size must exceed 2 * halo: tile_size = 8, halo = 4 in dimension 1", e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> new TileGrid(image, new long[] { 16 }, new long[] { 2 }));
	}

	@Test
	void coresCoverTheImageAndInputsHaveTheTileSize() {
		checkCover(new FinalInterval(new long[] { -3, 5 }, new long[] { 33, 27 }), new long[] { 16, 16 }, new long[] { 2, 3 });
		checkCover(new FinalInterval(100, 7), new long[] { 32, 16 }, new long[] { 4, 4 });
		checkCover(new FinalInterval(24, 24), new long[] { 16, 16 }, new long[] { 2, 2 });
		checkCover(new FinalInterval(21, 13, 5), new long[] { 12, 12, 12 }, new long[] { 1, 1, 1 });
		checkCover(new FinalInterval(50, 41, 3), new long[] { 9, 10, 3 }, new long[] { 0, 1, 0 });
		for (long extent = 1; extent <= 60; extent++)
			checkCover(new FinalInterval(extent), new long[] { 13 }, new long[] { 2 });
	}

	/** Both sizings: every pixel in some core, cores inside the image, inputs of one size, overlaps as reported. */
	private static void checkCover(Interval image, long[] tileSize, long[] halo) {
		for (TileGrid.Sizing sizing : TileGrid.Sizing.values()) checkCover(image, tileSize, halo, sizing);
	}

	private static void checkCover(Interval image, long[] tileSize, long[] halo, TileGrid.Sizing sizing) {
		TileGrid grid = new TileGrid(image, tileSize, halo, sizing);
		int n = image.numDimensions();
		ArrayImg<IntType, ?> count = ArrayImgs.ints(image.dimensionsAsLongArray());
		long expectedTiles = 1;
		for (int d = 0; d < n; d++) {
			long core = tileSize[d] - 2 * halo[d];
			long extent = image.dimension(d);
			long tiles = (extent + core - 1) / core;
			// FITTED: the smallest core that still needs no more tiles than EXACT.
			long expectedInput = extent < core ? extent + 2 * halo[d]
				: sizing == TileGrid.Sizing.EXACT ? tileSize[d] : (extent + tiles - 1) / tiles + 2 * halo[d];
			assertEquals(expectedInput, grid.inputSize(d), sizing + " input size in dimension " + d);
			assertEquals(tiles, grid.tilesAlong(d));
			expectedTiles *= grid.tilesAlong(d);
		}
		assertEquals(expectedTiles, grid.size());
		List<Tile> tiles = grid.tiles();
		for (int t = 0; t < tiles.size(); t++) {
			Tile tile = tiles.get(t);
			assertTrue(Intervals.contains(image, tile.core()), tile + " outside " + Intervals.toString(image));
			for (int d = 0; d < n; d++) {
				assertEquals(grid.inputSize(d), tile.input().dimension(d), tile.toString());
				assertEquals(tile.core().min(d) - halo[d], tile.input().min(d));
				assertEquals(tile.core().max(d) + halo[d], tile.input().max(d));
				// The next tile along d (dimension 0 fastest) shares exactly the reported overlap.
				long stride = 1;
				for (int e = 0; e < d; e++)
					stride *= grid.tilesAlong(e);
				if ((t / stride) % grid.tilesAlong(d) == grid.tilesAlong(d) - 1) {
					assertEquals(0, tile.overlapAfter(d));
				} else {
					Tile next = tiles.get((int) (t + stride));
					assertEquals(tile.core().max(d) - next.core().min(d) + 1, tile.overlapAfter(d));
					assertEquals(tile.overlapAfter(d), next.overlapBefore(d));
				}
			}
			for (IntType c : Views.interval(Views.translate(count, image.minAsLongArray()), tile.core()))
				c.inc();
		}
		for (IntType c : count)
			assertTrue(c.get() >= 1, "uncovered pixel in " + grid);
	}

	@Test
	void smallImagesShrinkTheTileAndUnsplitDimensionsStayWhole() {
		TileGrid grid = new TileGrid(new FinalInterval(5, 40, 3), new long[] { 16, 16, 3 }, new long[] { 2, 2, 0 });
		assertEquals(9, grid.inputSize(0));
		assertEquals(5, grid.coreSize(0));
		assertEquals(1, grid.tilesAlong(0));
		assertEquals(16, grid.inputSize(1));
		assertEquals(4, grid.tilesAlong(1));
		assertEquals(1, grid.tilesAlong(2));
		assertEquals(3, grid.inputSize(2));
		assertEquals("TileGrid[image [5, 40, 3], tile [9, 16, 3], halo [2, 2, 0], 1 x 4 x 1 = 4 tiles]", grid.toString());
	}
}
