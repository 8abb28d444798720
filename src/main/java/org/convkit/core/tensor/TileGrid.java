package org.convkit.core.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.StringJoiner;

import net.imglib2.FinalInterval;
import net.imglib2.Interval;

/**
 * Splits an N-D image into {@link Tile}s for a network with a fixed input size that needs
 * {@code halo} pixels of context on each side of what it computes.
 * <p>
 * Per dimension (all arrays in ImgLib2 order, x first): the core step is
 * {@code tileSize - 2 * halo}. The cores cover the image; when its extent is not a multiple of the
 * step, cores are spread evenly and neighbours overlap, so that every tile's input is exactly
 * {@code tileSize}: all inputs have one shape and can be stacked into a batch. Only where the image
 * is smaller than one core step does the input shrink, to {@code extent + 2 * halo}, for all tiles
 * alike. A dimension with halo 0 and a tile size of at least its extent is not split: use that for
 * channel dimensions.
 * <p>
 * Inputs may reach beyond the image; reading them needs an out-of-bounds strategy (see
 * {@link TiledProcessor}). Tiles are listed with dimension 0 varying fastest.
 */
public final class TileGrid {

	/** How tile inputs are sized. */
	public enum Sizing {
		/** Every input is exactly the tile size: for networks with a fixed input shape. */
		EXACT,
		/**
		 * Per dimension, the smallest input (at most the tile size) that covers the extent with as
		 * few tiles as EXACT needs: less overlap, so less work, for fully convolutional networks.
		 * All tiles still share one shape.
		 */
		FITTED
	}

	private final FinalInterval image;
	private final long[] inputSize;
	private final long[] coreSize;
	private final long[] halo;
	/** Per dimension, the min coordinate of each core along it. */
	private final long[][] coreMins;
	private final List<Tile> tiles;

	/**
	 * @param image the interval to cover
	 * @param tileSize the network input size per dimension, halo included
	 * @param halo context needed on each side per dimension (e.g. the receptive-field radius)
	 * @throws IllegalArgumentException if the array lengths differ from the image's dimensionality,
	 *         a halo is negative, or a tile size does not exceed twice the halo
	 */
	public TileGrid(Interval image, long[] tileSize, long[] halo) {
		this(image, tileSize, halo, Sizing.EXACT);
	}

	/**
	 * @param sizing whether inputs are exactly {@code tileSize} or fitted to the image
	 * @see #TileGrid(Interval, long[], long[])
	 */
	public TileGrid(Interval image, long[] tileSize, long[] halo, Sizing sizing) {
		int n = image.numDimensions();
		if (tileSize.length != n || halo.length != n)
			throw new IllegalArgumentException("tile_size " + Arrays.toString(tileSize) + " and halo "
					+ Arrays.toString(halo) + " need one value per image dimension (" + n + ")");
		this.image = new FinalInterval(image);
		this.halo = halo.clone();
		this.inputSize = new long[n];
		this.coreSize = new long[n];
		this.coreMins = new long[n][];
		for (int d = 0; d < n; d++) {
			if (halo[d] < 0)
				throw new IllegalArgumentException("halo must not be negative: halo = " + halo[d] + " in dimension " + d);
			if (tileSize[d] <= 2 * halo[d])
				throw new IllegalArgumentException("tile_size must exceed 2 * halo: tile_size = " + tileSize[d]
						+ ", halo = " + halo[d] + " in dimension " + d);
			long extent = image.dimension(d);
			coreSize[d] = Math.min(tileSize[d] - 2 * halo[d], extent);
			if (sizing == Sizing.FITTED) {
				long count = (extent + coreSize[d] - 1) / coreSize[d];
				coreSize[d] = (extent + count - 1) / count;
			}
			inputSize[d] = coreSize[d] + 2 * halo[d];
			coreMins[d] = coreMins(image.min(d), extent, coreSize[d]);
		}
		this.tiles = Collections.unmodifiableList(createTiles());
	}

	/**
	 * Evenly spread starts of {@code ceil(extent / core)} cores, the first at the image start and the
	 * last at its end. Consecutive starts differ by at most {@code core} (no gaps) and, with three or
	 * more cores, cores two apart do not meet, so each core overlaps only its direct neighbours.
	 */
	private static long[] coreMins(long min, long extent, long core) {
		int count = Math.toIntExact((extent + core - 1) / core);
		long[] mins = new long[count];
		for (int i = 1; i < count; i++)
			mins[i] = i * (extent - core) / (count - 1);
		for (int i = 0; i < count; i++)
			mins[i] += min;
		return mins;
	}

	private List<Tile> createTiles() {
		int n = image.numDimensions();
		List<Tile> result = new ArrayList<>();
		int[] index = new int[n];
		do {
			long[] coreMin = new long[n], coreMax = new long[n], inputMin = new long[n], inputMax = new long[n];
			long[] before = new long[n], after = new long[n];
			for (int d = 0; d < n; d++) {
				long[] mins = coreMins[d];
				int i = index[d];
				coreMin[d] = mins[i];
				coreMax[d] = mins[i] + coreSize[d] - 1;
				inputMin[d] = coreMin[d] - halo[d];
				inputMax[d] = coreMax[d] + halo[d];
				before[d] = i > 0 ? mins[i - 1] + coreSize[d] - mins[i] : 0;
				after[d] = i < mins.length - 1 ? mins[i] + coreSize[d] - mins[i + 1] : 0;
			}
			result.add(new Tile(new FinalInterval(coreMin, coreMax), new FinalInterval(inputMin, inputMax), before, after));
		} while (next(index));
		return result;
	}

	/** Advances the grid index, dimension 0 fastest; false after the last tile. */
	private boolean next(int[] index) {
		for (int d = 0; d < index.length; d++) {
			if (++index[d] < coreMins[d].length)
				return true;
			index[d] = 0;
		}
		return false;
	}

	/** The tiles, dimension 0 varying fastest. */
	public List<Tile> tiles() {
		return tiles;
	}

	/** The number of tiles. */
	public int size() {
		return tiles.size();
	}

	/** The dimensionality of the image and of every tile. */
	public int numDimensions() {
		return image.numDimensions();
	}

	/** The interval the cores cover. */
	public Interval image() {
		return image;
	}

	/** The number of tiles along dimension {@code d}. */
	public int tilesAlong(int d) {
		return coreMins[d].length;
	}

	/** The input size of every tile along {@code d}: the requested tile size, or less for a small image. */
	public long inputSize(int d) {
		return inputSize[d];
	}

	/** The core size of every tile along {@code d}. */
	public long coreSize(int d) {
		return coreSize[d];
	}

	/** The context each input adds on both sides of its core along {@code d}. */
	public long halo(int d) {
		return halo[d];
	}

	@Override
	public String toString() {
		StringJoiner counts = new StringJoiner(" x ");
		for (long[] mins : coreMins)
			counts.add(Integer.toString(mins.length));
		return "TileGrid[image " + Arrays.toString(image.dimensionsAsLongArray()) + ", tile "
				+ Arrays.toString(inputSize) + ", halo " + Arrays.toString(halo) + ", " + counts + " = " + size()
				+ " tiles]";
	}
}
