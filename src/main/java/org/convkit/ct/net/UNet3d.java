package org.convkit.ct.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * A configurable 3-D U-Net built from DJL's engine-neutral blocks, fully convolutional, for
 * batches {@code (B, C, z, y, x)} (the layout {@link org.convkit.core.tensor.Tensors} gives an
 * {@code (x, y, z, c)} image).
 * <p>
 * Level {@code l} (0 = full resolution) has {@code baseWidth * 2^l} channels and two 3x3x3
 * convolutions (each followed by the normalisation and ReLU); levels are joined by 2x2x2 max
 * pooling (stride 2) on the way down and nearest-neighbour upsampling (no learned weights, so no
 * checkerboard) concatenated with the skip connection on the way up; a 1x1x1 convolution gives the
 * output channels. {@code residual} adds the input to the output (same channel counts only).
 * {@code blindSpotBase} (single-channel input, for blind-spot denoisers) adds to the first output
 * channel the mean of each voxel's 26 neighbours, never the voxel itself: the network then learns
 * a correction to a fair first guess instead of the whole value, which a short training on CPU
 * otherwise never reaches, and the output stays blind to the voxel's own noise.
 * <p>
 * Tiling: {@link #receptiveRadius} counts, per side, how far from an output voxel any input voxel can
 * matter (each 3x3x3 convolution at level l reaches 2^l voxels further, each pooling and each
 * upsampling between levels l and l+1 up to 2^l voxels, on the side where it is asymmetric).
 * {@link #halo} is that radius rounded up to a multiple of 2^depth, so that tiles whose cores start
 * on multiples of 2^depth are pooled in the same phase as the whole volume: then tiled and whole
 * results agree to float rounding (batch or no normalisation; instance normalisation uses each
 * tile's own statistics, so it never tiles exactly). {@link #forward} pads inputs whose size is
 * not a multiple of 2^depth (at their far end, inside the halo) and crops the result back.
 */
public final class UNet3d {

	/** Feature normalisation after each convolution. */
	public enum Normalization {
		BATCH, INSTANCE, NONE;

		public static Normalization parse(String text) {
			for (Normalization n : values())
				if (n.name().equalsIgnoreCase(text.trim())) return n;
			throw new IllegalArgumentException("normalization: expected one of " + Arrays.toString(values()).toLowerCase(Locale.ROOT)
				+ ", got '" + text + "'");
		}

		public String id() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/**
	 * The architecture. Defaults ({@link #DEFAULT}): depth 2 (receptive radius 26 voxels), 16 base
	 * channels, no normalisation (exact tiling; MXNet's MKL-DNN BatchNorm after Conv3d fails in the
	 * gradient step), not residual, one channel in and out. The denoiser's own defaults are in
	 * {@code org.convkit.ct.denoise.Noise2Void}.
	 */
	public record Config(int depth, int baseWidth, Normalization normalization, boolean residual, int inChannels, int outChannels,
		boolean blindSpotBase)
	{
		public static final Config DEFAULT = new Config(2, 16, Normalization.NONE, false, 1, 1);

		/** Without the blind-spot base. */
		public Config(int depth, int baseWidth, Normalization normalization, boolean residual, int inChannels, int outChannels) {
			this(depth, baseWidth, normalization, residual, inChannels, outChannels, false);
		}

		public Config {
			if (depth < 0 || depth > 5) throw new IllegalArgumentException("depth: expected 0 to 5, got " + depth);
			if (baseWidth < 1 || baseWidth > 256) throw new IllegalArgumentException("base_width: expected 1 to 256, got " + baseWidth);
			if (normalization == null) throw new IllegalArgumentException("normalization: missing");
			if (inChannels < 1) throw new IllegalArgumentException("in_channels: expected at least 1, got " + inChannels);
			if (outChannels < 1) throw new IllegalArgumentException("out_channels: expected at least 1, got " + outChannels);
			if (residual && inChannels != outChannels)
				throw new IllegalArgumentException("residual: needs as many output as input channels, got " + inChannels + " in and " + outChannels + " out");
			if (blindSpotBase && (residual || inChannels != 1))
				throw new IllegalArgumentException("blind_spot_base: needs one input channel and no residual, got " + inChannels + " in, residual " + residual);
		}

		public Config withDepth(int d) {
			return new Config(d, baseWidth, normalization, residual, inChannels, outChannels, blindSpotBase);
		}

		public Config withBaseWidth(int w) {
			return new Config(depth, w, normalization, residual, inChannels, outChannels, blindSpotBase);
		}

		public Config withNormalization(Normalization n) {
			return new Config(depth, baseWidth, n, residual, inChannels, outChannels, blindSpotBase);
		}

		public Config withResidual(boolean r) {
			return new Config(depth, baseWidth, normalization, r, inChannels, outChannels, blindSpotBase);
		}

		public Config withBlindSpotBase(boolean b) {
			return new Config(depth, baseWidth, normalization, residual, inChannels, outChannels, b);
		}

		public Config withChannels(int in, int out) {
			return new Config(depth, baseWidth, normalization, residual, in, out, blindSpotBase);
		}

		/** The factor by which the deepest level is smaller: 2^depth. */
		public int stride() {
			return 1 << depth;
		}

		/** A stable text for model ids and descriptors. */
		public String describe() {
			return String.format(Locale.ROOT, "unet3d(depth=%d, base_width=%d, norm=%s, residual=%b, in=%d, out=%d)", depth, baseWidth,
				normalization.id(), residual, inChannels, outChannels) + (blindSpotBase ? "+blind_spot_base" : "");
		}
	}

	static final String TILE_TOO_SMALL = "tile_size: %d in dimension %d is too small for %s: it needs more than twice the halo "
		+ "(%d voxels per side for its receptive field), at least %d";

	/** Measured by `convkit bench ct` (README, CT bench): DJL's libtorch 2.7.1 gets Conv3d with 24 input channels wrong on CPU. */
	public static final String PYTORCH_CPU = "engine: DJL's PyTorch engine computes this 3-D U-Net wrongly on the CPU (its libtorch 2.7.1 gets "
		+ "Conv3d with 24 input channels wrong; README, CT bench); run CT networks on MXNet, the default (unset CONVKIT_ENGINE or "
		+ "-Dconvkit.engine)";

	private UNet3d() {}

	/** Refuses an engine and device known to compute the network wrongly, before any work. */
	public static void checkEngine(String engine, ai.djl.Device device) {
		if (engine.equals("PyTorch") && !device.isGpu()) throw new IllegalArgumentException(PYTORCH_CPU);
	}

	/** A fresh, uninitialised network. */
	public static Block build(Config config) {
		SequentialBlock net = new SequentialBlock().add(level(config, 0)).add(conv(config.outChannels(), 1, true));
		if (config.blindSpotBase()) return new ParallelBlock(list -> new NDList(addToFirst(list.get(0).singletonOrThrow(), list.get(1).singletonOrThrow())),
			List.of(net, LambdaBlock.singleton(UNet3d::neighbourMean, "neighbourMean")));
		if (!config.residual()) return net;
		return new ParallelBlock(list -> new NDList(list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow())),
			List.of(net, Blocks.identityBlock()));
	}

	private static Block level(Config c, int l) {
		int width = c.baseWidth() << l;
		if (l == c.depth()) return convs(c, width);
		Block down = new SequentialBlock()
			.add(Pool.maxPool3dBlock(new Shape(2, 2, 2), new Shape(2, 2, 2)))
			.add(level(c, l + 1))
			.add(LambdaBlock.singleton(UNet3d::upsample, "upsample"));
		return new SequentialBlock()
			.add(convs(c, width))
			.add(new ParallelBlock(list -> new NDList(NDArrays.concat(new NDList(list.get(0).singletonOrThrow(), list.get(1).singletonOrThrow()), 1)),
				List.of(Blocks.identityBlock(), down)))
			.add(convs(c, width));
	}

	private static Block convs(Config c, int width) {
		SequentialBlock block = new SequentialBlock();
		for (int i = 0; i < 2; i++) {
			block.add(conv(width, 3, c.normalization() == Normalization.NONE));
			switch (c.normalization()) {
				case BATCH -> block.add(BatchNorm.builder().build());
				case INSTANCE -> block.add(LambdaBlock.singleton(UNet3d::instanceNorm, "instanceNorm"));
				case NONE -> {}
			}
			block.add(Activation.reluBlock());
		}
		return block;
	}

	private static Block conv(int filters, int kernel, boolean bias) {
		return Conv3d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel, kernel))
			.optPadding(new Shape(kernel / 2, kernel / 2, kernel / 2)).optBias(bias).build();
	}

	/** The mean of each voxel's 26 neighbours (zeros beyond the border, as the convolutions pad), without the voxel itself. */
	static NDArray neighbourMean(NDArray x) {
		Shape three = new Shape(3, 3, 3);
		NDArray mean27 = Pool.avgPool3d(x, three, new Shape(1, 1, 1), new Shape(1, 1, 1), false, true);
		return mean27.mul(27f).sub(x).div(26f);
	}

	/** {@code out} with {@code base} added to its first channel. */
	private static NDArray addToFirst(NDArray out, NDArray base) {
		if (out.getShape().get(1) == 1) return out.add(base);
		NDArray first = out.get(new NDIndex().addAllDim().addSliceDim(0, 1)).add(base);
		return NDArrays.concat(new NDList(first, out.get(new NDIndex().addAllDim().addSliceDim(1, out.getShape().get(1)))), 1);
	}

	/** Nearest-neighbour upsampling by 2 along z, y and x. */
	public static NDArray upsample(NDArray x) {
		return x.repeat(2, 2).repeat(3, 2).repeat(4, 2);
	}

	/** Per sample and channel: zero mean, unit variance over the volume (no learned affine: the next convolution scales). */
	static NDArray instanceNorm(NDArray x) {
		NDArray mean = x.mean(new int[] {4}, true).mean(new int[] {3}, true).mean(new int[] {2}, true);
		NDArray centred = x.sub(mean);
		NDArray variance = centred.square().mean(new int[] {4}, true).mean(new int[] {3}, true).mean(new int[] {2}, true);
		return centred.div(variance.add(1e-5f).sqrt());
	}

	/** How far, per side, an input voxel can influence an output voxel (see the class comment). */
	public static long receptiveRadius(Config c) {
		long r = 2L << c.depth(); // the bottleneck's two convolutions
		for (int l = 0; l < c.depth(); l++)
			r += (2L << l) * 2 + (1L << l) * 2; // two convolutions down and two up, pooling and upsampling
		return r;
	}

	/** The context per side a tile needs: the receptive radius rounded up to a multiple of 2^depth. */
	public static long halo(Config c) {
		long s = c.stride();
		return (receptiveRadius(c) + s - 1) / s * s;
	}

	/** The smallest tile edge: twice the halo plus one 2^depth step of core. */
	public static long minimumTile(Config c) {
		return 2 * halo(c) + c.stride();
	}

	/**
	 * Refuses tile sizes (per spatial dimension, x y z order) that leave no core after the halo.
	 *
	 * @throws IllegalArgumentException naming the dimension, the halo and the smallest tile
	 */
	public static void checkTile(Config c, long... tile) {
		for (int d = 0; d < tile.length; d++)
			if (tile[d] < minimumTile(c))
				throw new IllegalArgumentException(String.format(Locale.ROOT, TILE_TOO_SMALL, tile[d], d, c.describe(), halo(c), minimumTile(c)));
	}

	/**
	 * Runs {@code network} on a batch {@code (B, C, z, y, x)} of any spatial size: pads each spatial
	 * axis at its end with zeros to a multiple of 2^depth and crops the result back.
	 */
	public static NDArray forward(UnaryOperator<NDArray> network, NDArray batch, Config c) {
		long[] shape = batch.getShape().getShape().clone();
		if (shape.length != 5) throw new IllegalArgumentException("expected a batch (B, C, z, y, x), got shape " + batch.getShape());
		long s = c.stride();
		NDArray padded = batch;
		boolean pad = false;
		for (int axis = 2; axis < 5; axis++) {
			long size = padded.getShape().get(axis), missing = (s - size % s) % s;
			if (missing == 0) continue;
			long[] zeros = padded.getShape().getShape().clone();
			zeros[axis] = missing;
			padded = padded.concat(padded.getManager().zeros(new Shape(zeros), padded.getDataType()), axis);
			pad = true;
		}
		NDArray out = network.apply(padded);
		return pad ? out.get(new NDIndex().addAllDim(2).addSliceDim(0, shape[2]).addSliceDim(0, shape[3]).addSliceDim(0, shape[4])) : out;
	}
}
