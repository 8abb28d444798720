package org.convkit.face;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains a {@link PairClassifier} by logistic regression on balanced pairs of encodings: every
 * same-person pair and as many different-person pairs drawn at random (seeded). The features are
 * standardised, the logistic loss with a small ridge penalty on the weights is minimised by
 * Newton's method (129 unknowns: exact and a few iterations), and the weights are mapped back to
 * the raw features. Encodings are computed once by the caller, so this takes milliseconds.
 * <p>
 * Balanced pairs make y_hat = 0.5 the threshold for a 50/50 prior, but a user's pairs (all pairs
 * of a folder, a gallery of many persons) are mostly different persons: by default the threshold
 * is the one of best accuracy over all pairs of the training persons, chosen on them alone.
 */
public final class PairClassifierTrainer {

	/** The ridge penalty on the standardised weights, against perfect separation of small sets. */
	static final double RIDGE = 1.0;
	private static final int MAX_ITERATIONS = 50;

	private PairClassifierTrainer() {}

	/**
	 * @param encodings person -&gt; encodings (at least two persons, one of them with two encodings)
	 * @param encoder the id of the encoder that made them
	 */
	public static PairClassifier train(Map<String, List<float[]>> encodings, PairClassifier.Form form, String encoder, long seed) {
		return train(encodings, form, encoder, seed, 0);
	}

	/**
	 * @param threshold the threshold on y_hat, or 0 to choose it on all pairs of the training persons
	 */
	public static PairClassifier train(Map<String, List<float[]>> encodings, PairClassifier.Form form, String encoder, long seed, double threshold) {
		List<float[]> all = new ArrayList<>();
		List<Integer> owner = new ArrayList<>();
		int p = 0;
		for (List<float[]> list : encodings.values()) {
			for (float[] e : list) {
				all.add(e);
				owner.add(p);
			}
			p++;
		}
		List<int[]> same = new ArrayList<>(), different = new ArrayList<>();
		for (int i = 0; i < all.size(); i++)
			for (int j = i + 1; j < all.size(); j++) (owner.get(i).equals(owner.get(j)) ? same : different).add(new int[] { i, j });
		if (same.isEmpty() || different.isEmpty()) {
			throw new IllegalArgumentException("folder: expected same-person and different-person pairs (at least two persons, one with two faces), got "
				+ same.size() + " same and " + different.size() + " different");
		}
		List<int[]> allSame = List.copyOf(same), allDifferent = List.copyOf(different);
		Collections.shuffle(different, new Random(seed));
		if (different.size() > same.size()) different = different.subList(0, same.size());
		if (same.size() > different.size()) {
			Collections.shuffle(same, new Random(seed + 1));
			same = same.subList(0, different.size());
		}
		int n = same.size() + different.size(), d = all.get(0).length;
		double[][] x = new double[n][];
		double[] y = new double[n];
		for (int i = 0; i < n; i++) {
			int[] pair = i < same.size() ? same.get(i) : different.get(i - same.size());
			x[i] = form.features(all.get(pair[0]), all.get(pair[1]));
			y[i] = i < same.size() ? 1 : 0;
		}
		double[] mean = new double[d], sd = new double[d];
		for (double[] row : x) for (int k = 0; k < d; k++) mean[k] += row[k] / n;
		for (double[] row : x) for (int k = 0; k < d; k++) sd[k] += (row[k] - mean[k]) * (row[k] - mean[k]) / n;
		for (int k = 0; k < d; k++) sd[k] = Math.sqrt(sd[k]) + 1e-12;
		for (double[] row : x) for (int k = 0; k < d; k++) row[k] = (row[k] - mean[k]) / sd[k];
		double[] beta = newton(x, y); // [w_0 .. w_{d-1}, b] on standardised features
		double[] w = new double[d];
		double b = beta[d];
		for (int k = 0; k < d; k++) {
			w[k] = beta[k] / sd[k];
			b -= beta[k] * mean[k] / sd[k];
		}
		JsonObject training = new JsonObject();
		training.addProperty("pairs", n);
		training.addProperty("same_pairs", same.size());
		training.addProperty("persons", encodings.size());
		training.addProperty("seed", seed);
		training.addProperty("ridge", RIDGE);
		training.addProperty("training_accuracy", accuracy(x, y, beta));
		PairClassifier balanced = new PairClassifier(form, w, b, PairClassifier.DEFAULT_THRESHOLD, encoder, training);
		double chosen = threshold > 0 ? threshold : priorThreshold(balanced, all, allSame, allDifferent);
		training.addProperty("threshold_chosen_on", threshold > 0 ? "given" : "all pairs of the training persons (best accuracy)");
		return new PairClassifier(form, w, b, chosen, encoder, training);
	}

	/** The y_hat threshold of best accuracy over every pair of the training persons, within [0.01, 0.99]. */
	private static double priorThreshold(PairClassifier classifier, List<float[]> all, List<int[]> same, List<int[]> different) {
		List<org.convkit.face.eval.VerificationEvaluation.ScoredPair> pairs = new ArrayList<>();
		for (List<int[]> list : List.of(same, different)) {
			for (int[] p : list) {
				pairs.add(new org.convkit.face.eval.VerificationEvaluation.ScoredPair("", "", 0, list == same ? 0 : 1, list == same,
					classifier.dissimilarity(all.get(p[0]), all.get(p[1])), -1));
			}
		}
		double dissimilarity = org.convkit.face.eval.VerificationEvaluation.bestThreshold(pairs, i -> true)[0];
		return Math.min(0.99, Math.max(0.01, 1 - dissimilarity));
	}

	/** Minimises sum logloss + RIDGE/2 |w|^2 (bias not penalised) by Newton steps. */
	private static double[] newton(double[][] x, double[] y) {
		int n = x.length, d = x[0].length, m = d + 1;
		double[] beta = new double[m];
		for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
			double[] gradient = new double[m];
			double[][] hessian = new double[m][m];
			for (int i = 0; i < n; i++) {
				double z = beta[d];
				for (int k = 0; k < d; k++) z += beta[k] * x[i][k];
				double q = 1 / (1 + Math.exp(-z)), r = q - y[i], s = q * (1 - q);
				for (int k = 0; k < m; k++) {
					double xk = k < d ? x[i][k] : 1;
					gradient[k] += r * xk;
					for (int l = 0; l <= k; l++) hessian[k][l] += s * xk * (l < d ? x[i][l] : 1);
				}
			}
			for (int k = 0; k < m; k++) {
				if (k < d) {
					gradient[k] += RIDGE * beta[k];
					hessian[k][k] += RIDGE;
				}
				else hessian[k][k] += 1e-9;
				for (int l = 0; l < k; l++) hessian[l][k] = hessian[k][l];
			}
			double[] step = solve(hessian, gradient);
			double change = 0;
			for (int k = 0; k < m; k++) {
				beta[k] -= step[k];
				change = Math.max(change, Math.abs(step[k]));
			}
			if (change < 1e-8) break;
		}
		return beta;
	}

	/** Solves the symmetric positive definite system a x = b (Cholesky). */
	private static double[] solve(double[][] a, double[] b) {
		int m = b.length;
		double[][] l = new double[m][m];
		for (int i = 0; i < m; i++)
			for (int j = 0; j <= i; j++) {
				double sum = a[i][j];
				for (int k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
				l[i][j] = i == j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j][j];
			}
		double[] z = new double[m], x = new double[m];
		for (int i = 0; i < m; i++) {
			double sum = b[i];
			for (int k = 0; k < i; k++) sum -= l[i][k] * z[k];
			z[i] = sum / l[i][i];
		}
		for (int i = m - 1; i >= 0; i--) {
			double sum = z[i];
			for (int k = i + 1; k < m; k++) sum -= l[k][i] * x[k];
			x[i] = sum / l[i][i];
		}
		return x;
	}

	private static double accuracy(double[][] x, double[] y, double[] beta) {
		int d = x[0].length, right = 0;
		for (int i = 0; i < x.length; i++) {
			double z = beta[d];
			for (int k = 0; k < d; k++) z += beta[k] * x[i][k];
			if ((z >= 0) == (y[i] == 1)) right++;
		}
		return (double) right / x.length;
	}
}
