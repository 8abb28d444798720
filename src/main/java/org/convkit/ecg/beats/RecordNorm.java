package org.convkit.ecg.beats;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A trained BatchNorm in {@link RecordAdaptation}'s statistics pass: it normalises its input with
 * the per-channel mean and variance of the batch it is given (the beats of one record), mixed with
 * the training set's running statistics, and keeps what it used for {@link BeatNet#fold}. So each
 * layer's statistics are those of the earlier layers' adapted outputs, in one forward pass in
 * inference mode, the same on every engine.
 */
final class RecordNorm extends AbstractBlock {

	private static final byte VERSION = 1;

	private float[] gamma, beta, trainedMean, trainedVariance;
	private float trainingWeight;
	private boolean meanOnly;
	private float[] mean, variance;
	/** With a reference (the training records' dominant beats' mean), the mean used is the trained one moved by the batch's departure from it. */
	private float[] reference;
	private float[] batchMean;

	RecordNorm() {
		super(VERSION);
	}

	/** The trained BatchNorm's scale, shift and running statistics. */
	void set(float[] gamma, float[] beta, float[] runningMean, float[] runningVariance) {
		this.gamma = gamma;
		this.beta = beta;
		this.trainedMean = runningMean;
		this.trainedVariance = runningVariance;
	}

	/** The trained BatchNorm's channel count. */
	int channels() {
		return trainedMean.length;
	}

	/** How the batch's statistics mix with the trained ones: see {@link RecordAdaptation}. */
	void mix(float trainingWeight, boolean meanOnly) {
		this.trainingWeight = trainingWeight;
		this.meanOnly = meanOnly;
	}

	/**
	 * The per-channel mean of the training records' dominant beats at this layer: the mean used is then
	 * {@code running + (batch - reference)}, so a record's dominant beats land where the training
	 * records' dominant beats did; null: the batch's mean as mixed by {@link #mix}. With a zero-length
	 * array the block only measures: it normalises with the trained statistics and keeps the batch's mean.
	 */
	void reference(float[] reference) {
		this.reference = reference;
	}

	/** The per-channel mean of the batch of the last pass. */
	float[] batchMean() {
		return batchMean;
	}

	/** The per-channel mean this block normalised with last (null before a pass). */
	float[] mean() {
		return mean;
	}

	float[] variance() {
		return variance;
	}

	@Override
	protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
		NDArray x = inputs.singletonOrThrow();
		NDManager manager = x.getManager();
		// (batch, channels, 1, length); in Java, in and out once: the engines' reductions over three axes and
		// element-wise passes on their convolution's layout cost several times more
		Shape shape = x.getShape();
		int batch = (int) shape.get(0), channels = (int) shape.get(1), positions = (int) (shape.get(2) * shape.get(3));
		float[] data = x.toFloatArray();
		double count = (double) batch * positions;
		float[] batchMean = new float[channels], batchVariance = new float[channels];
		this.batchMean = batchMean;
		for (int c = 0; c < channels; c++) {
			double sum = 0;
			for (int b = 0; b < batch; b++) for (int at = (b * channels + c) * positions, k = 0; k < positions; k++) sum += data[at + k];
			double m = sum / count, squares = 0;
			for (int b = 0; b < batch; b++) for (int at = (b * channels + c) * positions, k = 0; k < positions; k++) {
				double d = data[at + k] - m;
				squares += d * d;
			}
			batchMean[c] = (float) m;
			batchVariance[c] = (float) (squares / count);
		}
		mean = new float[channels];
		variance = new float[channels];
		float[] scale = new float[channels], shift = new float[channels];
		float w = trainingWeight;
		for (int c = 0; c < channels; c++) {
			mean[c] = reference == null ? w * trainedMean[c] + (1 - w) * batchMean[c]
				: reference.length == 0 ? trainedMean[c] : trainedMean[c] + batchMean[c] - reference[c];
			variance[c] = meanOnly || reference != null ? trainedVariance[c] : w * trainedVariance[c] + (1 - w) * batchVariance[c];
			scale[c] = gamma[c] / (float) Math.sqrt(variance[c] + BeatNet.BN_EPSILON);
			shift[c] = beta[c] - mean[c] * scale[c];
		}
		for (int b = 0; b < batch; b++) for (int c = 0; c < channels; c++) {
			for (int at = (b * channels + c) * positions, k = 0; k < positions; k++) data[at + k] = data[at + k] * scale[c] + shift[c];
		}
		return new NDList(manager.create(data, shape));
	}

	@Override
	public Shape[] getOutputShapes(Shape[] inputShapes) {
		return inputShapes;
	}
}
