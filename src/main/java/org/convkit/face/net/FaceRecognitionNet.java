package org.convkit.face.net;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.convkit.core.runtime.ModelSpec;
import org.convkit.face.model.TfjsWeights;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * face-api.js's face recognition network (dlib's ResNet, {@code dlib_face_recognition_resnet_model_v1})
 * rebuilt as DJL blocks with face-api's shipped weights. Input: float32 {@code (B, 3, 150, 150)}, RGB
 * values 0..255 (the network subtracts the mean colour and divides by 255 itself, as face-api does);
 * output: {@code (B, 128)} descriptors.
 * <p>
 * Architecture (as face-api's {@code FaceRecognitionNet.forwardInput}): a 7x7 stride-2 'valid'
 * convolution to 32 channels, 3x3 stride-2 max pooling, then residual units of two 3x3 convolutions
 * (3 x 32, 4 x 64, 3 x 128, 3 x 256 and a final 256 one, the first of each width but 32 down-sampling
 * with a stride-2 'valid' convolution and a 2x2 average pool plus zero channels on the shortcut),
 * global average, and a 256x128 matrix without bias. Every convolution is followed by a per-channel
 * affine "scale" layer; that is folded into the convolution's weights and bias at load time
 * ({@code (W*x + b)*s + t = (W*s)*x + (b*s + t)}), and so is the input normalisation
 * {@code (x - mean RGB) / 255} into the first ('valid', so unpadded) convolution; both change results
 * only by float rounding (tested: 3e-7 against the unfolded network). The first relu runs after the
 * max pool instead of before it: max commutes with relu, so that is exact.
 * <p>
 * The 'same' convolutions are all 3x3 stride 1 (one pixel of zeros on each side); every stride-2
 * convolution is 'valid', so TF's asymmetric 'SAME' padding never arises. Where a down-sampling
 * unit's convolution ends one pixel short of the pooled shortcut (3x3 vs 4x4, 1x1 vs 2x2), face-api
 * pads the convolution's output with zeros at the bottom and right; so does this block.
 */
public final class FaceRecognitionNet implements ModelSpec {

	/** The network, scale layers and input normalisation folded into the convolutions. */
	public static final FaceRecognitionNet INSTANCE = new FaceRecognitionNet(true);

	public static final String MANIFEST = "face_recognition_model-weights_manifest.json";
	public static final int INPUT_SIZE = 150;
	public static final int DESCRIPTOR_SIZE = 128;

	/** face-api's mean RGB, subtracted before dividing by 255. */
	static final float[] MEAN_RGB = { 122.782f, 117.001f, 104.298f };

	private final boolean foldScale;

	/**
	 * @param foldScale fold the scale layers and the input normalisation into the convolutions
	 * (fewer ops) or run them as separate ops, as face-api does (for checking that folding is harmless)
	 */
	FaceRecognitionNet(boolean foldScale) {
		this.foldScale = foldScale;
	}

	@Override
	public String id() {
		return "convkit/face/recognition/face-api-1.7.15" + (foldScale ? "" : "?unfolded");
	}

	@Override
	public Model load(String engine, Device device) throws IOException {
		TfjsWeights weights = TfjsWeights.readResource(TfjsWeights.class, MANIFEST);
		List<Conv> convs = new ArrayList<>();
		SequentialBlock net = new SequentialBlock();
		if (!foldScale) net.add(new LambdaBlock(FaceRecognitionNet::normalize, "normalize"));
		net.add(conv(weights, convs, "conv32_down", 2, 0));
		// face-api: relu, then max pool. Max commutes with relu (monotonic), so pooling first gives
		// the same numbers with relu on a quarter of the values.
		net.add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false));
		net.add(Activation.reluBlock());
		for (String unit : new String[] {
			"conv32_1", "conv32_2", "conv32_3",
			"conv64_down", "conv64_1", "conv64_2", "conv64_3",
			"conv128_down", "conv128_1", "conv128_2",
			"conv256_down", "conv256_1", "conv256_2", "conv256_down_out" }) {
			boolean down = unit.endsWith("_down") || unit.endsWith("_down_out");
			net.add(new Residual(
				conv(weights, convs, unit + "/conv1", down ? 2 : 1, down ? 0 : 1),
				conv(weights, convs, unit + "/conv2", 1, 1),
				down));
		}
		net.add(new LambdaBlock(FaceRecognitionNet::globalAverage, "globalAverage"));
		Linear fc = Linear.builder().setUnits(DESCRIPTOR_SIZE).optBias(false).build();
		net.add(fc);

		Model model = Model.newInstance(id(), device, engine);
		model.setBlock(net);
		// Every parameter is overwritten below: skip drawing random initial values.
		net.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
		net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, INPUT_SIZE, INPUT_SIZE));
		for (Conv conv : convs) conv.setWeights(weights, foldScale && conv == convs.get(0));
		TfjsWeights.Tensor fcWeights = weights.get("fc");
		fc.getParameters().get("weight").getArray().set(transpose2d(fcWeights)); // [256, 128] -> (128, 256)
		return model;
	}

	private Block conv(TfjsWeights weights, List<Conv> convs, String prefix, int stride, int pad) {
		Conv conv = new Conv(prefix, weights.get(prefix + "/conv/filters").shape(), stride, pad, foldScale);
		convs.add(conv);
		return conv.block;
	}

	/** {@code (x - mean RGB) / 255}, per channel of {@code (B, 3, H, W)}, the ops face-api uses. */
	private static NDList normalize(NDList inputs) {
		NDArray x = inputs.singletonOrThrow();
		NDArray mean = x.getManager().create(MEAN_RGB, new Shape(1, 3, 1, 1));
		return new NDList(x.sub(mean).div(255f));
	}

	/** {@code (B, C, H, W) -> (B, C)}, the mean over H and W (PyTorch's DJL mean takes one axis at a time). */
	private static NDList globalAverage(NDList inputs) {
		NDArray x = inputs.singletonOrThrow();
		return new NDList(Pool.globalAvgPool2d(x).reshape(x.getShape().get(0), x.getShape().get(1)));
	}

	/** A convolution and its scale layer: one Conv2d (folded) or Conv2d followed by multiply-add. */
	private static final class Conv {
		final String prefix;
		final Conv2d conv;
		final Block block;
		final ScaleBlock scale;

		/** @param filters the TF.js filter shape [kh, kw, in, out] */
		Conv(String prefix, long[] filters, int stride, int pad, boolean fold) {
			this.prefix = prefix;
			this.conv = Conv2d.builder()
				.setKernelShape(new Shape(filters[0], filters[1]))
				.optStride(new Shape(stride, stride))
				.optPadding(new Shape(pad, pad))
				.setFilters((int) filters[3])
				.build();
			this.scale = fold ? null : new ScaleBlock();
			this.block = fold ? conv : new SequentialBlock().add(conv).add(scale);
		}

		/**
		 * @param foldInput also fold the input normalisation {@code (x - mean) / 255} into the
		 * weights (exact up to rounding for a 'valid' convolution: no zero padding meets the shift)
		 */
		void setWeights(TfjsWeights weights, boolean foldInput) {
			TfjsWeights.Tensor filters = weights.get(prefix + "/conv/filters");
			float[] bias = weights.get(prefix + "/conv/bias").values();
			float[] s = weights.get(prefix + "/scale/weights").values();
			float[] t = weights.get(prefix + "/scale/biases").values();
			long[] shape = filters.shape(); // [kh, kw, in, out]
			int kh = (int) shape[0], kw = (int) shape[1], in = (int) shape[2], out = (int) shape[3];
			float[] src = filters.values();
			float[] w = new float[src.length]; // (out, in, kh, kw)
			float[] b = new float[out];
			for (int o = 0; o < out; o++) {
				double factor = scale == null ? s[o] : 1;
				double shift = 0; // the output of the mean input, to be subtracted
				for (int i = 0; i < in; i++) {
					double inputFactor = foldInput ? 1 / 255.0 : 1;
					for (int y = 0; y < kh; y++)
						for (int x = 0; x < kw; x++) {
							double weight = src[((y * kw + x) * in + i) * out + o] * factor * inputFactor;
							w[((o * in + i) * kh + y) * kw + x] = (float) weight;
							if (foldInput) shift += weight * MEAN_RGB[i];
						}
				}
				b[o] = (float) ((scale == null ? (double) bias[o] * s[o] + t[o] : bias[o]) - shift);
			}
			conv.getParameters().get("weight").getArray().set(w);
			conv.getParameters().get("bias").getArray().set(b);
			if (scale != null) scale.set(s, t);
		}
	}

	private static float[] transpose2d(TfjsWeights.Tensor tensor) {
		int rows = (int) tensor.shape()[0], cols = (int) tensor.shape()[1];
		float[] src = tensor.values();
		float[] t = new float[src.length];
		for (int r = 0; r < rows; r++)
			for (int c = 0; c < cols; c++) t[c * rows + r] = src[r * cols + c];
		return t;
	}

	/**
	 * A residual unit: {@code relu(conv2(relu(conv1(x))) + shortcut(x))}. The shortcut is x itself,
	 * or, down-sampling, x average-pooled 2x2 with zero channels appended up to the output's width.
	 */
	static final class Residual extends AbstractBlock {

		private final Block conv1;
		private final Block conv2;
		private final boolean down;

		Residual(Block conv1, Block conv2, boolean down) {
			this.conv1 = addChildBlock("conv1", conv1);
			this.conv2 = addChildBlock("conv2", conv2);
			this.down = down;
		}

		@Override
		protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
			NDArray x = inputs.singletonOrThrow();
			NDArray out = Activation.relu(conv1.forward(store, inputs, training).singletonOrThrow());
			out = conv2.forward(store, new NDList(out), training).singletonOrThrow();
			NDArray shortcut = down ? downShortcut(x, out) : x;
			if (down) out = padBottomRight(out, shortcut.getShape().get(2), shortcut.getShape().get(3));
			return new NDList(Activation.relu(out.add(shortcut)));
		}

		private static NDArray downShortcut(NDArray x, NDArray out) {
			NDArray pooled = Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
			long missing = out.getShape().get(1) - pooled.getShape().get(1);
			if (missing <= 0) return pooled;
			Shape zeros = new Shape(pooled.getShape().get(0), missing, pooled.getShape().get(2), pooled.getShape().get(3));
			return pooled.concat(pooled.getManager().zeros(zeros), 1);
		}

		/** Zero rows at the bottom and zero columns at the right up to height x width. */
		private static NDArray padBottomRight(NDArray a, long height, long width) {
			Shape s = a.getShape();
			NDManager manager = a.getManager();
			if (s.get(2) < height) a = a.concat(manager.zeros(new Shape(s.get(0), s.get(1), height - s.get(2), s.get(3))), 2);
			if (s.get(3) < width) a = a.concat(manager.zeros(new Shape(s.get(0), s.get(1), height, width - s.get(3))), 3);
			return a;
		}

		@Override
		protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
			conv1.initialize(manager, dataType, inputShapes);
			conv2.initialize(manager, dataType, conv1.getOutputShapes(inputShapes));
		}

		@Override
		public Shape[] getOutputShapes(Shape[] inputShapes) {
			Shape out = conv2.getOutputShapes(conv1.getOutputShapes(inputShapes))[0];
			if (!down) return new Shape[] { out };
			Shape in = inputShapes[0];
			return new Shape[] { new Shape(in.get(0), out.get(1), in.get(2) / 2, in.get(3) / 2) };
		}
	}

	/** face-api's scale layer, {@code x * s + t} per channel, for the unfolded network. */
	static final class ScaleBlock extends AbstractBlock {

		private float[] s;
		private float[] t;

		void set(float[] s, float[] t) {
			this.s = s.clone();
			this.t = t.clone();
		}

		@Override
		protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
			NDArray x = inputs.singletonOrThrow();
			Shape channel = new Shape(1, s.length, 1, 1);
			NDManager m = x.getManager();
			return new NDList(x.mul(m.create(s, channel)).add(m.create(t, channel)));
		}

		@Override
		public Shape[] getOutputShapes(Shape[] inputShapes) {
			return inputShapes;
		}
	}
}
