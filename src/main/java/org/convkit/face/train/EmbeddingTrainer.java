package org.convkit.face.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.google.gson.JsonObject;
import org.convkit.core.runtime.BlockParameters;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.face.FaceEncoder;
import org.convkit.face.LabelledFaces;
import org.convkit.face.PairRule;
import org.convkit.face.eval.VerificationEvaluation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;

/**
 * Trains a face embedding with the triplet loss ({@link TripletLoss}) on batches of P persons x K
 * images ({@link PersonBatches}) with the chosen {@link TripletMining}: from scratch
 * ({@link ScratchEmbeddingNet}) or by fine-tuning the pretrained 128-D network, optionally with its
 * first units frozen. Chips are flipped left-right at random (a mirrored face is the same person).
 * After every epoch the validation persons (never trained on) are encoded and their verification
 * accuracy at the best threshold measured; the epoch with the best one is kept, training stops
 * after {@code patience} epochs without improvement, and that epoch's threshold becomes the tau
 * the model recommends.
 */
public final class EmbeddingTrainer {

	/** The learning rates used when none is given: Adam from scratch, and small steps that keep the pretrained network's features. */
	public static final double SCRATCH_LEARNING_RATE = 1e-3, FINETUNE_LEARNING_RATE = 2e-5;

	/**
	 * Training settings.
	 *
	 * @param freezeUnits for fine-tuning: the first convolution and this many residual units (of 14) keep their pretrained weights
	 * @param patience epochs without a better validation accuracy before stopping (0: all epochs)
	 */
	public record Config(EmbeddingModel.Architecture architecture, TripletMining mining, double margin, int personsPerBatch, int imagesPerPerson,
		int epochs, double learningRate, String optimizer, long seed, int freezeUnits, int patience)
	{
		public Config {
			if (!(margin > 0)) throw new IllegalArgumentException("margin: expected a positive number, got " + margin);
			if (epochs < 1) throw new IllegalArgumentException("epochs: expected at least 1, got " + epochs);
			if (!(learningRate > 0)) throw new IllegalArgumentException("learning_rate: expected a positive number, got " + learningRate);
			if (!optimizer.equals("adam") && !optimizer.equals("sgd")) throw new IllegalArgumentException("optimizer: expected adam or sgd, got '" + optimizer + "'");
			if (freezeUnits < 0 || freezeUnits > 14) throw new IllegalArgumentException("freeze_units: expected 0 to 14, got " + freezeUnits);
			if (patience < 0) throw new IllegalArgumentException("patience: expected 0 or more, got " + patience);
		}

		JsonObject toJson() {
			JsonObject o = new JsonObject();
			o.addProperty("mode", architecture.key());
			o.addProperty("mining", mining.key());
			o.addProperty("margin", margin);
			o.addProperty("persons_per_batch", personsPerBatch);
			o.addProperty("images_per_person", imagesPerPerson);
			o.addProperty("epochs", epochs);
			o.addProperty("learning_rate", learningRate);
			o.addProperty("optimizer", optimizer);
			o.addProperty("seed", seed);
			o.addProperty("freeze_units", freezeUnits);
			o.addProperty("patience", patience);
			return o;
		}
	}

	/**
	 * One epoch: mean loss per mined triplet, the fraction of all the batches' triplets with a
	 * non-zero loss (what is left to learn), mined triplets, chips per second (forward + backward),
	 * and the validation accuracy and threshold (NaN without validation persons).
	 */
	public record EpochLog(int epoch, double loss, double activeFraction, long triplets, double chipsPerSecond, double tripletsPerSecond,
		double validationAccuracy, double validationTau)
	{
		@Override
		public String toString() {
			return String.format(Locale.ROOT, "epoch %d: loss %.4f per triplet, active triplets %.1f%%, %d triplets, %.1f chips/s%s", epoch, loss,
				100 * activeFraction, triplets, chipsPerSecond,
				Double.isNaN(validationAccuracy) ? "" : String.format(Locale.ROOT, "; validation accuracy %.4f at tau %.4f", validationAccuracy, validationTau));
		}
	}

	/** Told after every epoch; asked before every step whether to stop. */
	public interface Listener {
		void epoch(EpochLog log);

		default boolean cancelled() {
			return false;
		}
	}

	/** The trained model, the log, and the epoch kept. */
	public record Result(EmbeddingModel model, List<EpochLog> log, int bestEpoch) {}

	private final Config config;

	public EmbeddingTrainer(Config config) {
		this.config = config;
	}

	/** Validation needs pairs of different persons: none (tau from the training persons) or at least two. */
	public static final String ONE_VALIDATION_PERSON = "validation_persons: expected 0 or at least 2, got 1 (tau is chosen on pairs of different validation persons)";

	/** Trains on the shared runtime's engine and device. */
	public Result train(LabelledFaces training, LabelledFaces validation, Listener listener) throws IOException {
		ConvKitRuntime runtime = ConvKitRuntime.get();
		return train(training, validation, listener, runtime.engine().getEngineName(), runtime.device());
	}

	/**
	 * @param validation other persons than {@code training}'s, or null (then tau is chosen on the training persons)
	 * @throws CancellationException when the listener cancels
	 */
	public Result train(LabelledFaces training, LabelledFaces validation, Listener listener, String engine, Device device) throws IOException {
		if (training.names().size() < 2) throw new IllegalArgumentException("folder: expected at least 2 training persons, got " + training.names().size());
		if (validation != null) {
			if (validation.names().size() < 2) throw new IllegalArgumentException(ONE_VALIDATION_PERSON);
			for (String name : validation.names()) {
				if (training.chips().containsKey(name)) throw new IllegalArgumentException("validation: person '" + name + "' is also a training person");
			}
		}
		List<List<float[]>> chips = new ArrayList<>(training.chips().values());
		int[] counts = chips.stream().mapToInt(List::size).toArray();
		Random random = new Random(config.seed());
		PersonBatches batches = new PersonBatches(counts, config.personsPerBatch(), config.imagesPerPerson(), random);
		int chip = FaceEncoder.CHIP_SIZE, plane = chip * chip, size = 3 * plane;
		List<EpochLog> log = new ArrayList<>();
		byte[] best = null;
		double bestAccuracy = Double.NEGATIVE_INFINITY, bestTau = Double.NaN;
		int bestEpoch = 0;
		try (Model model = newModel(engine, device)) {
			try (Trainer trainer = newTrainer(model, device)) {
				for (int epoch = 1; epoch <= config.epochs(); epoch++) {
					long start = System.nanoTime(), triplets = 0, images = 0;
					double lossSum = 0, activeSum = 0;
					int steps = batches.batchesPerEpoch();
					for (int s = 0; s < steps; s++) {
						if (listener != null && listener.cancelled()) throw new CancellationException("training canceled at epoch " + epoch);
						PersonBatches.Batch batch = batches.next();
						float[] input = new float[batch.size() * size];
						for (int i = 0; i < batch.size(); i++) {
							float[] c = chips.get(batch.persons()[i]).get(batch.images()[i]);
							if (random.nextBoolean()) System.arraycopy(c, 0, input, i * size, size);
							else flip(c, input, i * size, chip);
						}
						Step done = step(trainer, input, batch.labels(), random);
						activeSum += done.activeFraction();
						lossSum += done.loss();
						triplets += done.triplets();
						images += batch.size();
					}
					double seconds = (System.nanoTime() - start) / 1e9;
					double accuracy = Double.NaN, tau = Double.NaN;
					if (validation != null) {
						double[] v = validate(model, validation);
						tau = v[0];
						accuracy = v[1];
						if (accuracy > bestAccuracy) {
							bestAccuracy = accuracy;
							bestTau = tau;
							bestEpoch = epoch;
							best = BlockParameters.toBytes(model.getBlock());
						}
					}
					EpochLog entry = new EpochLog(epoch, triplets == 0 ? 0 : lossSum / triplets, activeSum / steps, triplets, images / seconds,
						triplets / seconds, accuracy, tau);
					log.add(entry);
					if (listener != null) listener.epoch(entry);
					if (validation != null && config.patience() > 0 && epoch - bestEpoch >= config.patience()) break;
				}
			}
			if (best != null) BlockParameters.restore(model.getBlock(), model.getNDManager(), best);
			else {
				bestEpoch = log.size();
				bestTau = validate(model, training)[0]; // no validation persons: the training persons' best threshold
			}
			JsonObject recipe = config.toJson();
			recipe.addProperty("engine", engine);
			recipe.addProperty("training_persons", String.join(",", training.names()));
			recipe.addProperty("validation_persons", validation == null ? "" : String.join(",", validation.names()));
			recipe.addProperty("tau_chosen_on", validation == null ? "training persons (no validation persons)" : "validation persons");
			recipe.addProperty("best_epoch", bestEpoch);
			if (validation != null) recipe.addProperty("validation_accuracy", bestAccuracy);
			return new Result(new EmbeddingModel(config.architecture(), BlockParameters.toBytes(model.getBlock()), bestTau, recipe), log, bestEpoch);
		}
	}

	/** What one training step did: the summed loss of its triplets, their number, and the batch's active fraction. */
	public record Step(double loss, int triplets, double activeFraction) {}

	/**
	 * One training step on a batch: forward, the mining's triplets chosen on the embeddings' squared
	 * distances, the triplet loss, backward and the optimizer's update (none without triplets).
	 *
	 * @param input the batch's chips, (n, 3, 150, 150) row-major
	 * @param labels the person of each chip
	 */
	public Step step(Trainer trainer, float[] input, int[] labels, Random random) {
		int chip = FaceEncoder.CHIP_SIZE;
		try (NDManager manager = trainer.getManager().newSubManager()) {
			NDList x = new NDList(manager.create(input, new Shape(labels.length, 3, chip, chip)));
			List<Block> layers = trainer.getModel().getBlock().getChildren().values();
			int frozen = frozenLayers();
			// the frozen layers learn nothing: run them before recording, so autograd neither records nor walks back through them
			ParameterStore store = new ParameterStore(manager, false);
			for (int i = 0; i < frozen; i++) x = layers.get(i).forward(store, x, false);
			double loss = 0;
			List<int[]> chosen;
			double active;
			try (GradientCollector collector = trainer.newGradientCollector()) {
				NDList out = x;
				if (frozen == 0) out = trainer.forward(out);
				else for (int i = frozen; i < layers.size(); i++) out = layers.get(i).forward(store, out, true);
				NDArray embeddings = out.singletonOrThrow();
				float[] squared = TripletLoss.squaredDistances(embeddings.stopGradient()).toFloatArray();
				chosen = config.mining().select(squared, labels, config.margin(), random);
				active = TripletMining.activeFraction(squared, labels, config.margin());
				if (!chosen.isEmpty()) {
					NDArray j = TripletLoss.loss(embeddings, chosen, config.margin());
					collector.backward(j);
					loss = j.getFloat();
				}
			}
			if (!chosen.isEmpty()) trainer.step();
			return new Step(loss, chosen.size(), active);
		}
	}

	/**
	 * The network to train, initialised (random weights seeded by the config's seed, or the pretrained
	 * ones), with the frozen part of a fine-tuning frozen.
	 */
	public Model newModel(String engine, Device device) throws IOException {
		Engine.getEngine(engine).setRandomSeed((int) config.seed());
		Model model = EmbeddingModel.newModel(config.architecture(), engine, device);
		freeze(model.getBlock());
		return model;
	}

	/** A trainer of the model with the config's optimizer (the loss is {@link TripletLoss}, computed in {@link #step}). */
	public Trainer newTrainer(Model model, Device device) {
		Optimizer optimizer = config.optimizer().equals("adam")
			? Adam.builder().optLearningRateTracker(Tracker.fixed((float) config.learningRate())).build()
			: Optimizer.sgd().setLearningRateTracker(Tracker.fixed((float) config.learningRate())).optMomentum(0.9f).build();
		DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer).optDevices(new Device[] { device });
		Trainer trainer = model.newTrainer(trainingConfig);
		trainer.initialize(ScratchEmbeddingNet.inputShape(2));
		return trainer;
	}

	/** For fine-tuning: the first convolution (and what follows it up to the first unit) and the first units keep their weights. */
	private void freeze(Block block) {
		List<Block> children = block.getChildren().values();
		for (int i = 0; i < frozenLayers(); i++) children.get(i).freezeParameters(true);
	}

	/**
	 * How many of the network's top-level layers are frozen: for fine-tuning, conv32_down, max pool and
	 * relu, then {@code freezeUnits} of the 14 residual units (then global average and fc); none otherwise.
	 * None of them has batch norm or dropout, so they compute the same in training and inference mode.
	 */
	private int frozenLayers() {
		return config.architecture() == EmbeddingModel.Architecture.FINETUNE ? 3 + config.freezeUnits() : 0;
	}

	/** {best threshold, accuracy at it} of the persons' encodings by the model in inference mode. */
	private static double[] validate(Model model, LabelledFaces persons) {
		Map<String, List<float[]>> encodings = encode(model, persons);
		VerificationEvaluation e = VerificationEvaluation.of(VerificationEvaluation.allPairs(encodings, null, PairRule.distance(1)), 1);
		return new double[] { e.bestThreshold(), e.bestAccuracy() };
	}

	/** Encodings in inference mode (batch norm with its running statistics), in batches. */
	static Map<String, List<float[]>> encode(Model model, LabelledFaces persons) {
		int chip = FaceEncoder.CHIP_SIZE, size = 3 * chip * chip, d = FaceEncoder.DESCRIPTOR_SIZE;
		ParameterStore store = new ParameterStore(model.getNDManager(), false);
		Map<String, List<float[]>> encodings = new LinkedHashMap<>();
		for (Map.Entry<String, List<float[]>> person : persons.chips().entrySet()) {
			List<float[]> list = person.getValue(), out = new ArrayList<>();
			for (int from = 0; from < list.size(); from += FaceEncoder.BATCH_SIZE) {
				int to = Math.min(list.size(), from + FaceEncoder.BATCH_SIZE);
				float[] input = new float[(to - from) * size];
				for (int i = from; i < to; i++) System.arraycopy(list.get(i), 0, input, (i - from) * size, size);
				try (NDManager manager = model.getNDManager().newSubManager()) {
					NDArray x = manager.create(input, new Shape(to - from, 3, chip, chip));
					float[] e = model.getBlock().forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
					for (int i = 0; i < to - from; i++) out.add(java.util.Arrays.copyOfRange(e, i * d, (i + 1) * d));
				}
			}
			encodings.put(person.getKey(), out);
		}
		return encodings;
	}

	/** Copies a CHW chip mirrored left-right into {@code out} at {@code offset}. */
	private static void flip(float[] c, float[] out, int offset, int edge) {
		for (int row = 0; row < 3 * edge; row++) {
			int base = row * edge;
			for (int x = 0; x < edge; x++) out[offset + base + x] = c[base + edge - 1 - x];
		}
	}

	/** The default learning rate of an architecture. */
	public static double defaultLearningRate(EmbeddingModel.Architecture architecture) {
		return architecture == EmbeddingModel.Architecture.SCRATCH ? SCRATCH_LEARNING_RATE : FINETUNE_LEARNING_RATE;
	}
}
