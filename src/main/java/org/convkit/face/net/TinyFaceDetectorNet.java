package org.convkit.face.net;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.convkit.core.runtime.ModelSpec;
import org.convkit.face.model.TfjsWeights;

import java.io.IOException;

/**
 * face-api.js's Tiny Face Detector (a Tiny-YOLOv2 variant with depthwise separable convolutions)
 * rebuilt as a DJL block with face-api's shipped weights.
 * <p>
 * Input: float32 {@code (B, 3, S, S)}, RGB values 0..255 as face-api's batch tensor after padding to a
 * square and resizing ({@code S} = face-api's {@code inputSize}, a multiple of 32). Output:
 * {@code (B, 25, S/32, S/32)}: for grid cell (row, col) and anchor {@code a}, channel {@code 5a + k}
 * holds the raw box encoding {@code k} = (tx, ty, tw, th, score logit), i.e. face-api's NHWC output
 * {@code [B, S/32, S/32, 25]} with the channels moved first. Decoding (sigmoid, anchors,
 * threshold, non-maximum suppression) is {@code org.convkit.face.FaceDetector}'s.
 * <p>
 * Layers (face-api's {@code TinyYolov2Base.runMobilenet} with {@code isFirstLayerConv2d}): a 3x3
 * 'valid' convolution to 16 channels, then five depthwise separable 3x3 convolutions (32, 64, 128,
 * 256, 512 channels; one pixel of zeros on each side), each layer followed by leaky ReLU (slope 0.1)
 * and 2x2 max pooling, stride 2 after the first five and stride 1 after the last; a 1x1 convolution
 * gives the 25 outputs. face-api's input normalisation {@code (x - meanRgb) / 255} is folded into
 * the first convolution (weights / 255, bias minus the mean's response): exact because that
 * convolution is 'valid', so it never sees padding.
 * <p>
 * TF 'SAME' max pooling pads only at the bottom and right and ignores the padding: with stride 2
 * this is max pooling with ceil rounding (the last window of an odd size hangs over the edge); with
 * stride 1 it is 2x2 pooling with one ignored pixel on every side, minus the first row and column.
 */
public final class TinyFaceDetectorNet implements ModelSpec {

	public static final TinyFaceDetectorNet INSTANCE = new TinyFaceDetectorNet();

	public static final String MANIFEST = "tiny_face_detector_model-weights_manifest.json";

	/** face-api's mean RGB for this network, subtracted before dividing by 255. */
	public static final float[] MEAN_RGB = { 117.001f, 114.697f, 97.404f };

	/** Anchor box sizes (width, height) in grid cells, one per output box of a cell. */
	public static final double[][] ANCHORS = {
		{ 1.603231, 2.094468 }, { 6.041143, 7.080126 }, { 2.882459, 3.518061 }, { 4.266906, 5.178857 }, { 9.041765, 10.66308 } };

	/** Values per box: tx, ty, tw, th and the score logit (one class, so no class scores). */
	public static final int BOX_ENCODING = 5;

	/** The network's total down-sampling: the output grid is {@code inputSize / STRIDE} cells wide. */
	public static final int STRIDE = 32;

	private static final int[] WIDTHS = { 16, 32, 64, 128, 256, 512 };
	private static final float LEAK = 0.1f;

	private TinyFaceDetectorNet() {}

	@Override
	public String id() {
		return "convkit/face/tiny-face-detector/face-api-1.7.15";
	}

	@Override
	public Model load(String engine, Device device) throws IOException {
		TfjsWeights weights = TfjsWeights.readResource(TfjsWeights.class, MANIFEST);
		Detector block = new Detector();
		Model model = Model.newInstance(id(), device, engine);
		model.setBlock(block);
		block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, 416, 416));
		block.setWeights(weights);
		return model;
	}

	/** Output grid size for an input of {@code size} pixels: 'valid' 3x3, then five ceil-halvings. */
	public static long gridSize(long size) {
		long s = size - 2;
		for (int i = 0; i < 5; i++) s = (s + 1) / 2;
		return s;
	}

	/** The network as face-api runs it; see the class comment. */
	static final class Detector extends AbstractBlock {

		private final Conv2d conv0;
		private final Conv2d[] depthwise = new Conv2d[5];
		private final Conv2d[] pointwise = new Conv2d[5];
		private final Conv2d conv8;

		Detector() {
			conv0 = addChildBlock("conv0", Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(WIDTHS[0]).build());
			for (int i = 0; i < 5; i++) {
				depthwise[i] = addChildBlock("conv" + (i + 1) + "_depthwise", Conv2d.builder().setKernelShape(new Shape(3, 3))
					.optPadding(new Shape(1, 1)).setFilters(WIDTHS[i]).optGroups(WIDTHS[i]).optBias(false).build());
				pointwise[i] = addChildBlock("conv" + (i + 1) + "_pointwise",
					Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(WIDTHS[i + 1]).build());
			}
			conv8 = addChildBlock("conv8", Conv2d.builder().setKernelShape(new Shape(1, 1))
				.setFilters(ANCHORS.length * BOX_ENCODING).build());
		}

		@Override
		protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
			NDArray x = leaky(apply(conv0, store, inputs.singletonOrThrow(), training));
			x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), true);
			for (int i = 0; i < 5; i++) {
				x = leaky(apply(pointwise[i], store, apply(depthwise[i], store, x, training), training));
				if (i < 4) {
					x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), true);
				}
				else {
					// stride-1 'SAME': window (r, c) covers rows r, r+1 and columns c, c+1 (the last ones
					// past the edge are ignored); pooling with one ignored pixel on every side gives the
					// windows from r-1 and c-1, so its first row and column are dropped.
					x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(1, 1), new Shape(1, 1), false).get(new NDIndex(":, :, 1:, 1:"));
				}
			}
			return new NDList(apply(conv8, store, x, training));
		}

		private static NDArray apply(Conv2d conv, ParameterStore store, NDArray x, boolean training) {
			return conv.forward(store, new NDList(x), training).singletonOrThrow();
		}

		private static NDArray leaky(NDArray x) {
			return Activation.leakyRelu(x, LEAK);
		}

		@Override
		protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
			Shape in = inputShapes[0];
			long batch = in.get(0), h = in.get(2) - 2, w = in.get(3) - 2;
			conv0.initialize(manager, dataType, in);
			for (int i = 0; i < 5; i++) {
				h = (h + 1) / 2;
				w = (w + 1) / 2;
				depthwise[i].initialize(manager, dataType, new Shape(batch, WIDTHS[i], h, w));
				pointwise[i].initialize(manager, dataType, new Shape(batch, WIDTHS[i], h, w));
			}
			conv8.initialize(manager, dataType, new Shape(batch, WIDTHS[5], h, w));
		}

		@Override
		public Shape[] getOutputShapes(Shape[] inputShapes) {
			Shape in = inputShapes[0];
			return new Shape[] { new Shape(in.get(0), ANCHORS.length * BOX_ENCODING, gridSize(in.get(2)), gridSize(in.get(3))) };
		}

		void setWeights(TfjsWeights weights) {
			// conv0 with the normalisation folded in: w' = w / 255, b' = b - sum(w * mean) / 255.
			TfjsWeights.Tensor filters = weights.get("conv0/filters");
			float[] w = convWeights(filters);
			float[] b = weights.get("conv0/bias").values().clone();
			int out = (int) filters.shape()[3], in = (int) filters.shape()[2], taps = (int) (filters.shape()[0] * filters.shape()[1]);
			for (int o = 0; o < out; o++) {
				double shift = 0;
				for (int i = 0; i < in; i++) {
					for (int t = 0; t < taps; t++) {
						int index = (o * in + i) * taps + t;
						shift += (double) w[index] * MEAN_RGB[i];
						w[index] /= 255f;
					}
				}
				b[o] = (float) (b[o] - shift / 255);
			}
			set(conv0, w, b);
			for (int i = 0; i < 5; i++) {
				String prefix = "conv" + (i + 1);
				set(depthwise[i], depthwiseWeights(weights.get(prefix + "/depthwise_filter")), null);
				set(pointwise[i], convWeights(weights.get(prefix + "/pointwise_filter")), weights.get(prefix + "/bias").values());
			}
			set(conv8, convWeights(weights.get("conv8/filters")), weights.get("conv8/bias").values());
		}
	}

	static void set(Conv2d conv, float[] weight, float[] bias) {
		conv.getParameters().get("weight").getArray().set(weight);
		if (bias != null) conv.getParameters().get("bias").getArray().set(bias);
	}

	/** TF.js conv filters {@code [kh, kw, in, out]} as DJL's {@code (out, in, kh, kw)}. */
	static float[] convWeights(TfjsWeights.Tensor filters) {
		long[] s = filters.shape();
		int kh = (int) s[0], kw = (int) s[1], in = (int) s[2], out = (int) s[3];
		float[] src = filters.values();
		float[] w = new float[src.length];
		for (int o = 0; o < out; o++)
			for (int i = 0; i < in; i++)
				for (int y = 0; y < kh; y++)
					for (int x = 0; x < kw; x++)
						w[((o * in + i) * kh + y) * kw + x] = src[((y * kw + x) * in + i) * out + o];
		return w;
	}

	/** TF.js depthwise filters {@code [kh, kw, in, 1]} as a grouped convolution's {@code (in, 1, kh, kw)}. */
	static float[] depthwiseWeights(TfjsWeights.Tensor filters) {
		long[] s = filters.shape();
		int kh = (int) s[0], kw = (int) s[1], in = (int) s[2];
		float[] src = filters.values();
		float[] w = new float[src.length];
		for (int c = 0; c < in; c++)
			for (int y = 0; y < kh; y++)
				for (int x = 0; x < kw; x++)
					w[(c * kh + y) * kw + x] = src[(y * kw + x) * in + c];
		return w;
	}
}
