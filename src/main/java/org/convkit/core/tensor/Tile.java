package org.convkit.core.tensor;

import net.imglib2.FinalInterval;
import net.imglib2.Interval;
import net.imglib2.util.Intervals;

/**
 * One tile of a {@link TileGrid}: the {@link #core()} of the output it is responsible for and the
 * {@link #input()} the network reads to compute it (the core grown by the halo on each side; it may
 * reach beyond the image). Along each dimension a core may share its first
 * {@link #overlapBefore(int)} pixels with the previous tile's core and its last
 * {@link #overlapAfter(int)} pixels with the next one's.
 */
public final class Tile {

	private final FinalInterval core;
	private final FinalInterval input;
	private final long[] overlapBefore;
	private final long[] overlapAfter;

	Tile(FinalInterval core, FinalInterval input, long[] overlapBefore, long[] overlapAfter) {
		this.core = core;
		this.input = input;
		this.overlapBefore = overlapBefore;
		this.overlapAfter = overlapAfter;
	}

	/** The output region this tile is responsible for, in image coordinates. */
	public Interval core() {
		return core;
	}

	/** The region the network reads: {@link #core()} grown by the halo, in image coordinates. */
	public Interval input() {
		return input;
	}

	/** Pixels at the start of the core, along {@code d}, that the previous tile's core also covers. */
	public long overlapBefore(int d) {
		return overlapBefore[d];
	}

	/** Pixels at the end of the core, along {@code d}, that the next tile's core also covers. */
	public long overlapAfter(int d) {
		return overlapAfter[d];
	}

	@Override
	public String toString() {
		return "Tile[core " + Intervals.toString(core) + ", input " + Intervals.toString(input) + "]";
	}
}
