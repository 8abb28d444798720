package org.convkit.ct.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import org.convkit.core.runtime.BlockParameters;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ct.net.Intensity;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CancellationException;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Trains a {@link UNet3d} on random patches of one or several single-channel volumes
 * {@code (x, y, z)} with a pluggable {@link Objective} (what the input, target and loss weights of
 * a patch are: Noise2Void masking for denoising).
 * <p>
 * Volumes are normalised ({@link Intensity}) and copied once into float arrays. Each volume gives
 * its last slabs along z ({@link Config#validationFraction}, in steps of 2^depth up to 4 slices) to
 * validation: training patches never reach into them, so validation voxels are never neighbours
 * of training voxels. Training patches are drawn uniformly, augmented (flips along x, y and z;
 * in-plane rotations by 90 degrees when the patch is square in x-y; small rotations about z and
 * scaling, resampled; an intensity scale and shift; each as the {@link Config} asks),
 * then passed to the objective. With label volumes (class indices 0..K-1, e.g. for segmentation),
 * label patches go through the same flips and rotations, and sampling is balanced between classes:
 * each patch is centred on a voxel of a class drawn uniformly from the classes present in the
 * training slabs (from up to {@value #CLASS_SAMPLES} positions per class), so a small structure is
 * seen as often as the background. The loss is the weighted mean squared error over voxels with
 * weight &gt; 0. Adam with a cosine learning-rate decay over all steps. After each epoch the
 * validation loss is measured on fixed patches (fixed masks) covering the validation slabs, and the
 * best epoch's parameters are kept in memory and restored at the end. Everything random comes
 * from the seed (patches, augmentation, masks, initialisation), so a run is reproducible on one
 * engine and thread count.
 */
public final class VolumeTrainer {

	/** Per patch: the network input, the target and the loss weight of each voxel. */
	public interface Objective {
		/**
		 * @param patch the augmented patch, (z, y, x) row-major, {@code shape = {z, y, x}}; not to be changed
		 * @param input receives the network input
		 * @param target receives the target
		 * @param weight receives the loss weight per voxel (0: not in the loss)
		 */
		void prepare(float[] patch, int[] shape, float[] input, float[] target, float[] weight, Random random);

		/**
		 * The same for training with a label volume ({@link VolumeTrainer#train(List, List, Intensity,
		 * VolumeModel.Task, long, double[], Listener)}): {@code labels} is the patch's class index per
		 * voxel, augmented with it. By default the labels are ignored.
		 */
		default void prepare(float[] patch, float[] labels, int[] shape, float[] input, float[] target, float[] weight, Random random) {
			prepare(patch, shape, input, target, weight, random);
		}

		/** A short description for the model's recipe. */
		String describe();

		/** The noise variance (normalised units) a model trained with this objective needs at inference; NaN: none. */
		default double noiseVariance() {
			return Double.NaN;
		}

		/** The loss of a batch (a scalar): by default the weighted mean squared error. */
		default NDArray loss(NDArray out, NDArray target, NDArray weight) {
			return weightedMse(out, target, weight);
		}

		/**
		 * Sums over one validation patch that {@link #validationLoss(double[])} turns into the loss of
		 * all patches together; by default the patch's loss times its weight, and the weight.
		 */
		default double[] validationSums(NDArray out, NDArray target, NDArray weight) {
			double w = weight.sum().getFloat();
			return new double[] {loss(out, target, weight).getFloat() * w, w};
		}

		/** The validation loss from the sums of all validation patches (added element-wise); by default the weighted mean loss. */
		default double validationLoss(double[] sums) {
			return sums[0] / Math.max(sums[1], 1e-6);
		}
	}

	/** Progress after each step; {@link #cancelled()} is asked before each step. */
	public interface Listener {
		void progress(Progress p);

		default boolean cancelled() {
			return false;
		}

		/** Called before member {@code index} (from 1) of an ensemble of {@code of} networks is trained. */
		default void member(int index, int of) {}
	}

	/**
	 * One step's figures: epoch and step (from 1), the step's loss, the mean training voxels per
	 * second so far, and the validation loss of the epoch when the step ends one (else NaN).
	 */
	public record Progress(int epoch, int step, int totalSteps, double loss, double voxelsPerSecond, double validationLoss) {
		@Override
		public String toString() {
			return String.format(Locale.ROOT, "epoch %d, step %d/%d: loss %.4f, %.0f voxels/s%s", epoch, step, totalSteps, loss, voxelsPerSecond,
				Double.isNaN(validationLoss) ? "" : String.format(Locale.ROOT, ", validation loss %.4f", validationLoss));
		}
	}

	/**
	 * Training settings. Patch edges are in voxels (x, y, z), rounded down to a multiple of 2^depth
	 * and to the volume; {@code scaleJitter}/{@code shiftJitter}: intensity augmentation, in
	 * normalised units (0: none); {@code tiltDegrees}/{@code zoomJitter}: each patch rotated about the
	 * z axis by up to that angle either way and scaled (all three axes alike) by up to that fraction,
	 * resampled linearly (labels: nearest), 0: none. Unlike flips and 90-degree turns, small angles
	 * and scales keep left and right and head and feet where they are: they vary a patient's posture
	 * and size, not the anatomy's orientation.
	 */
	public record Config(int patchXY, int patchZ, int batchSize, int epochs, int stepsPerEpoch, float learningRate, long seed,
		double validationFraction, boolean flips, boolean rotations, double scaleJitter, double shiftJitter, double tiltDegrees, double zoomJitter,
		double noise, float weightDecay, int patience, double warmUp)
	{
		/** Without noise, weight decay or early stopping. */
		public Config(int patchXY, int patchZ, int batchSize, int epochs, int stepsPerEpoch, float learningRate, long seed, double validationFraction,
			boolean flips, boolean rotations, double scaleJitter, double shiftJitter, double tiltDegrees, double zoomJitter)
		{
			this(patchXY, patchZ, batchSize, epochs, stepsPerEpoch, learningRate, seed, validationFraction, flips, rotations, scaleJitter, shiftJitter,
				tiltDegrees, zoomJitter, 0, 0, 0, 0);
		}

		/** Without small rotations and scaling. */
		public Config(int patchXY, int patchZ, int batchSize, int epochs, int stepsPerEpoch, float learningRate, long seed, double validationFraction,
			boolean flips, boolean rotations, double scaleJitter, double shiftJitter)
		{
			this(patchXY, patchZ, batchSize, epochs, stepsPerEpoch, learningRate, seed, validationFraction, flips, rotations, scaleJitter, shiftJitter, 0, 0);
		}

		public Config {
			if (patchXY < 4 || patchZ < 4) throw new IllegalArgumentException("patch_size: expected at least 4, got " + patchXY + " x " + patchZ);
			if (batchSize < 1) throw new IllegalArgumentException("batch_size: expected at least 1, got " + batchSize);
			if (epochs < 1) throw new IllegalArgumentException("epochs: expected at least 1, got " + epochs);
			if (stepsPerEpoch < 1) throw new IllegalArgumentException("steps_per_epoch: expected at least 1, got " + stepsPerEpoch);
			if (!(learningRate > 0)) throw new IllegalArgumentException("learning_rate: expected > 0, got " + learningRate);
			if (!(validationFraction >= 0 && validationFraction < 0.5))
				throw new IllegalArgumentException("validation_fraction: expected in [0, 0.5), got " + validationFraction);
			if (!(scaleJitter >= 0 && scaleJitter < 1)) throw new IllegalArgumentException("scale_jitter: expected in [0, 1), got " + scaleJitter);
			if (!(shiftJitter >= 0)) throw new IllegalArgumentException("shift_jitter: expected >= 0, got " + shiftJitter);
			if (!(tiltDegrees >= 0 && tiltDegrees <= 45)) throw new IllegalArgumentException("tilt_degrees: expected in [0, 45], got " + tiltDegrees);
			if (!(zoomJitter >= 0 && zoomJitter < 0.5)) throw new IllegalArgumentException("zoom_jitter: expected in [0, 0.5), got " + zoomJitter);
			if (!(noise >= 0 && noise <= 1)) throw new IllegalArgumentException(String.format(Locale.ROOT, BAD_NOISE, noise));
			if (!(weightDecay >= 0 && weightDecay <= 0.1)) throw new IllegalArgumentException(String.format(Locale.ROOT, BAD_WEIGHT_DECAY, weightDecay));
			if (patience < 0) throw new IllegalArgumentException(String.format(Locale.ROOT, BAD_PATIENCE, patience));
			if (!(warmUp >= 0 && warmUp < 1)) throw new IllegalArgumentException(String.format(Locale.ROOT, BAD_WARM_UP, warmUp));
		}

		public Config withEpochs(int e, int steps) {
			return with(f -> {
				f.epochs = e;
				f.stepsPerEpoch = steps;
			});
		}

		public Config withSeed(long s) {
			return with(f -> f.seed = s);
		}

		public Config withPatch(int xy, int z, int batch) {
			return with(f -> {
				f.patchXY = xy;
				f.patchZ = z;
				f.batchSize = batch;
			});
		}

		/** With or without the flips and in-plane rotations (intensity jitter stays). */
		public Config withGeometricAugmentation(boolean on) {
			return with(f -> {
				f.flips = on;
				f.rotations = on;
			});
		}

		/** With small rotations about z (up to {@code degrees} either way) and scaling (up to {@code zoom}); 0, 0: none. */
		public Config withTiltAndZoom(double degrees, double zoom) {
			return with(f -> {
				f.tiltDegrees = degrees;
				f.zoomJitter = zoom;
			});
		}

		public Config withLearningRate(float lr) {
			return with(f -> f.learningRate = lr);
		}

		/** With intensity jitter: scale by up to {@code scale} either way, shift by up to {@code shift} (normalised units). */
		public Config withIntensityJitter(double scale, double shift) {
			return with(f -> {
				f.scaleJitter = scale;
				f.shiftJitter = shift;
			});
		}

		/** With Gaussian noise of a std drawn per patch from [0, {@code std}] (normalised units); 0: none. */
		public Config withNoise(double std) {
			return with(f -> f.noise = std);
		}

		/** Holding out this fraction of each volume's last slices for validation; 0: none (every epoch trained, the last one kept). */
		public Config withValidationFraction(double fraction) {
			return with(f -> f.validationFraction = fraction);
		}

		/** With Adam's weight decay (an L2 term on the gradients); 0: none. */
		public Config withWeightDecay(float decay) {
			return with(f -> f.weightDecay = decay);
		}

		/**
		 * Keeping no epoch of the first {@code fraction} of the run as the best one (nor stopping
		 * early during it): 0: any epoch. The first epochs of a cosine schedule from a high learning
		 * rate have not learnt the structures, and on a validation slab of a few slices such a network
		 * (background everywhere) can score best: one fold kept its second epoch and segmented nothing.
		 */
		public Config withWarmUp(double fraction) {
			return with(f -> f.warmUp = fraction);
		}

		/** The first epoch that may be kept as the best (from 1). */
		int firstKept() {
			return (int) Math.floor(warmUp * epochs) + 1;
		}

		/** Stopping after {@code epochs} epochs without a better validation loss; 0: never. */
		public Config withPatience(int epochs) {
			return with(f -> f.patience = epochs);
		}

		/** A copy with the fields {@code change} sets (validated as any new configuration): the one place a copy lists every field. */
		private Config with(java.util.function.Consumer<Fields> change) {
			Fields f = new Fields(this);
			change.accept(f);
			return new Config(f.patchXY, f.patchZ, f.batchSize, f.epochs, f.stepsPerEpoch, f.learningRate, f.seed, f.validationFraction, f.flips,
				f.rotations, f.scaleJitter, f.shiftJitter, f.tiltDegrees, f.zoomJitter, f.noise, f.weightDecay, f.patience, f.warmUp);
		}

		/** The fields of a {@link Config} being copied, for {@link #with}. */
		private static final class Fields {
			int patchXY, patchZ, batchSize, epochs, stepsPerEpoch, patience;
			float learningRate, weightDecay;
			long seed;
			double validationFraction, scaleJitter, shiftJitter, tiltDegrees, zoomJitter, noise, warmUp;
			boolean flips, rotations;

			Fields(Config c) {
				patchXY = c.patchXY;
				patchZ = c.patchZ;
				batchSize = c.batchSize;
				epochs = c.epochs;
				stepsPerEpoch = c.stepsPerEpoch;
				learningRate = c.learningRate;
				seed = c.seed;
				validationFraction = c.validationFraction;
				flips = c.flips;
				rotations = c.rotations;
				scaleJitter = c.scaleJitter;
				shiftJitter = c.shiftJitter;
				tiltDegrees = c.tiltDegrees;
				zoomJitter = c.zoomJitter;
				noise = c.noise;
				weightDecay = c.weightDecay;
				patience = c.patience;
				warmUp = c.warmUp;
			}
		}

		void store(Properties p) {
			p.setProperty("recipe.patch", patchXY + "x" + patchXY + "x" + patchZ);
			p.setProperty("recipe.batch_size", String.valueOf(batchSize));
			p.setProperty("recipe.epochs", String.valueOf(epochs));
			p.setProperty("recipe.steps_per_epoch", String.valueOf(stepsPerEpoch));
			p.setProperty("recipe.learning_rate", String.valueOf(learningRate));
			p.setProperty("recipe.seed", String.valueOf(seed));
			p.setProperty("recipe.validation_fraction", String.valueOf(validationFraction));
			p.setProperty("recipe.augmentation", "flips=" + flips + ", rotations=" + rotations + ", scale=" + scaleJitter + ", shift=" + shiftJitter
				+ (tiltDegrees > 0 || zoomJitter > 0 ? ", tilt_degrees=" + tiltDegrees + ", zoom=" + zoomJitter : "") + (noise > 0 ? ", noise=" + noise : ""));
			if (weightDecay > 0) p.setProperty("recipe.weight_decay", String.valueOf(weightDecay));
			if (patience > 0) p.setProperty("recipe.patience", String.valueOf(patience));
			if (warmUp > 0) p.setProperty("recipe.warm_up", String.valueOf(warmUp));
		}
	}

	/** Recipe key: the epochs trained (fewer than {@link Config#epochs} when training stopped early). */
	public static final String EPOCHS_TRAINED = "recipe.epochs_trained";
	static final String BAD_NOISE = "noise: expected a noise std in [0, 1] (normalised units), got %s";
	static final String BAD_WEIGHT_DECAY = "weight_decay: expected in [0, 0.1], got %s";
	static final String BAD_WARM_UP = "warm_up: expected a fraction of the epochs in [0, 1), got %s";
	static final String BAD_PATIENCE = "patience: expected 0 (no early stopping) or a number of epochs, got %d";

	/** The trained model and its history. */
	public record Result(VolumeModel model, List<Double> validationLosses, int bestEpoch, double voxelsPerSecond, double seconds) {}

	/** Positions kept per class for balanced sampling (a random subset when a class has more voxels). */
	public static final int CLASS_SAMPLES = 100_000;

	/**
	 * A volume as the trainer reads it: normalised values, (z, y, x) row-major; with labels: the class
	 * index per voxel and, per class present in the training slabs, voxel positions to centre patches on.
	 */
	private record Data(float[] values, float[] labels, int[][] classPositions, int nx, int ny, int nz, int trainZ) {
		float at(int x, int y, int z) {
			return values[(z * ny + y) * nx + x];
		}

		float label(int x, int y, int z) {
			return labels[(z * ny + y) * nx + x];
		}
	}

	private final UNet3d.Config network;
	private final Config config;
	private final Objective objective;

	public VolumeTrainer(UNet3d.Config network, Config config, Objective objective) {
		if (network.inChannels() != 1) throw new IllegalArgumentException("in_channels: the volume trainer reads single-channel volumes, got " + network.inChannels());
		this.network = network;
		this.config = config;
		this.objective = objective;
	}

	/**
	 * Trains on the runtime's engine and device.
	 *
	 * @param volumes one or more {@code (x, y, z)} volumes
	 * @param intensity their normalisation (the same for all, stored with the model)
	 * @param task stored with the model
	 * @param tile the model's default tile edge
	 * @param spacing voxel spacing (x, y, z) of the volumes, stored with the model
	 * @throws CancellationException when the listener cancels
	 */
	public Result train(List<? extends RandomAccessibleInterval<? extends RealType<?>>> volumes, Intensity intensity, VolumeModel.Task task,
		long tile, double[] spacing, Listener listener)
	{
		ConvKitRuntime runtime = ConvKitRuntime.get();
		return train(volumes, intensity, task, tile, spacing, listener, runtime.engine().getEngineName(), runtime.device());
	}

	public Result train(List<? extends RandomAccessibleInterval<? extends RealType<?>>> volumes, Intensity intensity, VolumeModel.Task task,
		long tile, double[] spacing, Listener listener, String engine, Device device)
	{
		return train(volumes, null, intensity, task, tile, spacing, listener, engine, device);
	}

	/**
	 * Trains with a label volume per volume (class indices 0..K-1, same dimensions): label patches
	 * are augmented with the volume's and handed to {@link Objective#prepare(float[], float[], int[],
	 * float[], float[], float[], Random)}, and sampling is balanced between classes (see the class
	 * comment).
	 */
	public Result train(List<? extends RandomAccessibleInterval<? extends RealType<?>>> volumes,
		List<? extends RandomAccessibleInterval<? extends RealType<?>>> labels, Intensity intensity, VolumeModel.Task task, long tile, double[] spacing,
		Listener listener)
	{
		ConvKitRuntime runtime = ConvKitRuntime.get();
		return train(volumes, labels, intensity, task, tile, spacing, listener, runtime.engine().getEngineName(), runtime.device());
	}

	public Result train(List<? extends RandomAccessibleInterval<? extends RealType<?>>> volumes,
		List<? extends RandomAccessibleInterval<? extends RealType<?>>> labels, Intensity intensity, VolumeModel.Task task, long tile, double[] spacing,
		Listener listener, String engine, Device device)
	{
		if (volumes.isEmpty()) throw new IllegalArgumentException("volumes: expected at least one volume");
		if (labels != null && labels.size() != volumes.size())
			throw new IllegalArgumentException("labels: expected one label volume per volume, got " + labels.size() + " for " + volumes.size());
		int s = network.stride();
		List<Data> data = new ArrayList<>();
		int px = Integer.MAX_VALUE, pz = Integer.MAX_VALUE;
		Random positions = new Random(config.seed() + 2);
		for (int k = 0; k < volumes.size(); k++) {
			RandomAccessibleInterval<? extends RealType<?>> v = volumes.get(k);
			if (v.numDimensions() != 3) throw new IllegalArgumentException("volumes: expected (x, y, z) volumes, got " + v.numDimensions() + " dimensions");
			float[] values = copy(v, intensity);
			int nx = Math.toIntExact(v.dimension(0)), ny = Math.toIntExact(v.dimension(1)), nz = Math.toIntExact(v.dimension(2));
			int trainZ = nz - validationSlices(nz);
			float[] classes = null;
			int[][] classPositions = null;
			if (labels != null) {
				RandomAccessibleInterval<? extends RealType<?>> l = labels.get(k);
				if (!java.util.Arrays.equals(l.dimensionsAsLongArray(), v.dimensionsAsLongArray()))
					throw new IllegalArgumentException("labels: label volume " + (k + 1) + " is " + java.util.Arrays.toString(l.dimensionsAsLongArray())
						+ ", its volume " + java.util.Arrays.toString(v.dimensionsAsLongArray()));
				classes = copy(l, Intensity.NONE);
				classPositions = classPositions(classes, nx * ny * trainZ, positions);
			}
			Data d = new Data(values, classes, classPositions, nx, ny, nz, trainZ);
			data.add(d);
			px = Math.min(px, Math.min(d.nx, d.ny));
			pz = Math.min(pz, d.trainZ);
		}
		px = Math.min(config.patchXY(), px) / s * s;
		pz = Math.min(config.patchZ(), pz) / s * s;
		if (px < s || pz < s)
			throw new IllegalArgumentException("volumes: too small for training patches of at least " + s + " voxels per side (after the validation slabs)");
		int py = px, b = config.batchSize();
		Random random = new Random(config.seed());
		Engine.getEngine(engine).setRandomSeed((int) config.seed());
		List<float[][]> validation = validationPatches(data, px, new Random(config.seed() + 1));
		boolean labelled = labels != null;
		int totalSteps = config.epochs() * config.stepsPerEpoch();
		float lr = config.learningRate();
		Tracker cosine = n -> (float) (lr * 0.5 * (1 + Math.cos(Math.PI * Math.min(n, totalSteps) / totalSteps)));
		DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(Loss.l2Loss())
			.optOptimizer(Adam.builder().optLearningRateTracker(cosine).optWeightDecays(config.weightDecay()).build())
			.optDevices(new Device[] {device});
		UNet3d.checkEngine(engine, device);
		Model model = Model.newInstance(VolumeModel.ARCHITECTURE, device, engine);
		model.setBlock(UNet3d.build(network));
		int voxels = px * py * pz;
		float[] patch = new float[voxels], labelPatch = labelled ? new float[voxels] : null, input = new float[b * voxels], target = new float[b * voxels], weight = new float[b * voxels];
		float[] one = new float[voxels], oneTarget = new float[voxels], oneWeight = new float[voxels];
		int[] shape = {pz, py, px};
		List<Double> losses = new ArrayList<>();
		byte[] best = null;
		double bestLoss = Double.POSITIVE_INFINITY;
		int bestEpoch = 0, epochsTrained = 0;
		long trained = 0;
		long t0 = System.nanoTime();
		try (Trainer trainer = model.newTrainer(trainingConfig)) {
			trainer.initialize(new Shape(b, 1, pz, py, px));
			int step = 0;
			for (int epoch = 1; epoch <= config.epochs() && !stopEarly(epoch - 1, bestEpoch, best != null); epoch++) {
				for (int k = 0; k < config.stepsPerEpoch(); k++) {
					if (listener != null && listener.cancelled()) throw new CancellationException("training canceled at epoch " + epoch);
					for (int i = 0; i < b; i++) {
						sample(data, patch, labelPatch, px, pz, random);
						if (config.noise() > 0) addNoise(patch, config.noise() * random.nextDouble(), random);
						if (labelled) objective.prepare(patch, labelPatch, shape, one, oneTarget, oneWeight, random);
						else objective.prepare(patch, shape, one, oneTarget, oneWeight, random);
						System.arraycopy(one, 0, input, i * voxels, voxels);
						System.arraycopy(oneTarget, 0, target, i * voxels, voxels);
						System.arraycopy(oneWeight, 0, weight, i * voxels, voxels);
					}
					double loss;
					try (NDManager m = trainer.getManager().newSubManager()) {
						Shape batchShape = new Shape(b, 1, pz, py, px);
						NDArray x = m.create(input, batchShape), y = m.create(target, batchShape), w = m.create(weight, batchShape);
						try (GradientCollector collector = trainer.newGradientCollector()) {
							NDArray out = trainer.forward(new NDList(x)).singletonOrThrow();
							NDArray l = objective.loss(out, y, w);
							collector.backward(l);
							loss = l.getFloat();
						}
						trainer.step();
					}
					step++;
					trained += (long) b * voxels;
					double vps = trained / ((System.nanoTime() - t0) / 1e9);
					double val = Double.NaN;
					if (k == config.stepsPerEpoch() - 1 && !validation.isEmpty()) {
						val = validationLoss(model, validation);
						losses.add(val);
						if (epoch >= config.firstKept() && val < bestLoss) {
							bestLoss = val;
							bestEpoch = epoch;
							best = BlockParameters.toBytes(model.getBlock());
						}
					}
					if (listener != null) listener.progress(new Progress(epoch, step, totalSteps, loss, vps, val));
				}
				epochsTrained = epoch;
			}
		}
		catch (RuntimeException e) {
			model.close();
			throw e;
		}
		double seconds = (System.nanoTime() - t0) / 1e9;
		try (model) {
			if (best != null) BlockParameters.restore(model.getBlock(), model.getNDManager(), best);
			else bestEpoch = config.epochs();
			Properties recipe = new Properties();
			config.store(recipe);
			recipe.setProperty("recipe.objective", objective.describe());
			recipe.setProperty("recipe.best_epoch", String.valueOf(bestEpoch));
			recipe.setProperty(EPOCHS_TRAINED, String.valueOf(epochsTrained));
			recipe.setProperty("recipe.engine", engine);
			return new Result(new VolumeModel(network, task, intensity, tile, spacing, recipe, BlockParameters.toBytes(model.getBlock()), objective.noiseVariance()), losses, bestEpoch,
				trained / seconds, seconds);
		}
	}

	/**
	 * Whether to stop after {@code epoch} epochs: {@link Config#patience} epochs have passed since the
	 * best validation loss (never without validation, or with patience 0).
	 */
	boolean stopEarly(int epoch, int bestEpoch, boolean validated) {
		return config.patience() > 0 && validated && epoch - bestEpoch >= config.patience();
	}

	/** Adds Gaussian noise of {@code std} to every voxel: a scanner's noise differs with its dose, kernel and slice thickness. */
	static void addNoise(float[] patch, double std, Random random) {
		if (std == 0) return;
		for (int i = 0; i < patch.length; i++) patch[i] += (float) (std * random.nextGaussian());
	}

	/** Mean of {@code w * (out - y)^2} over the voxels with weight, i.e. sum / sum(w). */
	public static NDArray weightedMse(NDArray out, NDArray y, NDArray w) {
		return out.sub(y).square().mul(w).sum().div(w.sum().maximum(1e-6f));
	}

	private static float[] copy(RandomAccessibleInterval<? extends RealType<?>> v, Intensity intensity) {
		float[] values = new float[Math.toIntExact(Views.iterable(v).size())];
		int i = 0;
		for (RealType<?> t : Views.flatIterable(v)) values[i++] = intensity.forward(t.getRealFloat());
		return values;
	}

	/**
	 * Per class index (0..max), up to {@link #CLASS_SAMPLES} positions among the first {@code limit}
	 * voxels (the training slabs), a uniform random subset by reservoir sampling; null for a class
	 * absent there.
	 */
	static int[][] classPositions(float[] classes, int limit, Random random) {
		int max = 0;
		for (float c : classes) {
			if (c < 0 || c != Math.rint(c)) throw new IllegalArgumentException("labels: expected class indices 0, 1, 2, ..., got " + c);
			max = Math.max(max, (int) c);
		}
		int[][] kept = new int[max + 1][CLASS_SAMPLES];
		long[] seen = new long[max + 1];
		for (int i = 0; i < limit; i++) {
			int c = (int) classes[i];
			long n = seen[c]++;
			if (n < CLASS_SAMPLES) kept[c][(int) n] = i;
			else {
				long j = (long) (random.nextDouble() * (n + 1));
				if (j < CLASS_SAMPLES) kept[c][(int) j] = i;
			}
		}
		int[][] positions = new int[max + 1][];
		for (int c = 0; c <= max; c++) positions[c] = seen[c] == 0 ? null : java.util.Arrays.copyOf(kept[c], (int) Math.min(seen[c], CLASS_SAMPLES));
		return positions;
	}

	/**
	 * Validation slab thickness of a volume of nz slices (0 without validation): the fraction, in
	 * steps of the network's stride but at most {@value #VALIDATION_STEP} slices, at least two steps
	 * or a quarter of the volume. The step stops at 4: validation pads to the stride ({@link
	 * UNet3d#forward}), and a depth-3 network (stride 8) rounded a 20-slice volume's slab down to 0
	 * and lost its validation and best-epoch checkpoint.
	 */
	int validationSlices(int nz) {
		if (config.validationFraction() == 0) return 0;
		int s = Math.min(network.stride(), VALIDATION_STEP);
		int slab = (int) Math.round(config.validationFraction() * nz) / s * s;
		return Math.max(slab, Math.min(2 * s, nz / 4 / s * s));
	}

	/** The largest step of validation slabs (the stride of a depth-2 network). */
	static final int VALIDATION_STEP = 4;

	/**
	 * Fixed validation patches (input, target, weight and their shape) tiling each volume's last
	 * slabs (beyond its training range) in x-y, all of it: the last patch along an axis ends at the
	 * volume's edge (overlapping its neighbour), so a structure off the patch grid is validated too.
	 */
	private List<float[][]> validationPatches(List<Data> data, int px, Random random) {
		List<float[][]> patches = new ArrayList<>();
		for (int v = 0; v < data.size(); v++) {
			Data d = data.get(v);
			int z0 = d.trainZ, slab = d.nz - z0;
			if (slab <= 0) continue;
			int[] shape = {slab, px, px};
			int voxels = slab * px * px;
			for (int y0 : starts(d.ny, px)) {
				for (int x0 : starts(d.nx, px)) {
					float[] patch = new float[voxels], labels = d.labels == null ? null : new float[voxels];
					int i = 0;
					for (int z = 0; z < slab; z++)
						for (int y = 0; y < px; y++)
							for (int x = 0; x < px; x++) {
								if (labels != null) labels[i] = d.label(x0 + x, y0 + y, z0 + z);
								patch[i++] = d.at(x0 + x, y0 + y, z0 + z);
							}
					float[] input = new float[voxels], target = new float[voxels], weight = new float[voxels];
					if (labels != null) objective.prepare(patch, labels, shape, input, target, weight, random);
					else objective.prepare(patch, shape, input, target, weight, random);
					patches.add(new float[][] {input, target, weight, {slab, px, px}});
				}
			}
		}
		return patches;
	}

	/** Patch starts along an axis of n voxels: every {@code patch} voxels, the last one flush with the end. */
	static int[] starts(int n, int patch) {
		int count = (n - patch + patch - 1) / patch + 1;
		int[] starts = new int[count];
		for (int i = 0; i < count; i++) starts[i] = Math.min(i * patch, n - patch);
		return starts;
	}

	private double validationLoss(Model model, List<float[][]> patches) {
		double[] sums = null;
		for (float[][] p : patches) {
			try (NDManager m = model.getNDManager().newSubManager()) {
				Shape shape = new Shape(1, 1, (long) p[3][0], (long) p[3][1], (long) p[3][2]);
				NDArray x = m.create(p[0], shape), y = m.create(p[1], shape), w = m.create(p[2], shape);
				ParameterStore store = new ParameterStore(m, false);
				NDArray out = UNet3d.forward(a -> model.getBlock().forward(store, new NDList(a), false).singletonOrThrow(), x, network);
				double[] one = objective.validationSums(out, y, w);
				if (sums == null) sums = one;
				else for (int i = 0; i < sums.length; i++) sums[i] += one[i];
			}
		}
		return objective.validationLoss(sums);
	}

	/** Draws one augmented training patch (z, y, x) row-major, and its labels into {@code labels} when the volumes have them. */
	private void sample(List<Data> data, float[] patch, float[] labels, int px, int pz, Random random) {
		Data d = data.get(random.nextInt(data.size()));
		int x0, y0, z0;
		if (d.classPositions == null) {
			x0 = random.nextInt(d.nx - px + 1);
			y0 = random.nextInt(d.ny - px + 1);
			z0 = random.nextInt(d.trainZ - pz + 1);
		}
		else {
			// balanced: a class present in the training slabs, uniformly, then one of its voxels as the patch centre
			int present = 0;
			for (int[] p : d.classPositions) if (p != null) present++;
			int pick = random.nextInt(present), c = -1;
			while (pick >= 0) if (d.classPositions[++c] != null) pick--;
			int[] positions = d.classPositions[c];
			int at = positions[random.nextInt(positions.length)];
			x0 = clamp(at % d.nx - px / 2, d.nx - px);
			y0 = clamp(at / d.nx % d.ny - px / 2, d.ny - px);
			z0 = clamp(at / (d.nx * d.ny) - pz / 2, d.trainZ - pz);
		}
		boolean fx = config.flips() && random.nextBoolean(), fy = config.flips() && random.nextBoolean(), fz = config.flips() && random.nextBoolean();
		int rot = config.rotations() ? random.nextInt(4) : 0;
		float scale = (float) (1 + config.scaleJitter() * (2 * random.nextDouble() - 1));
		float shift = (float) (config.shiftJitter() * (2 * random.nextDouble() - 1));
		// drawn only when asked for, so that runs without them keep their random sequence
		double tilt = config.tiltDegrees() > 0 ? Math.toRadians(config.tiltDegrees() * (2 * random.nextDouble() - 1)) : 0;
		double zoom = config.zoomJitter() > 0 ? 1 + config.zoomJitter() * (2 * random.nextDouble() - 1) : 1;
		if (tilt != 0 || zoom != 1) {
			resampled(d, patch, labels, x0, y0, z0, px, pz, fx, fy, fz, rot, tilt, zoom, scale, shift);
			return;
		}
		int last = px - 1, i = 0;
		for (int z = 0; z < pz; z++) {
			int sz = z0 + (fz ? pz - 1 - z : z);
			for (int y = 0; y < px; y++) {
				for (int x = 0; x < px; x++) {
					long t = turned(x, y, last, rot, fx, fy);
					int rx = (int) (t >> 32), ry = (int) t;
					if (labels != null) labels[i] = d.label(x0 + rx, y0 + ry, sz);
					patch[i++] = d.at(x0 + rx, y0 + ry, sz) * scale + shift;
				}
			}
		}
	}

	/**
	 * Where voxel (x, y) of a patch reads from after {@code rot} quarter turns and the flips: x in the
	 * high 32 bits, y in the low (packed, so the per-voxel loops allocate nothing).
	 */
	private static long turned(int x, int y, int last, int rot, boolean fx, boolean fy) {
		int rx, ry;
		switch (rot) {
			case 1 -> { rx = y; ry = last - x; }
			case 2 -> { rx = last - x; ry = last - y; }
			case 3 -> { rx = last - y; ry = x; }
			default -> { rx = x; ry = y; }
		}
		if (fx) rx = last - rx;
		if (fy) ry = last - ry;
		return (long) rx << 32 | ry;
	}

	/**
	 * The patch at (x0, y0, z0) after its flips and turn (as {@link #sample}), rotated by {@code tilt}
	 * radians about the z axis through its centre and scaled by {@code zoom}: image values by
	 * trilinear interpolation, labels from the nearest voxel, positions beyond the volume or the
	 * training slabs clamped to their edge (never reading the validation slabs).
	 */
	private static void resampled(Data d, float[] patch, float[] labels, int x0, int y0, int z0, int px, int pz, boolean fx, boolean fy, boolean fz,
		int rot, double tilt, double zoom, float scale, float shift)
	{
		int last = px - 1, i = 0;
		double c = last / 2.0, cz = (pz - 1) / 2.0, cos = Math.cos(tilt) / zoom, sin = Math.sin(tilt) / zoom;
		for (int z = 0; z < pz; z++) {
			double sz = clamp(z0 + cz + ((fz ? pz - 1 - z : z) - cz) / zoom, d.trainZ - 1);
			for (int y = 0; y < px; y++) {
				for (int x = 0; x < px; x++) {
					long t = turned(x, y, last, rot, fx, fy);
					int rx = (int) (t >> 32), ry = (int) t;
					double sx = clamp(x0 + c + cos * (rx - c) - sin * (ry - c), d.nx - 1), sy = clamp(y0 + c + sin * (rx - c) + cos * (ry - c), d.ny - 1);
					if (labels != null) labels[i] = d.label((int) Math.round(sx), (int) Math.round(sy), (int) Math.round(sz));
					patch[i++] = linear(d, sx, sy, sz) * scale + shift;
				}
			}
		}
	}

	/** Trilinear interpolation at a position inside the training slabs (no neighbour beyond them is read). */
	private static float linear(Data d, double x, double y, double z) {
		int x0 = Math.max(0, Math.min((int) x, d.nx - 2)), y0 = Math.max(0, Math.min((int) y, d.ny - 2)), z0 = Math.max(0, Math.min((int) z, d.trainZ - 2));
		int x1 = Math.min(x0 + 1, d.nx - 1), y1 = Math.min(y0 + 1, d.ny - 1), z1 = Math.min(z0 + 1, d.trainZ - 1);
		double ax = x - x0, ay = y - y0, az = z - z0;
		double v00 = d.at(x0, y0, z0) * (1 - ax) + d.at(x1, y0, z0) * ax, v10 = d.at(x0, y1, z0) * (1 - ax) + d.at(x1, y1, z0) * ax;
		double v01 = d.at(x0, y0, z1) * (1 - ax) + d.at(x1, y0, z1) * ax, v11 = d.at(x0, y1, z1) * (1 - ax) + d.at(x1, y1, z1) * ax;
		return (float) (((v00 * (1 - ay) + v10 * ay) * (1 - az)) + (v01 * (1 - ay) + v11 * ay) * az);
	}

	private static double clamp(double v, double max) {
		return Math.max(0, Math.min(v, max));
	}

	private static int clamp(int v, int max) {
		return Math.max(0, Math.min(v, max));
	}

}
