package org.convkit.ct.net;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * A network's per-class scores {@code (x, y, z, k)} (logits, as ConvKit's segmentation models and
 * most exported networks return them) as probabilities or labels. With k &gt; 1: softmax over the
 * classes and the most probable class's index (0 .. k-1); with one channel (a binary network):
 * the sigmoid, and label 1 where it is above 0.5 (the logit above 0).
 */
public final class ClassMaps {

	private ClassMaps() {}

	/** Softmax over the classes (sigmoid for one channel), {@code (x, y, z, k)}. */
	public static ArrayImg<FloatType, FloatArray> probabilities(ArrayImg<FloatType, FloatArray> scores) {
		long[] dims = scores.dimensionsAsLongArray();
		float[] in = scores.update(null).getCurrentStorageArray();
		float[] out = new float[in.length];
		int voxels = (int) (dims[0] * dims[1] * dims[2]), k = (int) dims[3];
		for (int v = 0; v < voxels; v++) {
			if (k == 1) {
				out[v] = (float) (1 / (1 + Math.exp(-in[v])));
				continue;
			}
			double max = Double.NEGATIVE_INFINITY, sum = 0;
			for (int c = 0; c < k; c++) max = Math.max(max, in[v + c * voxels]);
			for (int c = 0; c < k; c++) sum += Math.exp(in[v + c * voxels] - max);
			for (int c = 0; c < k; c++) out[v + c * voxels] = (float) (Math.exp(in[v + c * voxels] - max) / sum);
		}
		return ArrayImgs.floats(out, dims);
	}

	/** The most probable class per voxel (0 .. k-1; for one channel 1 where the logit is above 0), {@code (x, y, z)}. */
	public static ArrayImg<FloatType, FloatArray> labels(ArrayImg<FloatType, FloatArray> scores) {
		long[] dims = scores.dimensionsAsLongArray();
		float[] in = scores.update(null).getCurrentStorageArray();
		int voxels = (int) (dims[0] * dims[1] * dims[2]), k = (int) dims[3];
		float[] out = new float[voxels];
		for (int v = 0; v < voxels; v++) {
			if (k == 1) {
				out[v] = in[v] > 0 ? 1 : 0;
				continue;
			}
			int best = 0;
			for (int c = 1; c < k; c++) if (in[v + c * voxels] > in[v + best * voxels]) best = c;
			out[v] = best;
		}
		return ArrayImgs.floats(out, dims[0], dims[1], dims[2]);
	}
}
