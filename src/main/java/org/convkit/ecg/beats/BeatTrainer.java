package org.convkit.ecg.beats;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import org.convkit.core.runtime.ConvKitRuntime;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Trains {@link BeatNet} on beats: Adam, softmax cross-entropy weighted per class (inverse class
 * frequency relative to the commonest class, capped), seeded shuffling and initialisation, optional
 * subsampling of N beats (training data only). Saves and loads parameters in a folder, atomically.
 */
public final class BeatTrainer {

	/** Parameters file and the properties file saved with it. */
	public static final String PROPERTIES = "beatnet.properties";

	/**
	 * Training settings. {@code weightCap}: the largest class weight (1 = no weighting);
	 * {@code normalFraction}: the fraction of N beats kept (1 = all).
	 */
	public record Config(int epochs, int batchSize, float learningRate, long seed, double weightCap, double normalFraction) {
		public static final Config DEFAULT = new Config(4, 64, 1e-3f, 42, 20, 1);

		public Config {
			if (epochs < 1) throw new IllegalArgumentException("epochs: expected at least 1, got " + epochs);
			if (batchSize < 2) throw new IllegalArgumentException("batchSize: expected at least 2, got " + batchSize);
			if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate: expected > 0, got " + learningRate);
			if (!(weightCap >= 1)) throw new IllegalArgumentException("weightCap: expected >= 1, got " + weightCap);
			if (!(normalFraction > 0 && normalFraction <= 1)) throw new IllegalArgumentException("normalFraction: expected in (0, 1], got " + normalFraction);
		}

		public Config withEpochs(int e) {
			return new Config(e, batchSize, learningRate, seed, weightCap, normalFraction);
		}
	}

	/** Per-epoch progress: mean training loss, beats and seconds. */
	public record EpochLog(int epoch, double loss, int beats, double seconds) {
		public double beatsPerSecond() {
			return beats / seconds;
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "epoch %d: loss %.4f, %d beats in %.1f s (%.0f beats/s)", epoch, loss, beats, seconds, beatsPerSecond());
		}
	}

	private BeatTrainer() {}

	/** Trains a new model on the runtime's engine and device. */
	public static Model train(BeatDataset data, Config config, Consumer<EpochLog> progress) {
		ConvKitRuntime runtime = ConvKitRuntime.get();
		return train(data, config, runtime.engine().getEngineName(), runtime.device(), progress);
	}

	public static Model train(BeatDataset data, Config config, String engine, Device device, Consumer<EpochLog> progress) {
		if (data.size() < 2) throw new IllegalArgumentException("data: expected at least 2 beats, got " + data.size());
		Random random = new Random(config.seed());
		data = subsampleNormal(data, config.normalFraction(), random);
		Engine.getEngine(engine).setRandomSeed((int) config.seed());
		float[] weights = classWeights(data.classCounts(), config.weightCap());
		Model model = BeatNet.newModel(engine, device);
		DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss("loss", 1f, -1, false, true))
			.optOptimizer(Adam.builder().optLearningRateTracker(Tracker.fixed(config.learningRate())).build())
			.optDevices(new Device[] {device});
		int n = data.size(), batch = Math.min(config.batchSize(), n);
		int[] order = new int[n];
		for (int i = 0; i < n; i++) order[i] = i;
		try (Trainer trainer = model.newTrainer(trainingConfig)) {
			trainer.initialize(BeatNet.inputShapes(batch, data.length()));
			for (int epoch = 1; epoch <= config.epochs(); epoch++) {
				shuffle(order, random);
				long t0 = System.nanoTime();
				double lossSum = 0;
				int beats = 0;
				for (int from = 0; from < n; from += batch) {
					int to = Math.min(n, from + batch);
					if (to - from < 2) break; // BatchNorm needs two samples
					try (NDManager manager = trainer.getManager().newSubManager()) {
						NDList inputs = BeatNet.inputs(manager, data, order, from, to);
						float[] labels = new float[(to - from) * AamiClass.COUNT];
						for (int k = 0; k < to - from; k++) {
							int c = data.labelIndex(order[from + k]);
							labels[k * AamiClass.COUNT + c] = weights[c];
						}
						NDArray label = manager.create(labels, new Shape(to - from, AamiClass.COUNT));
						try (GradientCollector collector = trainer.newGradientCollector()) {
							NDList outputs = trainer.forward(inputs);
							NDArray loss = trainer.getLoss().evaluate(new NDList(label), outputs);
							collector.backward(loss);
							lossSum += loss.getFloat() * (to - from);
						}
						trainer.step();
					}
					beats += to - from;
				}
				if (progress != null) progress.accept(new EpochLog(epoch, lossSum / Math.max(1, beats), beats, (System.nanoTime() - t0) / 1e9));
			}
		}
		catch (RuntimeException e) {
			model.close();
			throw e;
		}
		return model;
	}

	/** Inverse class frequency relative to the commonest class, at most {@code cap}; 1 for absent classes. */
	public static float[] classWeights(int[] counts, double cap) {
		int max = 0;
		for (int c : counts) max = Math.max(max, c);
		float[] w = new float[counts.length];
		for (int c = 0; c < counts.length; c++) w[c] = counts[c] == 0 ? 1 : (float) Math.min(cap, (double) max / counts[c]);
		return w;
	}

	/** Keeps a seeded random fraction of the N beats and all others, in their original order. */
	static BeatDataset subsampleNormal(BeatDataset data, double fraction, Random random) {
		if (fraction >= 1) return data;
		List<Integer> keep = new ArrayList<>();
		for (int i = 0; i < data.size(); i++) {
			if (data.labelIndex(i) != AamiClass.N.ordinal() || random.nextDouble() < fraction) keep.add(i);
		}
		return data.subset(keep.stream().mapToInt(Integer::intValue).toArray());
	}

	private static void shuffle(int[] a, Random random) {
		for (int i = a.length - 1; i > 0; i--) {
			int j = random.nextInt(i + 1), t = a[i];
			a[i] = a[j];
			a[j] = t;
		}
	}

	/** Class probabilities (n x 5, row-major) of the beats, in batches, in inference mode. */
	public static float[] probabilities(Model model, BeatDataset data, int batchSize) {
		int n = data.size();
		float[] out = new float[n * AamiClass.COUNT];
		ai.djl.training.ParameterStore store = new ai.djl.training.ParameterStore(model.getNDManager(), false);
		for (int from = 0; from < n; from += batchSize) {
			int to = Math.min(n, from + batchSize);
			try (NDManager manager = model.getNDManager().newSubManager()) {
				NDList inputs = BeatNet.inputs(manager, data, null, from, to);
				NDArray logits = model.getBlock().forward(store, inputs, false).singletonOrThrow();
				float[] p = logits.softmax(1).toFloatArray();
				System.arraycopy(p, 0, out, from * AamiClass.COUNT, p.length);
			}
		}
		return out;
	}

	/** The most probable class index of each beat. */
	public static int[] predict(Model model, BeatDataset data) {
		float[] p = probabilities(model, data, 256);
		int[] classes = new int[data.size()];
		for (int i = 0; i < classes.length; i++) {
			int best = 0;
			for (int c = 1; c < AamiClass.COUNT; c++) if (p[i * AamiClass.COUNT + c] > p[i * AamiClass.COUNT + best]) best = c;
			classes[i] = best;
		}
		return classes;
	}

	/**
	 * Saves the model's parameters and window length into {@code folder}: written into a temporary
	 * sibling folder, then moved into place (replacing an older model only once the new one is
	 * complete).
	 */
	public static void save(Model model, int length, Path folder) throws IOException {
		Path target = folder.toAbsolutePath().normalize();
		Path parent = target.getParent();
		Files.createDirectories(parent);
		Path temporary = parent.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
		Path old = parent.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".old");
		try {
			Files.createDirectories(temporary);
			model.save(temporary, BeatNet.NAME);
			Properties properties = new Properties();
			properties.setProperty("length", String.valueOf(length));
			properties.setProperty("classes", "N,S,V,F,Q");
			try (var writer = Files.newBufferedWriter(temporary.resolve(PROPERTIES))) {
				properties.store(writer, "ConvKit ECG beat classifier (BeatNet)");
			}
			if (Files.exists(target)) move(target, old);
			move(temporary, target);
		}
		finally {
			deleteTree(temporary);
			deleteTree(old);
		}
	}

	/** Loads a model saved by {@link #save} on the runtime's engine and device. */
	public static Model load(Path folder) throws IOException {
		ConvKitRuntime runtime = ConvKitRuntime.get();
		return BeatNet.load(folder, length(folder), runtime.engine().getEngineName(), runtime.device());
	}

	/** The window length a saved model expects. */
	public static int length(Path folder) throws IOException {
		Properties properties = new Properties();
		try (var reader = Files.newBufferedReader(folder.resolve(PROPERTIES))) {
			properties.load(reader);
		}
		return Integer.parseInt(properties.getProperty("length"));
	}

	private static void move(Path from, Path to) throws IOException {
		try {
			Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (AtomicMoveNotSupportedException e) {
			Files.move(from, to);
		}
	}

	private static void deleteTree(Path path) throws IOException {
		if (!Files.exists(path)) return;
		try (Stream<Path> files = Files.walk(path)) {
			for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
		}
	}
}
