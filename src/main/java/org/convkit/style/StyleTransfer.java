package org.convkit.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.core.runtime.MemoryGuard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CancellationException;

/**
 * Neural style transfer (Gatys et al. 2015): minimises J(G) over the pixels of G by gradient
 * descent, for one content image or for the frames of a movie, each frame starting from the
 * previous frame's result. Runs at the working size ({@link StyleOptions#size()}) on the runtime's
 * device; every iteration's arrays are released when it ends, so memory stays flat over iterations
 * and grows with the image size only (1024x1024 with the random network: see README).
 */
public final class StyleTransfer {

	/** Told after every iteration; may stop the run by throwing {@link CancellationException}. */
	@FunctionalInterface
	public interface Listener {
		void iteration(int frame, int iteration, int iterations, Losses losses);
	}

	/** An intermediate G: frame and iteration (0-based, after that many iterations), J's terms at it. */
	public record Snapshot(int frame, int iteration, Losses losses, ArrayImg<FloatType, FloatArray> image) {}

	/** The styled frames, the snapshots, and J per iteration of each frame (one more entry: the end). */
	public record Result(List<ArrayImg<FloatType, FloatArray>> frames, List<Snapshot> snapshots, List<List<Losses>> history, String network) {}

	private final ConvKitRuntime runtime;
	private final FeatureNetwork network;

	public StyleTransfer(ConvKitRuntime runtime, FeatureNetwork network) {
		this.runtime = runtime;
		this.network = network;
	}

	public Result run(List<? extends RandomAccessibleInterval<? extends RealType<?>>> contentFrames,
		RandomAccessibleInterval<? extends RealType<?>> style, StyleOptions options, Listener listener)
	{
		if (contentFrames.isEmpty()) throw new IllegalArgumentException("content: expected at least one image");
		contentFrames.forEach(frame -> RgbImages.check(frame, "content", 16));
		RgbImages.check(style, "style", 16);
		options.weights().checkLayers(network);
		int[] size = RgbImages.fitted(contentFrames.get(0).dimension(0), contentFrames.get(0).dimension(1), options.size());
		long styleLongest = options.size() > 0 ? options.size() : Math.max(size[0], size[1]);
		int[] styleSize = RgbImages.fitted(style.dimension(0), style.dimension(1), (int) styleLongest);
		checkMemory(size, styleSize, contentFrames.size(), options);
		ArrayImg<FloatType, FloatArray> styleImage = RgbImages.resize(style, styleSize[0], styleSize[1]);

		List<ArrayImg<FloatType, FloatArray>> frames = new ArrayList<>();
		List<Snapshot> snapshots = new ArrayList<>();
		List<List<Losses>> history = new ArrayList<>();
		ArrayImg<FloatType, FloatArray> previous = null;
		for (int f = 0; f < contentFrames.size(); f++) {
			ArrayImg<FloatType, FloatArray> content = RgbImages.resize(contentFrames.get(f), size[0], size[1]);
			ArrayImg<FloatType, FloatArray> contentIn = options.preserveColor() ? LuminanceTransfer.grey(content) : content;
			ArrayImg<FloatType, FloatArray> styleIn = options.preserveColor() ? LuminanceTransfer.matchedGrey(styleImage, content) : styleImage;
			List<Losses> losses = new ArrayList<>();
			ArrayImg<FloatType, FloatArray> result = frame(f, contentIn, styleIn, previous, options, listener, losses, snapshots);
			previous = result;
			frames.add(options.preserveColor() ? LuminanceTransfer.recombine(result, content) : result);
			history.add(losses);
		}
		return new Result(frames, snapshots, history, network.description());
	}

	private ArrayImg<FloatType, FloatArray> frame(int f, ArrayImg<FloatType, FloatArray> content, ArrayImg<FloatType, FloatArray> style,
		ArrayImg<FloatType, FloatArray> previous, StyleOptions options, Listener listener, List<Losses> losses, List<Snapshot> snapshots)
	{
		try (NDManager manager = runtime.newManager()) {
			NDArray c = RgbImages.toNDArray(content, manager);
			NDArray s = RgbImages.toNDArray(style, manager);
			NDArray start = previous != null ? RgbImages.toNDArray(previous, manager) : initial(c, options, manager);
			try (StyleObjective objective = new StyleObjective(network, options.weights(), c, s, manager);
				PixelOptimizer optimizer = options.optimizer() == StyleOptions.Optimizer.ADAM
					? new Adam(start, options.learningRate()) : new LbfgsOptimizer(start, options.learningRate()))
			{
				for (int i = 0; i < options.iterations(); i++) {
					if (Thread.currentThread().isInterrupted()) throw new CancellationException("interrupted at iteration " + i);
					boolean snapshot = options.snapshotEvery() > 0 && i > 0 && i % options.snapshotEvery() == 0;
					ArrayImg<FloatType, FloatArray> before = snapshot ? RgbImages.toImg(optimizer.current()) : null;
					Losses at = optimizer.step(objective); // J at G before this step
					losses.add(at);
					if (snapshot) snapshots.add(new Snapshot(f, i, at, before));
					listener.iteration(f, i + 1, options.iterations(), at);
				}
				Losses end = objective.losses(optimizer.current());
				losses.add(end);
				ArrayImg<FloatType, FloatArray> result = RgbImages.toImg(optimizer.current());
				if (options.snapshotEvery() > 0) snapshots.add(new Snapshot(f, options.iterations(), end, result));
				return result;
			}
		}
	}

	/** Refuses a size whose activations cannot fit, before any work (see {@link StyleMemory}). */
	private void checkMemory(int[] size, int[] styleSize, int frames, StyleOptions options) {
		long pixels = Math.max((long) size[0] * size[1], (long) styleSize[0] * styleSize[1]);
		int snapshots = options.snapshotEvery() > 0 ? frames * (options.iterations() / options.snapshotEvery() + 1) : 0;
		long longest = Math.max(Math.max(size[0], size[1]), Math.max(styleSize[0], styleSize[1]));
		MemoryGuard.check("size", String.format(Locale.ROOT, "style transfer at %dx%d with %s", size[0], size[1], network.description()),
			StyleMemory.nativeBytes(network, options.weights(), pixels), StyleMemory.heapBytes((long) size[0] * size[1], frames, snapshots),
			(physical, heap) -> "at most about " + StyleMemory.fittingEdge(network, options.weights(), longest, pixels, physical) + " fits");
	}

	/** G0: the content, uniform noise, or a mix (seeded, so runs repeat). */
	private static NDArray initial(NDArray content, StyleOptions options, NDManager manager) {
		if (options.init() == StyleOptions.Init.CONTENT) return content;
		Shape shape = content.getShape();
		float[] noise = new float[(int) shape.size()];
		Random random = new Random(options.seed());
		for (int i = 0; i < noise.length; i++) noise[i] = random.nextFloat();
		NDArray u = manager.create(noise, shape);
		if (options.init() == StyleOptions.Init.NOISE) return u;
		return content.mul((float) (1 - options.noiseRatio())).add(u.mul((float) options.noiseRatio()));
	}
}
