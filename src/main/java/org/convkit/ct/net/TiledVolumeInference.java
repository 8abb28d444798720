package org.convkit.ct.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.core.runtime.MemoryGuard;
import org.convkit.core.runtime.ModelSpec;
import org.convkit.core.tensor.TileGrid;
import org.convkit.core.tensor.TiledProcessor;
import org.convkit.core.tensor.Tensors;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.converter.Converters;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * Runs any loaded 3-D network ({@link ModelFile}: TorchScript, MXNet) over a volume of any size
 * with {@link TiledProcessor}: cubic tiles of a fixed edge (EXACT sizing: networks saved elsewhere
 * may accept only the sizes they were traced or built for), a user-given overlap per side as the
 * halo, blended stitching, and the input normalised through a view ({@link Intensity}). The
 * network's output channels are read from its result. ConvKit's own models run through
 * {@link VolumeModel#apply}, which knows their halo.
 */
public final class TiledVolumeInference {

	static final String OVERLAP_TOO_LARGE = "overlap: %d voxels per side leaves no core in tiles of %d (tile_size must be more than twice the overlap)";

	static final String BAD_OUTPUT = "model: expected an output (B, K, z, y, x) for a (B, C, z, y, x) input, got shape %s for a tile of %d";

	private TiledVolumeInference() {}

	/**
	 * @param volume {@code (x, y, z)} or {@code (x, y, z, c)}
	 * @param tile tile edge, overlap included
	 * @param overlap context per side (at least the network's receptive radius for results equal to whole-volume inference)
	 * @return {@code (x, y, z, k)} for k output channels (k = 1 included)
	 */
	public static ArrayImg<FloatType, FloatArray> apply(ModelSpec spec, RandomAccessibleInterval<? extends RealType<?>> volume, Intensity intensity,
		long tile, long overlap, int batchSize) throws IOException
	{
		if (volume.numDimensions() != 3 && volume.numDimensions() != 4)
			throw new IllegalArgumentException("volume: expected (x, y, z) or (x, y, z, c), got " + volume.numDimensions() + " dimensions");
		if (overlap < 0 || tile <= 2 * overlap) throw new IllegalArgumentException(String.format(Locale.ROOT, OVERLAP_TOO_LARGE, overlap, tile));
		int channels = volume.numDimensions() == 4 ? (int) volume.dimension(3) : 1;
		RandomAccessibleInterval<FloatType> normalised = Converters.convert(volume, (a, b) -> b.set(intensity.forward(a.getRealFloat())), new FloatType());
		RandomAccessibleInterval<FloatType> input = volume.numDimensions() == 3 ? Views.addDimension(normalised, 0, 0) : normalised;
		TiledProcessor tiler = new TiledProcessor(new long[] {tile, tile, tile, channels}, new long[] {overlap, overlap, overlap, 0}, batchSize,
			TileGrid.Sizing.EXACT);
		long[] dims = input.dimensionsAsLongArray();
		MemoryGuard.check("tile_size", "tiled 3-D inference", batchSize * MemoryGuard.tilesBytes(tile, 3) * Math.max(1, channels),
			8L * dims[0] * dims[1] * dims[2] * Math.max(channels, 2));
		return ConvKitRuntime.get().infer(spec, session -> {
			// the output channel count is read from one tile's result before the output is allocated
			RandomAccessibleInterval<FloatType> corner = Views.interval(Views.extendMirrorSingle(input), new long[] {0, 0, 0, 0},
				new long[] {tile - 1, tile - 1, tile - 1, channels - 1});
			long outChannels;
			try (NDManager m = session.manager().newSubManager()) {
				NDArray out = session.forward(Tensors.stack(List.of(corner), m));
				if (out.getShape().dimension() != 5)
					throw new IllegalArgumentException(String.format(Locale.ROOT, BAD_OUTPUT, out.getShape(), tile));
				outChannels = out.getShape().get(1);
			}
			long[] outDims = Arrays.copyOf(dims, 4);
			outDims[3] = outChannels;
			ArrayImg<FloatType, FloatArray> result = ArrayImgs.floats(outDims);
			tiler.process(input, result, session::forward, session.manager());
			return result;
		});
	}
}
