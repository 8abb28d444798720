package org.convkit.ecg.beats;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A small 1-D residual CNN for beat classification. Inputs: {@link #CHANNELS} signal channels
 * {@code (B, 3, 1, L)} and the RR features {@code (B, F)} ({@link RrFeatures}); output: logits {@code (B, 5)} in
 * {@link AamiClass} order.
 * <p>
 * The convolutions are 1-D (kernels 1 x k on a height-1 signal) but built as Conv2d: on MXNet with
 * MKL-DNN, a Conv1d followed by BatchNorm returns its weight gradient as an MKL-DNN view that
 * neither DJL's gradient check nor the optimizer can read ("Check failed: !is_view"); the 4-D path
 * trains normally. Same arithmetic, engine-neutral API.
 * <p>
 * Stem: conv k7 s2 (16) + BatchNorm + ReLU; three residual blocks (conv k3 + BN + ReLU + conv k3
 * + BN, plus a 1x1 strided projection; sum, ReLU) to 32, 64, 64 channels, each halving the length;
 * global average pooling; concatenation with the RR features after their own Linear 16 + ReLU;
 * Linear 32 + ReLU; Linear 5. About 50k parameters, so it trains on a CPU.
 * <p>
 * An ensemble ({@link #build(int)}) runs several such networks side by side and averages their
 * probabilities: networks trained with different seeds and N samples err on different beats of a
 * new patient, so the mean is steadier than any one of them.
 */
public final class BeatNet {

	static final String NAME = "beatnet";
	/**
	 * Input channels: the window, the window minus the record's median beat, and the window's first
	 * difference (scaled by {@link #SLOPE_SCALE}).
	 */
	public static final int CHANNELS = 3;
	static final float SLOPE_SCALE = 8;
	/** BatchNorm's epsilon (DJL's default), which {@link #fold} must use too. */
	static final float BN_EPSILON = 1e-5f;

	private BeatNet() {}

	/** A fresh, uninitialised network. */
	public static Block build() {
		return build(false);
	}

	/**
	 * A fresh, uninitialised network; {@code folded}: its inference form, each convolution with a bias
	 * and no BatchNorm after it (see {@link #fold}).
	 */
	static Block build(boolean folded) {
		return build(folded ? Form.FOLDED : Form.TRAINED);
	}

	/**
	 * What follows each convolution: a BatchNorm ({@code TRAINED}), nothing, the convolution
	 * having a bias ({@code FOLDED}, see {@link #fold}), or a {@link RecordNorm} ({@code RECORD}, see
	 * {@link RecordAdaptation}). The parameters of {@code TRAINED} are those of the file.
	 */
	enum Form { TRAINED, FOLDED, RECORD }

	private static Block build(Form form) {
		SequentialBlock trunk = new SequentialBlock()
			.add(new LambdaBlock(list -> new NDList(list.get(0)), "signal"))
			.add(conv(16, 7, 2, form));
		normalise(trunk, form)
			.add(Activation.reluBlock())
			.add(residual(16, 32, 2, form))
			.add(residual(32, 64, 2, form))
			.add(residual(64, 64, 2, form))
			.add(LambdaBlock.singleton(x -> x.mean(new int[] {3}).mean(new int[] {2}), "globalAverage")); // one axis at a time: PyTorch reduces one
		// The RR features get their own layer so that a handful of numbers are not drowned by 64 morphology channels.
		Block features = new SequentialBlock()
			.add(new LambdaBlock(list -> new NDList(list.get(1)), "rrFeatures"))
			.add(Linear.builder().setUnits(16).build())
			.add(Activation.reluBlock());
		ParallelBlock joined = new ParallelBlock(
			outputs -> new NDList(NDArrays.concat(new NDList(outputs.get(0).singletonOrThrow(), outputs.get(1).singletonOrThrow()), 1)),
			List.of(trunk, features));
		return new SequentialBlock()
			.add(joined)
			.add(Linear.builder().setUnits(32).build())
			.add(Activation.reluBlock())
			.add(Linear.builder().setUnits(AamiClass.COUNT).build());
	}

	/**
	 * {@code members} networks in parallel whose output is the log of their mean class
	 * probabilities (so its softmax is that mean); one member is the plain network.
	 */
	public static Block build(int members) {
		return build(members, Form.TRAINED);
	}

	static Block build(int members, Form form) {
		if (members < 1) throw new IllegalArgumentException("members: expected at least 1, got " + members);
		if (members == 1) return build(form);
		List<Block> networks = new ArrayList<>();
		for (int m = 0; m < members; m++) networks.add(build(form));
		return new ParallelBlock(outputs -> {
			NDArray sum = outputs.get(0).singletonOrThrow().softmax(1);
			for (int m = 1; m < outputs.size(); m++) sum = sum.add(outputs.get(m).singletonOrThrow().softmax(1));
			return new NDList(sum.div(outputs.size()).log());
		}, networks);
	}

	/** The number of networks in a block built by {@link #build(int)}. */
	static int members(Block block) {
		return block instanceof ParallelBlock ? block.getChildren().size() : 1;
	}

	/** Member {@code m} of a block built by {@link #build(int)}. */
	static Block member(Block ensemble, int m) {
		return ensemble instanceof ParallelBlock ? ensemble.getChildren().get(m).getValue() : ensemble;
	}

	/** The input shapes for a batch of {@code batch} windows of {@code length} samples. */
	public static Shape[] inputShapes(int batch, int length, RrFeatures features) {
		return new Shape[] {new Shape(batch, CHANNELS, 1, length), new Shape(batch, features.count())};
	}

	/** A new model holding a freshly built (uninitialised) network. */
	public static Model newModel(String engine, Device device) {
		return newModel(1, engine, device);
	}

	/** A new model holding a freshly built (uninitialised) ensemble of {@code members} networks. */
	public static Model newModel(int members, String engine, Device device) {
		Model model = Model.newInstance(NAME, device, engine);
		model.setBlock(build(members));
		return model;
	}

	/**
	 * A model of {@code members} networks with parameters read from a stream written by
	 * {@link Block#saveParameters} (see {@link BeatModel}); engine-neutral, so one file serves every engine and a resource inside the
	 * jar needs no temporary copy.
	 */
	public static Model load(InputStream parameters, int length, int members, RrFeatures features, String engine, Device device) throws IOException {
		Model model = newModel(members, engine, device);
		try {
			model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, inputShapes(1, length, features));
			model.getBlock().loadParameters(model.getNDManager(), new DataInputStream(new BufferedInputStream(parameters)));
			return model;
		}
		catch (IOException e) {
			model.close(); // a cut file: free the engine's arrays now, not at finalisation
			throw e;
		}
		catch (MalformedModelException | RuntimeException e) {
			model.close();
			throw new IOException("model: not a beat classifier of this version (" + e.getMessage() + ")", e);
		}
	}

	/**
	 * {@link #load}, then the network in its inference form ({@link #fold}): what the classifier runs.
	 * The same probabilities to float rounding, without the BatchNorm passes (on MXNet each is a pass
	 * over the activations, and with the residual sums most of the network's time outside the convolutions).
	 */
	public static Model loadFolded(InputStream parameters, int length, int members, RrFeatures features, String engine, Device device)
		throws IOException
	{
		try (Model trained = load(parameters, length, members, features, engine, device)) {
			return folded(trained, null, length, features);
		}
		catch (RuntimeException e) {
			throw new IOException("model: not a beat classifier of this version (" + e.getMessage() + ")", e);
		}
	}

	/**
	 * A new model: the inference form ({@link #fold}) of a network as trained, with its BatchNorms'
	 * running statistics or, given {@code statistics} (else null), with theirs.
	 */
	static Model folded(Model trained, List<RecordNorm> statistics, int length, RrFeatures features) {
		Model folded = Model.newInstance(NAME, trained.getNDManager().getDevice(), trained.getNDManager().getEngine().getEngineName());
		try {
			folded.setBlock(build(members(trained.getBlock()), Form.FOLDED));
			folded.getBlock().initialize(folded.getNDManager(), DataType.FLOAT32, inputShapes(1, length, features));
			fold(trained.getBlock(), folded.getBlock(), statistics);
			return folded;
		}
		catch (RuntimeException e) {
			folded.close();
			throw e;
		}
	}

	/**
	 * Sets the parameters of {@code folded} (built by {@code build(members, true)}, initialised) from
	 * the trained network: BatchNorm at inference is {@code y = gamma (x - mean) / sqrt(var + eps) + beta},
	 * an affine map per channel, so it folds into the convolution before it as weight {@code w * s} and
	 * bias {@code beta - mean * s}, with {@code s = gamma / sqrt(var + eps)}; Linear layers are copied.
	 */
	static void fold(Block trained, Block folded) {
		fold(trained, folded, null);
	}

	/**
	 * {@link #fold(Block, Block)} with the means and variances of these {@link RecordNorm}s (null: the
	 * running statistics), in order. In Java arrays (a few thousand numbers), so that folding leaves
	 * nothing in the trained network's manager, which may be the runtime's cached model.
	 */
	private static void fold(Block trained, Block folded, List<RecordNorm> statistics) {
		List<Parameter> from = trained.getParameters().values(), to = folded.getParameters().values();
		int j = 0, norm = 0;
		for (int i = 0; i < from.size(); i++, j++) {
			float[] value = from.get(i).getArray().toFloatArray();
			if (from.get(i).getArray().getShape().dimension() == 4) {
				float[] gamma = arrayOf(from, ++i, "gamma"), beta = arrayOf(from, ++i, "beta"), mean = arrayOf(from, ++i, "runningMean"),
					variance = arrayOf(from, ++i, "runningVar");
				if (statistics != null) {
					RecordNorm n = statistics.get(norm++);
					mean = n.mean();
					variance = n.variance();
				}
				int channels = gamma.length, per = value.length / channels;
				float[] bias = new float[channels];
				for (int c = 0; c < channels; c++) {
					float scale = gamma[c] / (float) Math.sqrt(variance[c] + BN_EPSILON);
					for (int k = 0; k < per; k++) value[c * per + k] *= scale;
					bias[c] = beta[c] - mean[c] * scale;
				}
				set(to.get(j++), value);
				set(to.get(j), bias);
			}
			else set(to.get(j), value);
		}
		if (j != to.size()) throw new IllegalStateException("folding left " + (to.size() - j) + " parameters unset");
		if (statistics != null && norm != statistics.size()) throw new IllegalStateException("folding used " + norm + " of " + statistics.size() + " statistics");
	}

	/**
	 * Sets a network built in {@link Form#RECORD} from the trained one: its convolutions and Linear
	 * layers take the trained parameters, its {@link RecordNorm}s (returned, in order) the BatchNorms'.
	 */
	static List<RecordNorm> loadRecordForm(Block trained, Block record) {
		List<Parameter> from = trained.getParameters().values(), to = record.getParameters().values();
		List<RecordNorm> norms = new ArrayList<>();
		collect(record, norms);
		int j = 0, norm = 0;
		for (int i = 0; i < from.size(); i++, j++) {
			set(to.get(j), from.get(i).getArray().toFloatArray());
			if (from.get(i).getArray().getShape().dimension() == 4) {
				norms.get(norm++).set(arrayOf(from, ++i, "gamma"), arrayOf(from, ++i, "beta"), arrayOf(from, ++i, "runningMean"),
					arrayOf(from, ++i, "runningVar"));
			}
		}
		if (j != to.size() || norm != norms.size()) throw new IllegalStateException("the record form's parameters do not match the trained network's");
		return norms;
	}

	/** The {@link RecordNorm}s of a block, depth first: the order of the BatchNorms' parameters in the trained network. */
	private static void collect(Block block, List<RecordNorm> norms) {
		if (block instanceof RecordNorm n) norms.add(n);
		for (Block child : block.getChildren().values()) collect(child, norms);
	}

	private static float[] arrayOf(List<Parameter> parameters, int i, String name) {
		Parameter p = parameters.get(i);
		if (!p.getName().equals(name)) throw new IllegalStateException("expected a BatchNorm's " + name + " after a convolution, got " + p.getName());
		return p.getArray().toFloatArray();
	}

	private static void set(Parameter into, float[] value) {
		if (into.getArray().getShape().size() != value.length) {
			throw new IllegalStateException(into.getName() + ": shape " + into.getArray().getShape() + ", " + value.length + " values");
		}
		into.getArray().set(value);
	}

	/**
	 * A batch as the network reads it: {@code signal} is (b, {@link #CHANNELS}, 1, length) row-major,
	 * {@code rr} the beats' raw values (b, {@link BeatDataset#RR_VALUES}; augmentation changes them),
	 * {@code labels} class ordinals. Public so that the benchmark gives a reference implementation the
	 * very inputs ConvKit's network reads.
	 */
	public record Batch(int size, int length, RrFeatures set, float[] signal, float[] rr, int[] labels) {
		/** The network's RR features, (b, {@code set.count()}), from the raw values as they are now. */
		public float[] features() {
			float[] f = new float[size * set.count()];
			for (int k = 0; k < size; k++) set.compute(rr, k * BeatDataset.RR_VALUES, f, k * set.count());
			return f;
		}
	}

	/** The batch of beats {@code from} (inclusive) to {@code to} of an index list (null: in order). */
	public static Batch batch(BeatDataset data, int[] order, int from, int to, RrFeatures set) {
		int b = to - from, len = data.length();
		float[] w = new float[b * CHANNELS * len], rr = new float[b * BeatDataset.RR_VALUES];
		int[] labels = new int[b];
		for (int k = 0; k < b; k++) {
			int i = order == null ? from + k : order[from + k];
			int at = k * CHANNELS * len;
			data.window(i, w, at);
			data.residual(i, w, at + len);
			slope(w, at, len);
			data.rr(i, rr, k * BeatDataset.RR_VALUES);
			labels[k] = data.labelIndex(i);
		}
		return new Batch(b, len, set, w, rr, labels);
	}

	/** The slope channel of the beat whose three channels start at {@code at}, from its window channel (the last sample stays). */
	static void slope(float[] signal, int at, int len) {
		for (int j = 0; j < len - 1; j++) signal[at + 2 * len + j] = SLOPE_SCALE * (signal[at + j + 1] - signal[at + j]);
	}

	static NDList inputs(NDManager manager, Batch batch) {
		NDArray signal = manager.create(batch.signal(), new Shape(batch.size(), CHANNELS, 1, batch.length()));
		NDArray features = manager.create(batch.features(), new Shape(batch.size(), batch.set().count()));
		return new NDList(signal, features);
	}

	/** The network inputs for beats {@code from} (inclusive) to {@code to}, in order. */
	static NDList inputs(NDManager manager, BeatDataset data, int from, int to, RrFeatures set) {
		return inputs(manager, batch(data, null, from, to, set));
	}

	/** A 1 x k convolution; folded: with the bias that takes the BatchNorm's shift. */
	private static Block conv(int filters, int kernel, int stride, Form form) {
		return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(1, kernel)).optStride(new Shape(1, stride))
			.optPadding(new Shape(0, kernel / 2)).optBias(form == Form.FOLDED).build();
	}

	/**
	 * Adds the BatchNorm after the convolution just added, unless it is folded into it. (Added to the
	 * same sequence, not nested: the block tree is the parameter file's format.)
	 */
	private static SequentialBlock normalise(SequentialBlock block, Form form) {
		return switch (form) {
			case TRAINED -> block.add(BatchNorm.builder().optEpsilon(BN_EPSILON).build());
			case FOLDED -> block;
			case RECORD -> block.add(new RecordNorm());
		};
	}

	private static Block residual(int in, int out, int stride, Form form) {
		SequentialBlock main = normalise(new SequentialBlock().add(conv(out, 3, stride, form)), form).add(Activation.reluBlock());
		normalise(main.add(conv(out, 3, 1, form)), form);
		Block shortcut = in == out && stride == 1 ? Blocks.identityBlock() : normalise(new SequentialBlock().add(conv(out, 1, stride, form)), form);
		return new SequentialBlock()
			.add(new ParallelBlock(list -> new NDList(list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow())),
				List.of(main, shortcut)))
			.add(Activation.reluBlock());
	}
}
