package org.convkit.face.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * The triplet loss L(A, P, N) = max(||f(A) - f(P)||^2 - ||f(A) - f(N)||^2 + alpha, 0) and
 * J = the sum over a batch's triplets, on the batch's embeddings (differentiable: the triplets'
 * rows are picked by one-hot selection matrices, plain matrix products that every engine
 * differentiates).
 */
public final class TripletLoss {

	private TripletLoss() {}

	/** The n x n squared Euclidean distances between the rows of {@code embeddings} (n x D). */
	public static NDArray squaredDistances(NDArray embeddings) {
		NDArray norms = embeddings.square().sum(new int[] { 1 }, true); // n x 1
		NDArray dot = embeddings.matMul(embeddings.transpose());
		return norms.add(norms.transpose()).sub(dot.mul(2)).maximum(0f);
	}

	/**
	 * J: the sum of the triplets' losses (a scalar), or a zero scalar without triplets.
	 *
	 * @param embeddings n x D
	 * @param triplets {anchor, positive, negative} row indices
	 */
	public static NDArray loss(NDArray embeddings, List<int[]> triplets, double margin) {
		return perTriplet(embeddings, triplets, margin).sum();
	}

	/** Each triplet's loss (a vector of length T; empty without triplets). */
	public static NDArray perTriplet(NDArray embeddings, List<int[]> triplets, double margin) {
		NDManager manager = embeddings.getManager();
		int n = (int) embeddings.getShape().get(0), t = triplets.size();
		if (t == 0) return manager.zeros(new Shape(1), embeddings.getDataType());
		NDArray a = select(embeddings, triplets, 0, n), p = select(embeddings, triplets, 1, n), q = select(embeddings, triplets, 2, n);
		NDArray dap = a.sub(p).square().sum(new int[] { 1 });
		NDArray daq = a.sub(q).square().sum(new int[] { 1 });
		return dap.sub(daq).add(margin).maximum(0);
	}

	private static NDArray select(NDArray embeddings, List<int[]> triplets, int role, int n) {
		float[] onehot = new float[triplets.size() * n];
		for (int i = 0; i < triplets.size(); i++) onehot[i * n + triplets.get(i)[role]] = 1;
		NDArray selection = embeddings.getManager().create(onehot, new Shape(triplets.size(), n)).toType(embeddings.getDataType(), false);
		return selection.matMul(embeddings);
	}
}
