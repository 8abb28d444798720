package org.convkit.face;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains a {@link PairClassifier} by logistic regression on the pairs of encodings of some persons:
 * every pair (same and different persons, in their natural proportion; beyond {@value #MAX_PAIRS}
 * pairs the different-person ones are sampled, seeded, and weighted up to their full count).
 * Encodings are computed once by the caller.
 * <p>
 * With a few persons, 128 free weights overfit the persons they were learnt on; the distance rule
 * (equal weights on the squared differences) generalises well. So the penalty pulls the weights
 * towards their mean, not towards zero: lambda/2 sum_k (w_k - mean w)^2, on features divided by one
 * common scale (equal weights keep their meaning); with a large lambda the {@code squared} form
 * becomes the distance rule with a learnt threshold. Lambda is chosen from {@link #PENALTIES} by
 * cross-validation by person among the training persons ({@value #FOLDS} folds; the held-out
 * persons' pairs are scored at the threshold chosen on the others'), the largest of equally good
 * ones. The logistic loss is minimised by Newton's method (129 unknowns: exact, a few iterations).
 * <p>
 * y_hat = 0.5 is the threshold for the training pairs' prior (mostly different persons), but a
 * maximum-likelihood fit is not the most accurate one: by default the threshold is the one of best
 * accuracy over all pairs of the training persons, chosen on them alone.
 */
public final class PairClassifierTrainer {

	/** The penalties lambda tried, on features of mean 1. */
	static final double[] PENALTIES = { 1, 10, 100, 1000, 10000, 100000 };
	/** The penalty when there are too few persons to cross-validate. */
	static final double DEFAULT_PENALTY = 1000;
	/** Person folds of the cross-validation that chooses lambda. */
	static final int FOLDS = 5;
	/** Pairs used at most (each 129 doubles): the different-person pairs beyond it are sampled. */
	static final int MAX_PAIRS = 60_000;
	/** A slight pull of every weight towards zero: keeps the fit finite where the pairs separate perfectly. */
	static final double RIDGE = 0.01;
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
	 * @param seed which different-person pairs are used when there are more than {@value #MAX_PAIRS} pairs
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
		double differentWeight = 1;
		if (same.size() + different.size() > MAX_PAIRS) {
			int keep = Math.max(1, MAX_PAIRS - same.size());
			differentWeight = (double) different.size() / keep;
			Collections.shuffle(different, new Random(seed));
			different = different.subList(0, Math.min(keep, different.size()));
		}
		int n = same.size() + different.size(), d = all.get(0).length;
		double[][] x = new double[n][];
		double[] y = new double[n], weight = new double[n];
		int[] personA = new int[n], personB = new int[n];
		double scale = 0;
		for (int i = 0; i < n; i++) {
			int[] pair = i < same.size() ? same.get(i) : different.get(i - same.size());
			x[i] = form.features(all.get(pair[0]), all.get(pair[1]));
			y[i] = i < same.size() ? 1 : 0;
			weight[i] = i < same.size() ? 1 : differentWeight;
			personA[i] = owner.get(pair[0]);
			personB[i] = owner.get(pair[1]);
			for (double v : x[i]) scale += v;
		}
		scale = scale / ((double) n * d) + 1e-12;
		for (double[] row : x) for (int k = 0; k < d; k++) row[k] /= scale;
		Pairs pairs = new Pairs(x, y, weight);
		int persons = encodings.size(), folds = Math.min(FOLDS, persons);
		double[] correct = new double[PENALTIES.length];
		boolean validated = persons >= 3;
		for (int f = 0; f < folds && validated; f++) {
			boolean[] tested = new boolean[n];
			for (int i = 0; i < n; i++) tested[i] = personA[i] % folds == f || personB[i] % folds == f;
			Pairs fold = pairs.select(tested, false);
			if (!fold.hasBothClasses()) {
				validated = false;
				break;
			}
			double[] beta = new double[d + 1];
			for (int l = PENALTIES.length - 1; l >= 0; l--) { // from the strongest penalty, each fit starting from the last
				beta = newton(fold, PENALTIES[l], beta);
				double cut = threshold > 0 ? logit(threshold) : bestCut(fold, beta);
				for (int i = 0; i < n; i++) if (tested[i] && (z(x[i], beta) >= cut) == (y[i] == 1)) correct[l] += weight[i];
			}
		}
		int chosen = -1;
		if (validated) {
			for (int l = 0; l < PENALTIES.length; l++) if (chosen < 0 || correct[l] >= correct[chosen]) chosen = l;
		}
		double penalty = chosen < 0 ? DEFAULT_PENALTY : PENALTIES[chosen];
		double[] beta = newton(pairs, penalty, new double[d + 1]); // [w_0 .. w_{d-1}, b] on the scaled features
		double[] w = new double[d];
		for (int k = 0; k < d; k++) w[k] = beta[k] / scale;
		double b = beta[d];
		JsonObject training = new JsonObject();
		training.addProperty("pairs", n);
		training.addProperty("same_pairs", same.size());
		training.addProperty("different_pair_weight", differentWeight);
		training.addProperty("persons", persons);
		training.addProperty("seed", seed);
		training.addProperty("penalty", penalty);
		training.addProperty("penalty_chosen_on", chosen < 0 ? "default (too few persons to cross-validate)" : folds + "-fold cross-validation by person");
		training.addProperty("training_accuracy", pairs.accuracy(beta, 0));
		double chosenThreshold = threshold > 0 ? threshold : sigmoid(bestCut(pairs, beta));
		chosenThreshold = Math.min(0.99, Math.max(0.01, chosenThreshold));
		training.addProperty("threshold_chosen_on", threshold > 0 ? "given" : "all pairs of the training persons (best accuracy)");
		return new PairClassifier(form, w, b, chosenThreshold, encoder, training);
	}

	/** Pairs' scaled features, labels (1: same person) and weights. */
	private record Pairs(double[][] x, double[] y, double[] weight) {
		/** The pairs where {@code mask} is {@code keep}. */
		Pairs select(boolean[] mask, boolean keep) {
			List<Integer> rows = new ArrayList<>();
			for (int i = 0; i < x.length; i++) if (mask[i] == keep) rows.add(i);
			double[][] xs = new double[rows.size()][];
			double[] ys = new double[rows.size()], ws = new double[rows.size()];
			for (int r = 0; r < rows.size(); r++) {
				xs[r] = x[rows.get(r)];
				ys[r] = y[rows.get(r)];
				ws[r] = weight[rows.get(r)];
			}
			return new Pairs(xs, ys, ws);
		}

		boolean hasBothClasses() {
			boolean one = false, zero = false;
			for (double v : y) {
				one |= v == 1;
				zero |= v == 0;
			}
			return one && zero;
		}

		/** Weighted accuracy of "same" when z &gt;= cut. */
		double accuracy(double[] beta, double cut) {
			double right = 0, all = 0;
			for (int i = 0; i < x.length; i++) {
				all += weight[i];
				if ((z(x[i], beta) >= cut) == (y[i] == 1)) right += weight[i];
			}
			return right / all;
		}
	}

	private static double z(double[] x, double[] beta) {
		int d = x.length;
		double z = beta[d];
		for (int k = 0; k < d; k++) z += beta[k] * x[k];
		return z;
	}

	private static double sigmoid(double z) {
		return 1 / (1 + Math.exp(-z));
	}

	private static double logit(double p) {
		return Math.log(p / (1 - p));
	}

	/** The cut on z of best weighted accuracy over the pairs (accepting z &gt;= cut), in the middle of its interval. */
	private static double bestCut(Pairs pairs, double[] beta) {
		int n = pairs.x().length;
		Integer[] order = new Integer[n];
		double[] z = new double[n];
		double right = 0;
		for (int i = 0; i < n; i++) {
			order[i] = i;
			z[i] = z(pairs.x()[i], beta);
			if (pairs.y()[i] == 0) right += pairs.weight()[i]; // accept none
		}
		java.util.Arrays.sort(order, (a, b) -> Double.compare(z[b], z[a]));
		double best = right, cut = z[order[0]] + 1e-6;
		for (int i = 0; i < n; ) {
			double v = z[order[i]];
			while (i < n && z[order[i]] == v) {
				right += (pairs.y()[order[i]] == 1 ? 1 : -1) * pairs.weight()[order[i]];
				i++;
			}
			if (right > best) {
				best = right;
				cut = i < n ? (v + z[order[i]]) / 2 : v;
			}
		}
		return cut;
	}

	/**
	 * Minimises sum weight x logloss + penalty/2 |w - mean w|^2 + {@value #RIDGE}/2 |w|^2 (the bias not
	 * penalised) by Newton steps from {@code start}.
	 */
	private static double[] newton(Pairs pairs, double penalty, double[] start) {
		double[][] x = pairs.x();
		double[] y = pairs.y(), weight = pairs.weight();
		int n = x.length, d = x[0].length, m = d + 1;
		double[] beta = start.clone();
		for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
			double[] gradient = new double[m];
			double[][] hessian = new double[m][m];
			for (int i = 0; i < n; i++) {
				double q = sigmoid(z(x[i], beta)), r = (q - y[i]) * weight[i], s = q * (1 - q) * weight[i];
				double[] xi = x[i];
				for (int k = 0; k < d; k++) {
					double sk = s * xi[k];
					gradient[k] += r * xi[k];
					double[] row = hessian[k];
					for (int l = 0; l <= k; l++) row[l] += sk * xi[l];
				}
				gradient[d] += r;
				for (int l = 0; l < d; l++) hessian[d][l] += s * xi[l];
				hessian[d][d] += s;
			}
			// penalty/2 w' C w with C = I - 11'/d (centring): gradient penalty C w, Hessian penalty C
			double mean = 0;
			for (int k = 0; k < d; k++) mean += beta[k] / d;
			for (int k = 0; k < d; k++) {
				gradient[k] += penalty * (beta[k] - mean) + RIDGE * beta[k];
				for (int l = 0; l <= k; l++) hessian[k][l] += penalty * ((k == l ? 1 : 0) - 1.0 / d) + (k == l ? RIDGE : 0);
			}
			for (int k = 0; k < m; k++) {
				hessian[k][k] += 1e-9;
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
}
