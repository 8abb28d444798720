package org.convkit.face.eval;

import org.convkit.face.PairRule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Verification figures of scored pairs under a {@link PairRule} ("same" when the dissimilarity is
 * at most a threshold): the ROC curve (true-accept rate against false-accept rate over every
 * threshold), its area (AUC), the equal error rate, the threshold of best accuracy and the accuracy
 * at a given threshold, the true-accept rate at false-accept rates of 1% and 0.1%, and the
 * 10-fold accuracy of the LFW protocol: the threshold chosen on nine folds, scored on the tenth.
 * Folds are split by person (every person in one fold; fold f tests the pairs with a person of f and
 * chooses its threshold on the pairs without one, so no tested person was seen in choosing), or
 * given by the pairs themselves (LFW's pairs.txt is ten such blocks).
 *
 * @param pairs the pairs, as given
 * @param roc the ROC curve from (0, 0) to (1, 1), one point per distinct dissimilarity
 * @param auc area under the ROC curve (ties count half)
 * @param eer equal error rate (false-accept rate = false-reject rate, interpolated on the ROC)
 * @param bestThreshold the dissimilarity threshold of best accuracy over all pairs (middle of its interval)
 * @param threshold the threshold the accuracy below is at
 * @param accuracyAtThreshold accuracy over all pairs at {@code threshold}
 * @param folds folds of the 10-fold accuracy (fewer with fewer persons)
 * @param foldAccuracies accuracy on each fold's test pairs at the threshold chosen on its training pairs
 */
public record VerificationEvaluation(List<ScoredPair> pairs, List<RocPoint> roc, double auc, double eer, double bestThreshold, double bestAccuracy,
	double threshold, double accuracyAtThreshold, double tarAtFar1pct, double tarAtFar01pct, int folds, double[] foldAccuracies)
{
	/** The 10 folds of the LFW protocol. */
	public static final int FOLDS = 10;

	/**
	 * A pair of faces and its dissimilarity.
	 *
	 * @param first the first face (e.g. its file), for tables
	 * @param personA the first face's person index
	 * @param fold the pair's fold, or -1 to split folds by person
	 */
	public record ScoredPair(String first, String second, int personA, int personB, boolean same, double dissimilarity, int fold) {}

	/** A point of the ROC curve: accepting dissimilarities up to {@code threshold}. */
	public record RocPoint(double threshold, double falseAcceptRate, double trueAcceptRate) {}

	/** Every unordered pair of a dataset's encodings (person -&gt; encodings), scored by a rule. */
	public static List<ScoredPair> allPairs(Map<String, List<float[]>> encodings, Map<String, List<String>> names, PairRule rule) {
		List<float[]> all = new ArrayList<>();
		List<String> labels = new ArrayList<>();
		List<Integer> owner = new ArrayList<>();
		int p = 0;
		for (Map.Entry<String, List<float[]>> person : encodings.entrySet()) {
			List<String> personNames = names == null ? null : names.get(person.getKey());
			for (int i = 0; i < person.getValue().size(); i++) {
				all.add(person.getValue().get(i));
				labels.add(personNames == null ? person.getKey() + "/" + (i + 1) : personNames.get(i));
				owner.add(p);
			}
			p++;
		}
		List<ScoredPair> pairs = new ArrayList<>();
		for (int i = 0; i < all.size(); i++)
			for (int j = i + 1; j < all.size(); j++) {
				pairs.add(new ScoredPair(labels.get(i), labels.get(j), owner.get(i), owner.get(j), owner.get(i).equals(owner.get(j)),
					rule.dissimilarity(all.get(i), all.get(j)), -1));
			}
		return pairs;
	}

	/**
	 * Evaluates scored pairs.
	 *
	 * @param threshold the threshold of {@link #accuracyAtThreshold}
	 * @throws IllegalArgumentException without same-person or without different-person pairs
	 */
	public static VerificationEvaluation of(List<ScoredPair> pairs, double threshold) {
		long same = pairs.stream().filter(ScoredPair::same).count(), different = pairs.size() - same;
		if (same == 0 || different == 0) {
			throw new IllegalArgumentException("pairs: expected same-person and different-person pairs, got " + same + " same and " + different + " different");
		}
		List<RocPoint> roc = roc(pairs, same, different);
		double auc = 0;
		for (int i = 1; i < roc.size(); i++) {
			RocPoint a = roc.get(i - 1), b = roc.get(i);
			auc += (b.falseAcceptRate() - a.falseAcceptRate()) * (a.trueAcceptRate() + b.trueAcceptRate()) / 2;
		}
		double eer = 1;
		for (int i = 1; i < roc.size(); i++) {
			RocPoint a = roc.get(i - 1), b = roc.get(i);
			double ga = (1 - a.trueAcceptRate()) - a.falseAcceptRate(), gb = (1 - b.trueAcceptRate()) - b.falseAcceptRate();
			if (ga >= 0 && gb <= 0) { // false-reject minus false-accept changes sign between a and b
				double t = ga == gb ? 0 : ga / (ga - gb);
				eer = a.falseAcceptRate() + t * (b.falseAcceptRate() - a.falseAcceptRate());
				break;
			}
		}
		double[] best = bestThreshold(pairs, i -> true);
		double tar1 = 0, tar01 = 0;
		for (RocPoint point : roc) {
			if (point.falseAcceptRate() <= 0.01) tar1 = Math.max(tar1, point.trueAcceptRate());
			if (point.falseAcceptRate() <= 0.001) tar01 = Math.max(tar01, point.trueAcceptRate());
		}
		boolean given = pairs.stream().allMatch(q -> q.fold() >= 0);
		int persons = 1 + pairs.stream().mapToInt(q -> Math.max(q.personA(), q.personB())).max().orElse(0);
		int folds = given ? 1 + pairs.stream().mapToInt(ScoredPair::fold).max().orElse(0) : Math.min(FOLDS, persons);
		double[] foldAccuracies = new double[folds];
		for (int f = 0; f < folds; f++) {
			int fold = f;
			java.util.function.IntPredicate tested = given ? i -> pairs.get(i).fold() == fold
				: i -> pairs.get(i).personA() % folds == fold || pairs.get(i).personB() % folds == fold;
			double[] chosen = bestThreshold(pairs, i -> !tested.test(i));
			int right = 0, count = 0;
			for (int i = 0; i < pairs.size(); i++) {
				if (!tested.test(i)) continue;
				count++;
				if ((pairs.get(i).dissimilarity() <= chosen[0]) == pairs.get(i).same()) right++;
			}
			foldAccuracies[f] = count == 0 ? Double.NaN : (double) right / count;
		}
		return new VerificationEvaluation(pairs, roc, auc, eer, best[0], best[1], threshold, accuracy(pairs, threshold), tar1, tar01, folds, foldAccuracies);
	}

	/** The mean accuracy over the folds. */
	public double accuracy10Fold() {
		return Arrays.stream(foldAccuracies).filter(a -> !Double.isNaN(a)).average().orElse(Double.NaN);
	}

	/** The standard deviation of the fold accuracies (n - 1). */
	public double accuracy10FoldSd() {
		double[] a = Arrays.stream(foldAccuracies).filter(v -> !Double.isNaN(v)).toArray();
		if (a.length < 2) return 0;
		double mean = accuracy10Fold(), sum = 0;
		for (double v : a) sum += (v - mean) * (v - mean);
		return Math.sqrt(sum / (a.length - 1));
	}

	public static double accuracy(List<ScoredPair> pairs, double threshold) {
		int right = 0;
		for (ScoredPair p : pairs) if ((p.dissimilarity() <= threshold) == p.same()) right++;
		return (double) right / pairs.size();
	}

	/** The ROC: points after each run of equal dissimilarities, accepted in increasing order. */
	private static List<RocPoint> roc(List<ScoredPair> pairs, long same, long different) {
		List<ScoredPair> sorted = new ArrayList<>(pairs);
		sorted.sort(Comparator.comparingDouble(ScoredPair::dissimilarity));
		List<RocPoint> roc = new ArrayList<>();
		roc.add(new RocPoint(Double.NEGATIVE_INFINITY, 0, 0));
		long tp = 0, fp = 0;
		for (int i = 0; i < sorted.size(); ) {
			double d = sorted.get(i).dissimilarity();
			while (i < sorted.size() && sorted.get(i).dissimilarity() == d) {
				if (sorted.get(i).same()) tp++;
				else fp++;
				i++;
			}
			roc.add(new RocPoint(d, (double) fp / different, (double) tp / same));
		}
		return roc;
	}

	/**
	 * The threshold of best accuracy over the selected pairs: {threshold, accuracy}; the middle of
	 * the best interval between consecutive distinct dissimilarities (of equally good ones, the lowest).
	 */
	public static double[] bestThreshold(List<ScoredPair> pairs, java.util.function.IntPredicate selected) {
		List<ScoredPair> chosen = new ArrayList<>();
		for (int i = 0; i < pairs.size(); i++) if (selected.test(i)) chosen.add(pairs.get(i));
		if (chosen.isEmpty()) return new double[] { Double.NaN, Double.NaN };
		chosen.sort(Comparator.comparingDouble(ScoredPair::dissimilarity));
		long different = chosen.stream().filter(p -> !p.same()).count();
		long correct = different; // accept none
		long best = correct;
		double bestIndexValue = chosen.get(0).dissimilarity() - 1e-6;
		for (int i = 0; i < chosen.size(); ) {
			double d = chosen.get(i).dissimilarity();
			while (i < chosen.size() && chosen.get(i).dissimilarity() == d) {
				correct += chosen.get(i).same() ? 1 : -1;
				i++;
			}
			if (correct > best) {
				best = correct;
				bestIndexValue = i < chosen.size() ? (d + chosen.get(i).dissimilarity()) / 2 : d;
			}
		}
		return new double[] { bestIndexValue, (double) best / chosen.size() };
	}
}
