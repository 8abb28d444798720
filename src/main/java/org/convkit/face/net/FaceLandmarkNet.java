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
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.convkit.core.runtime.ModelSpec;
import org.convkit.face.model.TfjsWeights;

import java.io.IOException;

/**
 * face-api.js's 68-point face landmark network ({@code FaceLandmark68Net}, the full one: four dense
 * blocks of depthwise separable convolutions and a fully connected layer) rebuilt as a DJL block with
 * face-api's shipped weights.
 * <p>
 * Input: float32 {@code (B, 3, 112, 112)}, RGB values 0..255 (a face crop padded to a square and
 * resized as face-api does). Output: {@code (B, 136)}, the network's raw output: x0, y0, x1, y1, ...
 * for the 68 points as fractions of the 112x112 input (face-api's {@code runNet}; mapping back to
 * the crop is {@code org.convkit.face.FaceDetector}'s).
 * <p>
 * Layers (face-api's {@code FaceFeatureExtractor} and {@code FaceProcessor}): normalisation
 * {@code (x - meanRgb) / 255}, run as a per-channel 1x1 convolution; four dense blocks (32, 64, 128,
 * 256 channels), each halving the size: {@code out1 = relu(conv0(x))} (a 3x3 stride-2 convolution in
 * the first block, a depthwise separable one after), then three separable 3x3 convolutions each fed
 * with the ReLU of the sum of all earlier outputs of the block, the block returning the ReLU of the sum
 * of all four; a 7x7 stride-2 average pool (112 / 16 = 7, so one value per channel); 256 x 136 fully
 * connected.
 * <p>
 * TF 'SAME' padding with stride 2 on an even size pads 0 pixels before and 1 after. DJL convolutions
 * pad symmetrically, so each stride-2 3x3 kernel runs as a 4x4 kernel whose first row and column are
 * zero, with one pixel of padding on every side: the windows start one pixel early and the extra
 * tap has weight 0, which is exactly TF's result (all sizes here, 112 to 14, are even).
 */
public final class FaceLandmarkNet implements ModelSpec {

	public static final FaceLandmarkNet INSTANCE = new FaceLandmarkNet();

	public static final String MANIFEST = "face_landmark_68_model-weights_manifest.json";
	public static final int INPUT_SIZE = 112;
	public static final int POINTS = 68;

	/** face-api's mean RGB for this network, subtracted before dividing by 255. */
	public static final float[] MEAN_RGB = { 122.782f, 117.001f, 104.298f };

	private static final int[] WIDTHS = { 32, 64, 128, 256 };

	private FaceLandmarkNet() {}

	@Override
	public String id() {
		return "convkit/face/landmarks68/face-api-1.7.15";
	}

	@Override
	public Model load(String engine, Device device) throws IOException {
		TfjsWeights weights = TfjsWeights.readResource(TfjsWeights.class, MANIFEST);
		Landmarks block = new Landmarks();
		Model model = Model.newInstance(id(), device, engine);
		model.setBlock(block);
		block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, INPUT_SIZE, INPUT_SIZE));
		block.setWeights(weights);
		return model;
	}

	/** The whole network; see the class comment. */
	static final class Landmarks extends AbstractBlock {

		private final Conv2d normalize;
		private final DenseBlock[] dense = new DenseBlock[4];
		private final Linear fc;

		Landmarks() {
			normalize = addChildBlock("normalize", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(3).optGroups(3).build());
			for (int i = 0; i < 4; i++) dense[i] = addChildBlock("dense" + i, new DenseBlock(i == 0 ? 3 : WIDTHS[i - 1], WIDTHS[i], i == 0));
			fc = addChildBlock("fc", Linear.builder().setUnits(2 * POINTS).build());
		}

		@Override
		protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
			NDList x = normalize.forward(store, inputs, training);
			for (DenseBlock block : dense) x = block.forward(store, x, training);
			NDArray pooled = Pool.avgPool2d(x.singletonOrThrow(), new Shape(7, 7), new Shape(2, 2), new Shape(0, 0), false, true);
			NDArray features = pooled.reshape(pooled.getShape().get(0), -1);
			return fc.forward(store, new NDList(features), training);
		}

		@Override
		protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
			Shape shape = inputShapes[0];
			normalize.initialize(manager, dataType, shape);
			for (DenseBlock block : dense) {
				block.initialize(manager, dataType, shape);
				shape = block.getOutputShapes(new Shape[] { shape })[0];
			}
			fc.initialize(manager, dataType, new Shape(shape.get(0), WIDTHS[3]));
		}

		@Override
		public Shape[] getOutputShapes(Shape[] inputShapes) {
			return new Shape[] { new Shape(inputShapes[0].get(0), 2 * POINTS) };
		}

		void setWeights(TfjsWeights weights) {
			float[] scale = new float[3];
			float[] shift = new float[3];
			for (int c = 0; c < 3; c++) {
				scale[c] = 1f / 255f;
				shift[c] = -MEAN_RGB[c] / 255f;
			}
			TinyFaceDetectorNet.set(normalize, scale, shift);
			for (int i = 0; i < 4; i++) dense[i].setWeights(weights, "dense" + i);
			TfjsWeights.Tensor fcWeights = weights.get("fc/weights"); // [256, 136] -> (136, 256)
			int rows = (int) fcWeights.shape()[0], cols = (int) fcWeights.shape()[1];
			float[] src = fcWeights.values();
			float[] t = new float[src.length];
			for (int r = 0; r < rows; r++)
				for (int c = 0; c < cols; c++) t[c * rows + r] = src[r * cols + c];
			fc.getParameters().get("weight").getArray().set(t);
			fc.getParameters().get("bias").getArray().set(weights.get("fc/bias").values());
		}
	}

	/** face-api's {@code denseBlock4} with down-scaling. */
	static final class DenseBlock extends AbstractBlock {

		private final boolean first;
		private final int width;
		/** conv0: full convolution (first block) or depthwise part; then conv1..3's depthwise parts. */
		private final Conv2d[] depthwise = new Conv2d[4];
		/** pointwise parts of the separable convolutions (index 0 unused in the first block). */
		private final Conv2d[] pointwise = new Conv2d[4];

		DenseBlock(int in, int width, boolean first) {
			this.first = first;
			this.width = width;
			// stride 2, TF 'SAME' on even sizes: 4x4 with a zero first row and column, padding 1.
			Conv2d.Builder down = Conv2d.builder().setKernelShape(new Shape(4, 4)).optStride(new Shape(2, 2)).optPadding(new Shape(1, 1));
			depthwise[0] = addChildBlock("conv0", first
				? down.setFilters(width).build()
				: down.setFilters(in).optGroups(in).optBias(false).build());
			if (!first) pointwise[0] = addChildBlock("conv0_pointwise", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(width).build());
			for (int i = 1; i < 4; i++) {
				depthwise[i] = addChildBlock("conv" + i + "_depthwise", Conv2d.builder().setKernelShape(new Shape(3, 3))
					.optPadding(new Shape(1, 1)).setFilters(width).optGroups(width).optBias(false).build());
				pointwise[i] = addChildBlock("conv" + i + "_pointwise", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(width).build());
			}
		}

		private NDArray conv(int i, ParameterStore store, NDArray x, boolean training) {
			NDList out = depthwise[i].forward(store, new NDList(x), training);
			if (pointwise[i] != null) out = pointwise[i].forward(store, out, training);
			return out.singletonOrThrow();
		}

		@Override
		protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
			NDArray out1 = Activation.relu(conv(0, store, inputs.singletonOrThrow(), training));
			NDArray out2 = conv(1, store, out1, training);
			NDArray sum = out1.add(out2);
			NDArray out3 = conv(2, store, Activation.relu(sum), training);
			sum = sum.add(out3);
			NDArray out4 = conv(3, store, Activation.relu(sum), training);
			return new NDList(Activation.relu(sum.add(out4)));
		}

		@Override
		protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
			Shape in = inputShapes[0];
			Shape out = getOutputShapes(inputShapes)[0];
			depthwise[0].initialize(manager, dataType, in);
			if (pointwise[0] != null) pointwise[0].initialize(manager, dataType, new Shape(in.get(0), in.get(1), out.get(2), out.get(3)));
			for (int i = 1; i < 4; i++) {
				depthwise[i].initialize(manager, dataType, out);
				pointwise[i].initialize(manager, dataType, out);
			}
		}

		@Override
		public Shape[] getOutputShapes(Shape[] inputShapes) {
			Shape in = inputShapes[0];
			return new Shape[] { new Shape(in.get(0), width, in.get(2) / 2, in.get(3) / 2) };
		}

		void setWeights(TfjsWeights weights, String prefix) {
			if (first) {
				TfjsWeights.Tensor filters = weights.get(prefix + "/conv0/filters");
				long[] s = filters.shape();
				TinyFaceDetectorNet.set(depthwise[0], padStride2(TinyFaceDetectorNet.convWeights(filters), (int) (s[3] * s[2])),
					weights.get(prefix + "/conv0/bias").values());
			}
			for (int i = first ? 1 : 0; i < 4; i++) {
				String conv = prefix + "/conv" + i;
				TfjsWeights.Tensor filters = weights.get(conv + "/depthwise_filter");
				float[] w = TinyFaceDetectorNet.depthwiseWeights(filters);
				TinyFaceDetectorNet.set(depthwise[i], i == 0 ? padStride2(w, (int) filters.shape()[2]) : w, null);
				TinyFaceDetectorNet.set(pointwise[i], TinyFaceDetectorNet.convWeights(weights.get(conv + "/pointwise_filter")),
					weights.get(conv + "/bias").values());
			}
		}

		/** {@code kernels} 3x3 kernels as 4x4 ones with a zero first row and column. */
		private static float[] padStride2(float[] w3, int kernels) {
			float[] w4 = new float[kernels * 16];
			for (int k = 0; k < kernels; k++)
				for (int y = 0; y < 3; y++)
					for (int x = 0; x < 3; x++) w4[k * 16 + (y + 1) * 4 + x + 1] = w3[k * 9 + y * 3 + x];
			return w4;
		}
	}
}
