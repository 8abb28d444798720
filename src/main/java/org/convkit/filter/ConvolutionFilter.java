package org.convkit.filter;

import ai.djl.ndarray.NDArray;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.core.tensor.TileGrid;
import org.convkit.core.tensor.TiledProcessor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link ConvolutionFilterModel} over an XYCZT image through the shared runtime, tile by
 * tile: in 2-D every plane is filtered on its own (planes of a stack go through the network in
 * batches), in 3-D every channel and time point is filtered as an XYZ volume. Borders are mirrored.
 */
public final class ConvolutionFilter {

	/** Tiles per network call: enough to amortise the call overhead, small enough for big tiles. */
	public static final int BATCH_SIZE = 8;

	private final ConvKitRuntime runtime;
	private final ConvolutionFilterModel model;
	private final int tileSize;

	/**
	 * @param tileSize network input edge in pixels, halo included; must exceed twice the kernel radius
	 */
	public ConvolutionFilter(ConvKitRuntime runtime, ConvolutionFilterModel model, int tileSize) {
		if (tileSize <= 2 * model.radius()) {
			throw new IllegalArgumentException("tile_size: expected more than " + 2 * model.radius() +
				" pixels (twice the kernel radius for sigma " + model.sigma() + "), got " + tileSize);
		}
		this.runtime = runtime;
		this.model = model;
		this.tileSize = tileSize;
	}

	/** Filters a 5-D XYCZT image; the result is a new 32-bit image of the same size. */
	public PlanarImg<FloatType, FloatArray> apply(RandomAccessibleInterval<? extends RealType<?>> xyczt) throws IOException {
		if (xyczt.numDimensions() != 5) {
			throw new IllegalArgumentException("image: expected 5 dimensions XYCZT, got " + xyczt.numDimensions());
		}
		PlanarImg<FloatType, FloatArray> output = PlanarImgs.floats(xyczt.dimensionsAsLongArray());
		if (model.dims() == 2) filterPlanes(xyczt, output);
		else filterVolumes(xyczt, output);
		return output;
	}

	private void filterPlanes(RandomAccessibleInterval<? extends RealType<?>> input, PlanarImg<FloatType, FloatArray> output) throws IOException {
		long r = model.radius();
		// Planes stacked along a third axis that is never split: tiles of different planes share a batch.
		TiledProcessor tiler = new TiledProcessor(new long[] { tileSize, tileSize, 1 }, new long[] { r, r, 0 }, BATCH_SIZE, TileGrid.Sizing.FITTED);
		RandomAccessibleInterval<FloatType> planesOut = Views.stack(planes(output));
		runtime.infer(model, session -> {
			// The batch (B, 1, H, W) is already Conv2d's (batch, channel, height, width).
			tiler.process(Views.stack(planes(input)), planesOut, batch -> session.forward(batch), session.manager());
			return null;
		});
	}

	private void filterVolumes(RandomAccessibleInterval<? extends RealType<?>> input, PlanarImg<FloatType, FloatArray> output) throws IOException {
		long r = model.radius();
		TiledProcessor tiler = new TiledProcessor(new long[] { tileSize, tileSize, tileSize }, new long[] { r, r, r }, BATCH_SIZE, TileGrid.Sizing.FITTED);
		runtime.infer(model, session -> {
			for (long t = 0; t < input.dimension(4); t++) {
				for (long c = 0; c < input.dimension(2); c++) {
					RandomAccessibleInterval<? extends RealType<?>> volume = Views.hyperSlice(Views.hyperSlice(input, 4, t), 2, c);
					RandomAccessibleInterval<FloatType> volumeOut = Views.hyperSlice(Views.hyperSlice(output, 4, t), 2, c);
					tiler.process(volume, volumeOut, batch -> forward3d(session, batch), session.manager());
				}
			}
			return null;
		});
	}

	private static NDArray forward3d(org.convkit.core.runtime.ModelSession session, NDArray batch) {
		// (B, D, H, W) -> Conv3d's (B, 1, D, H, W) and back.
		return session.forward(batch.expandDims(1)).squeeze(1);
	}

	/** The XY planes of an XYCZT image in ImageJ's stack order (C fastest, then Z, then T). */
	private static <T> List<RandomAccessibleInterval<T>> planes(RandomAccessibleInterval<T> xyczt) {
		List<RandomAccessibleInterval<T>> planes = new ArrayList<>();
		for (long t = 0; t < xyczt.dimension(4); t++)
			for (long z = 0; z < xyczt.dimension(3); z++)
				for (long c = 0; c < xyczt.dimension(2); c++)
					planes.add(Views.hyperSlice(Views.hyperSlice(Views.hyperSlice(xyczt, 4, t), 3, z), 2, c));
		return planes;
	}

}
