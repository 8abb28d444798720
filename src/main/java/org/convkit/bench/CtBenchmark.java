package org.convkit.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import net.imglib2.converter.Converters;
import net.imglib2.util.Intervals;
import org.convkit.core.runtime.BlockParameters;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.core.tensor.TileGrid;
import org.convkit.core.tensor.TiledProcessor;
import org.convkit.ct.denoise.Noise2Void;
import org.convkit.ct.net.Intensity;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;
import org.convkit.ct.train.VolumeTrainer;
import org.convkit.ct.segment.SegmentationObjective;
import org.convkit.ct.segment.Segmenter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;

/**
 * {@code convkit bench ct}: the CT denoiser's 3-D U-Net ({@link Noise2Void#NETWORK}, its default tile
 * {@link Noise2Void#DEFAULT_TILE}) on this engine, next to the same network with the same
 * (freshly initialised) weights in PyTorch (ct_reference.py):
 * <ul>
 * <li>tiled inference ({@link VolumeModel#apply}, batch 1) on a synthetic volume, in voxels/s, and the
 * network alone on the very tiles the tiler cut, against PyTorch on those tiles (outputs compared);</li>
 * <li>a Noise2Void training step (forward, backward, Adam) on {@link Noise2Void#TRAINING}'s patch and
 * batch, in voxels/s, against PyTorch's step on the same patches (first losses compared);</li>
 * <li>the network's ops one by one at the tile's shapes on both sides: where the time goes;</li>
 * <li>the segmenter ({@link Segmenter#NETWORK} with {@value #SEGMENT_CLASSES} classes, its default
 * tile): Segment Volume's path ({@link Segmenter#segment}: clip, normalise, tile, network, softmax,
 * labels) and the network alone on its tiles against PyTorch, and a training step of the
 * segmentation loss (cross-entropy + Dice) on {@link Segmenter#TRAINING}'s patch and batch.</li>
 * </ul>
 * The values of the volume do not change the work, so a seeded synthetic one serves.
 */
public final class CtBenchmark implements Benchmark {

	/** A slab that the default tile covers in 2 x 1 x 1 tiles (few, so that the bench is quick to rerun). */
	private static final int WIDTH = 96, HEIGHT = 48, DEPTH = 48;
	private static final UNet3d.Config NETWORK = Noise2Void.NETWORK;
	/** Noise variance of the probabilistic loss, in normalised units (about sigma 0.3 of the z-scored volume). */
	private static final float NOISE_VARIANCE = 0.1f;
	private static final int RUNS = 3;
	/** Background and five labels, as the TotalSegmentator evaluation trains. */
	static final int SEGMENT_CLASSES = 6;

	@Override
	public String name() {
		return "ct";
	}

	@Override
	public void run(PrintStream out) throws IOException {
		ConvKitRuntime runtime = ConvKitRuntime.get();
		out.println(Benchmark.header(this, runtime));
		Optional<PythonReference> reference = PythonReference.find(runtime, out);
		ArrayImg<FloatType, FloatArray> volume = syntheticVolume();
		int batch = Noise2Void.TRAINING.batchSize(), patch = Noise2Void.TRAINING.patchXY();
		Path folder = Files.createTempDirectory("convkit-ct-bench");
		int edge;
		try (Model model = Model.newInstance("ct-bench", runtime.device(), runtime.engine().getEngineName())) {
			model.setBlock(UNet3d.build(NETWORK));
			DefaultTrainingConfig training = new DefaultTrainingConfig(Loss.l2Loss())
				.optOptimizer(Adam.builder().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
				.optDevices(new Device[] {runtime.device()});
			Engine.getEngine(runtime.engine().getEngineName()).setRandomSeed(7);
			try (Trainer trainer = model.newTrainer(training)) {
				trainer.initialize(new Shape(batch, NETWORK.inChannels(), patch, patch, patch));
				ParameterFile.write(model.getBlock(), folder);
				VolumeModel network = new VolumeModel(NETWORK, VolumeModel.Task.DENOISE, Intensity.zscore(volume), Noise2Void.DEFAULT_TILE, null, null,
					BlockParameters.toBytes(model.getBlock()), NOISE_VARIANCE);
				edge = inference(runtime, network, volume, folder, reference, out);
				training(runtime, trainer, volume, batch, patch, folder, reference, out);
			}
			ops(runtime, edge, reference, out);
		}
		finally {
			TempFolders.delete(folder);
		}
		segmentation(runtime, volume, reference, out);
		out.println("  peak resident memory of this process: " + ProcessMemory.peakRss());
	}

	/** Returns the tiles' edge. */
	private static int inference(ConvKitRuntime runtime, VolumeModel network, ArrayImg<FloatType, FloatArray> volume, Path folder,
		Optional<PythonReference> reference, PrintStream out) throws IOException
	{
		return inference(runtime, network, volume, () -> network.apply(volume, network.tile(), 1), "Denoise Volume (normalise, tile, network, blend)", "ct",
			folder, reference, out);
	}

	/**
	 * A command's path over the volume ({@code path}, named {@code pathName}), then the network alone
	 * on the tiles it cuts, against PyTorch on those tiles; {@code key} starts the ratio lines' names.
	 * Returns the tiles' edge.
	 */
	private static int inference(ConvKitRuntime runtime, VolumeModel network, ArrayImg<FloatType, FloatArray> volume, Timing.Work path, String pathName,
		String key, Path folder, Optional<PythonReference> reference, PrintStream out) throws IOException
	{
		UNet3d.Config config = network.config();
		long tile = network.tile();
		double voxels = (double) WIDTH * HEIGHT * DEPTH;
		double whole;
		try {
			whole = Timing.medianSeconds(1, RUNS, path);
		}
		catch (IllegalArgumentException refused) { // the engine is known to compute the network wrongly: time the network alone
			out.println("    ConvKit Denoise Volume refused here: " + refused.getMessage());
			whole = Double.NaN;
		}
		float[][] tiles = tiles(network, volume, tile);
		int edge = (int) Math.round(Math.cbrt(tiles[0].length / (double) config.inChannels()));
		out.printf(Locale.ROOT, "  %s, tile %d (halo %d): %d tiles of %d^3 over %dx%dx%d%n", config.describe(), tile, network.overlap(), tiles.length, edge,
			WIDTH, HEIGHT, DEPTH);
		if (!Double.isNaN(whole)) {
			out.printf(Locale.ROOT, "    ConvKit %s, batch 1: %.3f s = %.0f voxels/s%n", pathName, whole, voxels / whole);
		}
		float[][] outputs = new float[tiles.length][];
		double net = Timing.medianSeconds(1, RUNS, () -> runtime.infer(network.spec(), session -> {
			for (int i = 0; i < tiles.length; i++) {
				NDArray x = session.manager().create(tiles[i], new Shape(1, config.inChannels(), edge, edge, edge));
				outputs[i] = UNet3d.forward(session::forward, x, config).toFloatArray();
			}
			return null;
		}));
		out.printf(Locale.ROOT, "    ConvKit network alone on those tiles: %.3f s = %.0f voxels/s of volume (%.0f%% of the whole)%n", net, voxels / net,
			100 * net / whole);
		if (reference.isEmpty()) return edge;
		Path in = folder.resolve("tiles.f32"), result = folder.resolve("outputs.f32");
		Float32Files.write(in, tiles);
		Map<String, String> torch = PythonReference.line(reference.get().run("ct_reference.py", arguments("infer", folder, config, in,
			tiles.length, edge, RUNS, result)), "seconds");
		double seconds = Double.parseDouble(torch.get("seconds"));
		out.printf(Locale.ROOT, "    %s network on the same tiles and weights: %.3f s = %.0f voxels/s (%s; %s threads; its peak RSS %s MB)%n",
			reference.get().label(), seconds, voxels / seconds, PythonReference.layouts(torch), torch.get("threads"), torch.get("peak_rss_mb"));
		float[] convKit = concat(outputs), torchOut = Float32Files.read(result);
		double difference = Float32Files.maxAbsDifference(convKit, torchOut), largest = Float32Files.maxAbsDifference(convKit, new float[convKit.length]);
		out.printf(Locale.ROOT, "    outputs: max |ConvKit - PyTorch| over %d values = %.2g (values up to %.3g)%s%n", convKit.length, difference, largest,
			difference > 1e-3 * Math.max(1, largest) ? "; NOT EQUAL: this engine computes the network differently (see README, Benchmarks, CT)" : "");
		out.println(Benchmark.ratio(key + " inference network " + edge + "^3 tiles batch 1", runtime, net, seconds));
		if (!Double.isNaN(whole)) out.println(Benchmark.ratio(key + " inference end to end vs PyTorch network", runtime, whole, seconds));
		return edge;
	}

	/** The network inputs of each tile (normalised, mirrored beyond the volume), cut by the tiler as {@link VolumeModel#apply} cuts them. */
	private static float[][] tiles(VolumeModel network, ArrayImg<FloatType, FloatArray> volume, long tile) {
		long h = network.overlap();
		RandomAccessibleInterval<FloatType> normalised = Converters.convert((RandomAccessibleInterval<FloatType>) volume,
			(a, b) -> b.set(network.intensity().forward(a.get())), new FloatType());
		TileGrid grid = new TiledProcessor(new long[] {tile, tile, tile}, new long[] {h, h, h}, 1, TileGrid.Sizing.FITTED).grid(normalised);
		List<float[]> tiles = new ArrayList<>();
		for (var t : grid.tiles()) {
			float[] values = new float[Math.toIntExact(Intervals.numElements(t.input()))];
			int i = 0;
			for (FloatType v : Views.flatIterable(Views.interval(Views.extendMirrorSingle(normalised), t.input()))) values[i++] = v.get();
			tiles.add(values);
		}
		return tiles.toArray(float[][]::new);
	}

	/**
	 * The median seconds of {@link #RUNS} training steps (after one untimed) on one batch: forward,
	 * the objective's loss, backward, the optimizer's update; each step's loss is added to {@code losses}.
	 */
	private static double timedSteps(Trainer trainer, VolumeTrainer.Objective objective, float[] x, float[] y, float[] w, Shape shape,
		List<Float> losses)
	{
		return Timing.medianSeconds(1, RUNS, () -> {
			try (NDManager m = trainer.getManager().newSubManager()) {
				try (GradientCollector collector = trainer.newGradientCollector()) {
					NDArray loss = objective.loss(trainer.forward(new NDList(m.create(x, shape))).singletonOrThrow(), m.create(y, shape), m.create(w, shape));
					collector.backward(loss);
					losses.add(loss.getFloat());
				}
				trainer.step();
			}
		});
	}

	private static void training(ConvKitRuntime runtime, Trainer trainer, ArrayImg<FloatType, FloatArray> volume, int batch, int patch, Path folder,
		Optional<PythonReference> reference, PrintStream out) throws IOException
	{
		Noise2Void objective = new Noise2Void().withNoiseVariance(NOISE_VARIANCE);
		int voxels = patch * patch * patch;
		float[] x = new float[batch * voxels], y = new float[batch * voxels], w = new float[batch * voxels];
		float[] cut = new float[voxels], one = new float[voxels], oneTarget = new float[voxels], oneWeight = new float[voxels];
		Intensity intensity = Intensity.zscore(volume);
		Random random = new Random(3);
		Patches source = new Patches(volume);
		for (int b = 0; b < batch; b++) {
			source.patch(cut, patch, random, intensity);
			objective.prepare(cut, new int[] {patch, patch, patch}, one, oneTarget, oneWeight, random);
			System.arraycopy(one, 0, x, b * voxels, voxels);
			System.arraycopy(oneTarget, 0, y, b * voxels, voxels);
			System.arraycopy(oneWeight, 0, w, b * voxels, voxels);
		}
		Shape shape = new Shape(batch, 1, patch, patch, patch);
		List<Float> losses = new ArrayList<>();
		double step = timedSteps(trainer, objective, x, y, w, shape, losses);
		double stepVoxels = (double) batch * voxels;
		out.printf(Locale.ROOT, "  training step (Noise2Void loss, backward, Adam), batch %d of %d^3 patches:%n", batch, patch);
		out.printf(Locale.ROOT, "    ConvKit: %.3f s = %.0f voxels/s%n", step, stepVoxels / step);
		if (reference.isEmpty()) return;
		Path xf = folder.resolve("x.f32"), yf = folder.resolve("y.f32"), wf = folder.resolve("w.f32");
		Float32Files.write(xf, x);
		Float32Files.write(yf, y);
		Float32Files.write(wf, w);
		Map<String, String> torch = PythonReference.line(reference.get().run("ct_reference.py", arguments("train", folder, NETWORK, batch, patch,
			NOISE_VARIANCE, xf, yf, wf, RUNS)), "seconds");
		double seconds = Double.parseDouble(torch.get("seconds"));
		out.printf(Locale.ROOT, "    %s: %.3f s = %.0f voxels/s (%s; %s threads; its peak RSS %s MB)%n", reference.get().label(), seconds, stepVoxels / seconds,
			PythonReference.layouts(torch), torch.get("threads"), torch.get("peak_rss_mb"));
		out.printf(Locale.ROOT, "    first loss (same weights and patches): ConvKit %.6g, PyTorch %s%n", losses.get(0), torch.get("first_loss"));
		out.println(Benchmark.ratio("ct training step batch " + batch + " " + patch + "^3", runtime, step, seconds));
	}

	/**
	 * The segmenter on this engine against PyTorch: Segment Volume's path and the network alone on its
	 * tiles (freshly initialised weights, written for the reference), then a training step of the
	 * segmentation loss on the trainer's default patch and batch (synthetic patches: smooth values,
	 * classes from their levels; the values do not change the work).
	 */
	private static void segmentation(ConvKitRuntime runtime, ArrayImg<FloatType, FloatArray> volume, Optional<PythonReference> reference, PrintStream out)
		throws IOException
	{
		UNet3d.Config net = Segmenter.NETWORK.withChannels(1, SEGMENT_CLASSES);
		VolumeTrainer.Config recipe = Segmenter.TRAINING;
		int batch = recipe.batchSize(), px = recipe.patchXY(), pz = recipe.patchZ();
		out.printf(Locale.ROOT, "  segmenter (Segment Volume, Train Segmenter), %d classes:%n", SEGMENT_CLASSES);
		Path folder = Files.createTempDirectory("convkit-ct-segment-bench");
		try (Model model = Model.newInstance("ct-segment-bench", runtime.device(), runtime.engine().getEngineName())) {
			model.setBlock(UNet3d.build(net));
			DefaultTrainingConfig training = new DefaultTrainingConfig(Loss.l2Loss())
				.optOptimizer(Adam.builder().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
				.optDevices(new Device[] {runtime.device()});
			Engine.getEngine(runtime.engine().getEngineName()).setRandomSeed(13);
			try (Trainer trainer = model.newTrainer(training)) {
				trainer.initialize(new Shape(batch, 1, pz, px, px));
				ParameterFile.write(model.getBlock(), folder);
				Properties labels = new Properties();
				labels.setProperty(Segmenter.LABEL_VALUES, "1,2,3,4,5");
				double[] spacing = {1, 1, 1};
				VolumeModel segmenter = new VolumeModel(net, VolumeModel.Task.SEGMENT, Intensity.zscore(volume), Math.max(Segmenter.DEFAULT_TILE,
					UNet3d.minimumTile(net)), spacing, labels, BlockParameters.toBytes(model.getBlock()));
				inference(runtime, segmenter, volume, () -> Segmenter.segment(volume, spacing, segmenter, segmenter.tile(), 1, false, "bench"),
					"Segment Volume (clip, normalise, tile, network, softmax, labels)", "ct segment", folder, reference, out);
				segmentationStep(trainer, net, batch, px, pz, folder, reference, out, runtime);
			}
		}
		finally {
			TempFolders.delete(folder);
		}
	}

	private static void segmentationStep(Trainer trainer, UNet3d.Config net, int batch, int px, int pz, Path folder, Optional<PythonReference> reference,
		PrintStream out, ConvKitRuntime runtime) throws IOException
	{
		int n = batch * pz * px * px;
		float[] x = new float[n], y = new float[n], w = new float[n];
		Random random = new Random(17);
		for (int i = 0; i < n; i++) {
			int xx = i % px, yy = i / px % px, zz = i / (px * px) % pz;
			x[i] = (float) (Math.sin(xx * 0.13) * Math.cos(yy * 0.09 + zz * 0.2) + 0.3 * random.nextGaussian());
			y[i] = Math.min(SEGMENT_CLASSES - 1, (int) ((x[i] + 1.5) / 3 * SEGMENT_CLASSES));
			if (y[i] < 0) y[i] = 0;
			w[i] = 1;
		}
		SegmentationObjective objective = new SegmentationObjective(SEGMENT_CLASSES);
		Shape shape = new Shape(batch, 1, pz, px, px);
		List<Float> losses = new ArrayList<>();
		double step = timedSteps(trainer, objective, x, y, w, shape, losses);
		out.printf(Locale.ROOT, "  segmenter training step (cross-entropy + Dice, backward, Adam), batch %d of %dx%dx%d patches:%n", batch, px, px, pz);
		out.printf(Locale.ROOT, "    ConvKit: %.3f s = %.0f voxels/s%n", step, n / step);
		if (reference.isEmpty()) return;
		Path xf = folder.resolve("sx.f32"), yf = folder.resolve("sy.f32");
		Float32Files.write(xf, x);
		Float32Files.write(yf, y);
		Map<String, String> torch = PythonReference.line(reference.get().run("ct_reference.py", arguments("train_segment", folder, net, batch, pz, px, px, xf,
			yf, RUNS)), "seconds");
		double seconds = Double.parseDouble(torch.get("seconds"));
		out.printf(Locale.ROOT, "    %s: %.3f s = %.0f voxels/s (%s; %s threads; its peak RSS %s MB)%n", reference.get().label(), seconds, n / seconds,
			PythonReference.layouts(torch), torch.get("threads"), torch.get("peak_rss_mb"));
		out.printf(Locale.ROOT, "    first loss (same weights and patches): ConvKit %.6g, PyTorch %s%n", losses.get(0), torch.get("first_loss"));
		out.println(Benchmark.ratio("ct segment training step batch " + batch + " " + px + "x" + px + "x" + pz, runtime, step, seconds));
	}

	/**
	 * The network's forward ops one by one, batch 1, at the shapes they have on a default tile (each
	 * with its count in the network): ConvKit through the engine-neutral ops the blocks call, PyTorch
	 * through torch.nn.functional in its faster layout. Each ConvKit op is waited for by reading one
	 * value back. The sum of the ops against the whole network's time shows what lies between them
	 * (on MXNet: reorders between MKL-DNN's blocked layouts and the plain one, allocation).
	 */
	private static void ops(ConvKitRuntime runtime, int edge, Optional<PythonReference> reference, PrintStream out) throws IOException {
		Map<String, Integer> specs = opSpecs(NETWORK, edge);
		Map<String, Double> convKit = new LinkedHashMap<>();
		try (NDManager manager = runtime.newManager()) {
			manager.getEngine().setRandomSeed(11);
			for (String spec : specs.keySet()) {
				try (NDManager m = manager.newSubManager()) {
					Op op = op(spec, m);
					convKit.put(spec, Timing.medianSeconds(1, RUNS, () -> {
						try (NDManager scratch = m.newSubManager()) {
							NDArray r = op.run();
							r.attach(scratch);
							r.get(new NDIndex("0,0,0,0,0")).getFloat();
						}
					}));
				}
			}
		}
		Map<String, Double> torch = new LinkedHashMap<>();
		Map<String, String> torchLayout = new LinkedHashMap<>();
		if (reference.isPresent()) {
			List<String> args = new ArrayList<>(List.of("ops", "" + RUNS));
			args.addAll(specs.keySet());
			for (String line : reference.get().run("ct_reference.py", args.toArray(String[]::new))) {
				Map<String, String> p = PythonReference.pairs(line);
				if (!p.containsKey("op")) continue;
				torch.put(p.get("op"), Double.parseDouble(p.get("seconds")));
				torchLayout.put(p.get("op"), p.get("layout"));
			}
		}
		out.printf(Locale.ROOT, "  where the time goes: the network's forward ops at a %d^3 tile, batch 1 (ms each; x count in the network)%n", edge);
		double sumK = 0, sumT = 0;
		for (Map.Entry<String, Integer> e : specs.entrySet()) {
			double k = convKit.get(e.getKey()) * 1e3, t = torch.getOrDefault(e.getKey(), Double.NaN) * 1e3;
			sumK += k * e.getValue();
			sumT += t * e.getValue();
			out.printf(Locale.ROOT, "    %-22s x%d  ConvKit %8.1f  PyTorch %8.1f (%s)  ratio %5.2f%n", e.getKey(), e.getValue(), k, t,
				torchLayout.getOrDefault(e.getKey(), "-"), k / t);
		}
		out.printf(Locale.ROOT, "    sum over the network: ConvKit %.0f ms, PyTorch %.0f ms%n", sumK, sumT);
	}

	/** Each distinct forward op of {@link UNet3d#build} at a tile edge, with how often it runs: "conv:CIN:COUT:K:EDGE", "pool:C:EDGE", ... */
	static Map<String, Integer> opSpecs(UNet3d.Config c, int edge) {
		Map<String, Integer> specs = new LinkedHashMap<>();
		for (int l = 0; l <= c.depth(); l++) {
			int width = c.baseWidth() << l, size = edge >> l, in = l == 0 ? c.inChannels() : width / 2;
			specs.merge("conv:" + in + ":" + width + ":3:" + size, 1, Integer::sum);
			specs.merge("conv:" + width + ":" + width + ":3:" + size, l == c.depth() ? 1 : 2, Integer::sum);
			specs.merge("relu:" + width + ":" + size, l == c.depth() ? 2 : 4, Integer::sum);
			if (l == c.depth()) continue;
			specs.merge("pool:" + width + ":" + size, 1, Integer::sum);
			specs.merge("up:" + 2 * width + ":" + size / 2, 1, Integer::sum);
			specs.merge("cat:" + width + ":" + 2 * width + ":" + size, 1, Integer::sum);
			specs.merge("conv:" + 3 * width + ":" + width + ":3:" + size, 1, Integer::sum);
		}
		specs.merge("conv:" + c.baseWidth() + ":" + c.outChannels() + ":1:" + edge, 1, Integer::sum);
		return specs;
	}

	@FunctionalInterface
	private interface Op {
		NDArray run();
	}

	/** An op of {@link #opSpecs} on random inputs, through the engine-neutral calls UNet3d's blocks make. */
	private static Op op(String spec, NDManager m) {
		String[] p = spec.split(":");
		int edge = Integer.parseInt(p[p.length - 1]);
		java.util.function.IntFunction<NDArray> volume = c -> m.randomUniform(0, 1, new Shape(1, c, edge, edge, edge));
		switch (p[0]) {
			case "conv" -> {
				int cin = Integer.parseInt(p[1]), cout = Integer.parseInt(p[2]), k = Integer.parseInt(p[3]);
				NDArray x = volume.apply(cin), w = m.randomUniform(0, 1, new Shape(cout, cin, k, k, k)), b = m.randomUniform(0, 1, new Shape(cout));
				Shape one = new Shape(1, 1, 1), pad = new Shape(k / 2, k / 2, k / 2);
				return () -> Conv3d.conv3d(x, w, b, one, pad, one, 1).singletonOrThrow();
			}
			case "pool" -> {
				NDArray x = volume.apply(Integer.parseInt(p[1]));
				return () -> Pool.maxPool3d(x, new Shape(2, 2, 2), new Shape(2, 2, 2), new Shape(0, 0, 0), false);
			}
			case "up" -> {
				NDArray x = volume.apply(Integer.parseInt(p[1]));
				return () -> UNet3d.upsample(x);
			}
			case "cat" -> {
				NDArray a = volume.apply(Integer.parseInt(p[1])), b = volume.apply(Integer.parseInt(p[2]));
				return () -> NDArrays.concat(new NDList(a, b), 1);
			}
			case "relu" -> {
				NDArray x = volume.apply(Integer.parseInt(p[1]));
				return () -> Activation.relu(x);
			}
			default -> throw new IllegalArgumentException("unknown op " + spec);
		}
	}

	/** The script's arguments as text; a network becomes "DEPTH WIDTH IN OUT BLIND_SPOT_BASE(0/1)". */
	private static String[] arguments(Object... parts) {
		List<String> args = new ArrayList<>();
		for (Object part : parts) {
			if (part instanceof UNet3d.Config c) args.addAll(List.of("" + c.depth(), "" + c.baseWidth(), "" + c.inChannels(), "" + c.outChannels(), c.blindSpotBase() ? "1" : "0"));
			else args.add(String.valueOf(part));
		}
		return args.toArray(String[]::new);
	}

	private static float[] concat(float[][] arrays) {
		int n = 0;
		for (float[] a : arrays) n += a.length;
		float[] all = new float[n];
		int at = 0;
		for (float[] a : arrays) {
			System.arraycopy(a, 0, all, at, a.length);
			at += a.length;
		}
		return all;
	}

	/** Smooth structures (CT-like values: a body of soft tissue with brighter and darker blobs) plus noise, seeded. */
	private static ArrayImg<FloatType, FloatArray> syntheticVolume() {
		ArrayImg<FloatType, FloatArray> volume = ArrayImgs.floats(WIDTH, HEIGHT, DEPTH);
		float[] v = volume.update(null).getCurrentStorageArray();
		Random random = new Random(5);
		for (int z = 0, i = 0; z < DEPTH; z++)
			for (int y = 0; y < HEIGHT; y++)
				for (int x = 0; x < WIDTH; x++, i++)
					v[i] = (float) (40 + 300 * Math.sin(x * 0.11) * Math.cos(y * 0.07 + z * 0.05) + 50 * random.nextGaussian());
		return volume;
	}

	/** Random patches of a volume, normalised, as the trainer samples them. */
	private record Patches(ArrayImg<FloatType, FloatArray> volume) {
		void patch(float[] into, int edge, Random random, Intensity intensity) {
			float[] v = volume.update(null).getCurrentStorageArray();
			int x0 = random.nextInt(WIDTH - edge + 1), y0 = random.nextInt(HEIGHT - edge + 1), z0 = random.nextInt(DEPTH - edge + 1);
			for (int z = 0, i = 0; z < edge; z++)
				for (int y = 0; y < edge; y++)
					for (int x = 0; x < edge; x++, i++)
						into[i] = intensity.forward(v[((z0 + z) * HEIGHT + y0 + y) * WIDTH + x0 + x]);
		}
	}
}
