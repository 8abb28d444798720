package org.convkit.ecg.beats;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import org.convkit.core.runtime.BlockParameters;
import org.convkit.core.runtime.ConvKitRuntime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains {@link BeatNet} on beats: Adam, the focal loss or the softmax cross-entropy, weighted per
 * class (inverse class frequency relative to the commonest class, capped), seeded shuffling and initialisation, optional
 * subsampling of N beats, synthetic premature beats and signal jitter (training data only), optional early
 * stopping on validation records. {@link BeatModel} saves and loads the result.
 */
public final class BeatTrainer {

	/**
	 * Training settings. {@code weightCap}: the largest class weight (1 = no weighting);
	 * {@code normalFraction}: the fraction of N beats kept (1 = all); {@code prematureFraction}: the
	 * fraction of N beats per batch turned into synthetic S beats (see {@link PrematureBeats});
	 * {@code networks}: networks in the ensemble, each trained with its own seed and N sample;
	 * {@code focalGamma}: the focal loss's gamma (0 = weighted cross-entropy, see {@link FocalLoss});
	 * {@code signalJitter}: the fraction of beats per batch given another patient's gain, baseline
	 * wander and noise (0 = off, see {@link SignalJitter}).
	 */
	public record Config(int epochs, int batchSize, float learningRate, long seed, double weightCap, double normalFraction,
		double prematureFraction, int networks, double focalGamma, double signalJitter) {
		// focal loss (gamma 2) with weights capped at 16: S Se 57 -> 65% on the MIT-BIH series split, jk kept (README)
		public static final Config DEFAULT = new Config(4, 64, 1e-3f, 42, 16, 0.6, 0.03, 3, 2, 0);

		public Config {
			if (epochs < 1) throw new IllegalArgumentException("epochs: expected at least 1, got " + epochs);
			if (batchSize < 2) throw new IllegalArgumentException("batchSize: expected at least 2, got " + batchSize);
			if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate: expected > 0, got " + learningRate);
			if (!(weightCap >= 1)) throw new IllegalArgumentException("weightCap: expected >= 1, got " + weightCap);
			if (!(normalFraction > 0 && normalFraction <= 1)) throw new IllegalArgumentException("normalFraction: expected in (0, 1], got " + normalFraction);
			if (!(prematureFraction >= 0 && prematureFraction < 1)) throw new IllegalArgumentException("prematureFraction: expected in [0, 1), got " + prematureFraction);
			if (networks < 1) throw new IllegalArgumentException("networks: expected at least 1, got " + networks);
			if (!(focalGamma >= 0 && focalGamma <= 5)) throw new IllegalArgumentException("focalGamma: expected in [0, 5], got " + focalGamma);
			if (!(signalJitter >= 0 && signalJitter <= 1)) throw new IllegalArgumentException(String.format(Locale.ROOT, SIGNAL_JITTER_RANGE, "signalJitter", signalJitter));
		}

		/** The message for a {@code signalJitter} outside [0, 1], with the parameter's name as the caller spells it. */
		public static final String SIGNAL_JITTER_RANGE = "%s: expected a fraction of beats in [0, 1], got %s";

		/** With the weighted cross-entropy ({@code focalGamma} 0) and no signal jitter. */
		public Config(int epochs, int batchSize, float learningRate, long seed, double weightCap, double normalFraction, double prematureFraction,
			int networks)
		{
			this(epochs, batchSize, learningRate, seed, weightCap, normalFraction, prematureFraction, networks, 0, 0);
		}

		public Config withEpochs(int e) {
			return new Config(e, batchSize, learningRate, seed, weightCap, normalFraction, prematureFraction, networks, focalGamma, signalJitter);
		}

		public Config withSeed(long s) {
			return new Config(epochs, batchSize, learningRate, s, weightCap, normalFraction, prematureFraction, networks, focalGamma, signalJitter);
		}

		public Config withNetworks(int m) {
			return new Config(epochs, batchSize, learningRate, seed, weightCap, normalFraction, prematureFraction, m, focalGamma, signalJitter);
		}

		public Config withFocalGamma(double gamma) {
			return new Config(epochs, batchSize, learningRate, seed, weightCap, normalFraction, prematureFraction, networks, gamma, signalJitter);
		}

		public Config withSignalJitter(double fraction) {
			return new Config(epochs, batchSize, learningRate, seed, weightCap, normalFraction, prematureFraction, networks, focalGamma, fraction);
		}
	}

	/**
	 * Per-epoch progress of one network of the ensemble (from 1): mean training loss, beats and seconds,
	 * and the validation records' accuracy and macro F1 (NaN without validation records).
	 */
	public record EpochLog(int network, int epoch, double loss, int beats, double seconds, double validationAccuracy, double validationMacroF1) {
		public double beatsPerSecond() {
			return beats / seconds;
		}

		@Override
		public String toString() {
			String v = Double.isNaN(validationAccuracy) ? ""
				: String.format(Locale.ROOT, "; validation accuracy %.2f%%, macro F1 %.2f%%", 100 * validationAccuracy, 100 * validationMacroF1);
			return String.format(Locale.ROOT, "network %d, epoch %d: loss %.4f, %d beats in %.1f s (%.0f beats/s)%s", network, epoch, loss, beats,
				seconds, beatsPerSecond(), v);
		}
	}

	private BeatTrainer() {}

	/** Trains a new model on the runtime's engine and device, for all epochs. */
	public static Model train(BeatDataset data, Config config, Consumer<EpochLog> progress) {
		return train(data, null, config, progress);
	}

	/**
	 * Trains a new model (an ensemble of {@code config.networks()} networks) on the runtime's engine
	 * and device. With validation beats (other patients' records; null for none), each network is
	 * the one after its epoch with the best validation macro F1 (early stopping by patient-wise
	 * validation).
	 */
	public static Model train(BeatDataset data, BeatDataset validation, Config config, Consumer<EpochLog> progress) {
		ConvKitRuntime runtime = ConvKitRuntime.get();
		return train(data, validation, config, runtime.engine().getEngineName(), runtime.device(), progress);
	}

	public static Model train(BeatDataset data, BeatDataset validation, Config config, String engine, Device device, Consumer<EpochLog> progress) {
		data = data.labelled(); // beats without a class cannot teach anything
		if (data.size() < 2) throw new IllegalArgumentException("data: expected at least 2 labelled beats, got " + data.size());
		if (config.networks() == 1) return trainNetwork(data, validation, config, 1, engine, device, progress);
		Model ensemble = BeatNet.newModel(config.networks(), engine, device);
		try {
			ensemble.getBlock().initialize(ensemble.getNDManager(), DataType.FLOAT32, BeatNet.inputShapes(1, data.length(), RrFeatures.CURRENT));
			for (int m = 0; m < config.networks(); m++) {
				// each member its own seed: its own initialisation, order, N sample and synthetic beats
				try (Model network = trainNetwork(data, validation, config.withSeed(config.seed() + MEMBER_SEED_STEP * m), m + 1, engine, device,
					progress))
				{
					BlockParameters.restore(BeatNet.member(ensemble.getBlock(), m), ensemble.getNDManager(), BlockParameters.toBytes(network.getBlock()));
				}
			}
			return ensemble;
		}
		catch (RuntimeException e) {
			ensemble.close();
			throw e;
		}
	}

	/** Seeds of successive ensemble members differ by this (cross-validation folds add 0, 1, 2, ... to the seed). */
	static final long MEMBER_SEED_STEP = 1000;

	/** Added to a network's seed for its {@link SignalJitter} stream. */
	private static final long JITTER_SEED = 0x5EED_0F_B1A5L;

	private static Model trainNetwork(BeatDataset data, BeatDataset validation, Config config, int network, String engine, Device device,
		Consumer<EpochLog> progress)
	{
		Random random = new Random(config.seed());
		data = subsampleNormal(data, config.normalFraction(), random);
		Engine.getEngine(engine).setRandomSeed((int) config.seed());
		float[] weights = classWeights(data.classCounts(), config.weightCap());
		PrematureBeats premature = new PrematureBeats(config.prematureFraction());
		SignalJitter jitter = new SignalJitter(config.signalJitter());
		// its own stream, so that turning it on leaves the order, the N sample and the synthetic S beats as they were
		Random jitterRandom = new Random(config.seed() + JITTER_SEED);
		Model model = BeatNet.newModel(engine, device);
		DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(config.focalGamma() > 0
			? new FocalLoss((float) config.focalGamma()) : Loss.softmaxCrossEntropyLoss("loss", 1f, -1, false, true))
			.optOptimizer(Adam.builder().optLearningRateTracker(Tracker.fixed(config.learningRate())).build())
			.optDevices(new Device[] {device});
		int n = data.size(), batch = Math.min(config.batchSize(), n);
		int[] order = new int[n];
		for (int i = 0; i < n; i++) order[i] = i;
		byte[] best = null;
		double bestF1 = Double.NEGATIVE_INFINITY;
		try (Trainer trainer = model.newTrainer(trainingConfig)) {
			trainer.initialize(BeatNet.inputShapes(batch, data.length(), RrFeatures.CURRENT));
			for (int epoch = 1; epoch <= config.epochs(); epoch++) {
				shuffle(order, random);
				long t0 = System.nanoTime();
				double lossSum = 0;
				int beats = 0;
				for (int from = 0; from < n; from += batch) {
					int to = Math.min(n, from + batch);
					if (to - from < 2) break; // BatchNorm needs two samples
					try (NDManager manager = trainer.getManager().newSubManager()) {
						BeatNet.Batch b = BeatNet.batch(data, order, from, to, RrFeatures.CURRENT);
						premature.apply(b, random);
						jitter.apply(b, jitterRandom);
						NDList inputs = BeatNet.inputs(manager, b);
						float[] labels = new float[b.size() * AamiClass.COUNT];
						for (int k = 0; k < b.size(); k++) {
							int c = b.labels()[k];
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
				double seconds = (System.nanoTime() - t0) / 1e9, accuracy = Double.NaN, macroF1 = Double.NaN;
				if (validation != null && validation.size() > 0) {
					BeatEvaluation e = BeatEvaluation.of(validation, predict(model, validation));
					accuracy = e.accuracy();
					macroF1 = e.macroF1();
					if (best == null || macroF1 > bestF1) {
						bestF1 = macroF1;
						best = BlockParameters.toBytes(model.getBlock());
					}
				}
				if (progress != null) progress.accept(new EpochLog(network, epoch, lossSum / Math.max(1, beats), beats, seconds, accuracy, macroF1));
			}
		}
		catch (RuntimeException e) {
			model.close();
			throw e;
		}
		if (best != null) {
			try {
				BlockParameters.restore(model.getBlock(), model.getNDManager(), best);
			}
			catch (RuntimeException e) {
				model.close();
				throw e;
			}
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

	/** Class probabilities (n x 5, row-major) of the beats, in batches, in inference mode, from a model this trainer made. */
	public static float[] probabilities(Model model, BeatDataset data, int batchSize) {
		return probabilities(model, data, batchSize, RrFeatures.CURRENT);
	}

	/** As {@link #probabilities(Model, BeatDataset, int)}, for a network that reads {@code features} (a saved model's own). */
	static float[] probabilities(Model model, BeatDataset data, int batchSize, RrFeatures features) {
		int n = data.size();
		float[] out = new float[n * AamiClass.COUNT];
		ai.djl.training.ParameterStore store = new ai.djl.training.ParameterStore(model.getNDManager(), false);
		for (int from = 0; from < n; from += batchSize) {
			int to = Math.min(n, from + batchSize);
			try (NDManager manager = model.getNDManager().newSubManager()) {
				NDList inputs = BeatNet.inputs(manager, data, from, to, features);
				NDArray logits = model.getBlock().forward(store, inputs, false).singletonOrThrow();
				float[] p = logits.softmax(1).toFloatArray();
				System.arraycopy(p, 0, out, from * AamiClass.COUNT, p.length);
			}
		}
		return out;
	}

	/** The most probable class index of each beat (in atrial fibrillation S counts for N: {@link DecisionBias#NONE}). */
	public static int[] predict(Model model, BeatDataset data) {
		return DecisionBias.NONE.classify(probabilities(model, data, 256), data);
	}
}
