package org.convkit.face.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Which triplets (anchor, positive, negative) of a batch of P persons x K images the loss is taken
 * over, chosen from the batch's squared distances d (no gradient flows through the choice).
 * <ul>
 * <li>{@code semi_hard} (Schroff et al., FaceNet): for every anchor-positive pair, a random negative
 * with d(A,P) &lt; d(A,N) &lt; d(A,P) + alpha: violating the margin, yet not closer than the
 * positive (the hardest negatives make training collapse early); pairs without one give none;</li>
 * <li>{@code hard} ("batch hard", Hermans et al.): for every anchor, its farthest positive and its
 * nearest negative in the batch;</li>
 * <li>{@code random}: for every anchor-positive pair, any negative, most of which soon satisfy the
 * margin and teach nothing: the comparison the mining is about.</li>
 * </ul>
 */
public enum TripletMining {
	SEMI_HARD, HARD, RANDOM;

	/** The macro/parameter name. */
	public String key() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static TripletMining fromKey(String key) {
		for (TripletMining m : values()) if (m.key().equals(key)) return m;
		throw new IllegalArgumentException("mining: expected one of semi_hard, hard, random, got '" + key + "'");
	}

	/**
	 * The triplets of a batch.
	 *
	 * @param squared squared distances, n x n row-major
	 * @param labels the person of each row
	 * @return triplets as {anchor, positive, negative} row indices
	 */
	public List<int[]> select(float[] squared, int[] labels, double margin, Random random) {
		int n = labels.length;
		List<int[]> triplets = new ArrayList<>();
		List<Integer> candidates = new ArrayList<>();
		for (int a = 0; a < n; a++) {
			if (this == HARD) {
				int p = -1, q = -1;
				for (int j = 0; j < n; j++) {
					if (j == a) continue;
					float d = squared[a * n + j];
					if (labels[j] == labels[a]) {
						if (p < 0 || d > squared[a * n + p]) p = j;
					}
					else if (q < 0 || d < squared[a * n + q]) q = j;
				}
				if (p >= 0 && q >= 0) triplets.add(new int[] { a, p, q });
				continue;
			}
			for (int p = 0; p < n; p++) {
				if (p == a || labels[p] != labels[a]) continue;
				double dap = squared[a * n + p];
				candidates.clear();
				for (int q = 0; q < n; q++) {
					if (labels[q] == labels[a]) continue;
					double daq = squared[a * n + q];
					if (this == RANDOM || daq > dap && daq < dap + margin) candidates.add(q);
				}
				if (!candidates.isEmpty()) triplets.add(new int[] { a, p, candidates.get(random.nextInt(candidates.size())) });
			}
		}
		return triplets;
	}

	/**
	 * The fraction of all triplets of the batch (every anchor, positive and negative) whose loss is
	 * not zero: how much is left to learn, whichever triplets the loss is taken over.
	 */
	public static double activeFraction(float[] squared, int[] labels, double margin) {
		int n = labels.length;
		long all = 0, active = 0;
		for (int a = 0; a < n; a++)
			for (int p = 0; p < n; p++) {
				if (p == a || labels[p] != labels[a]) continue;
				for (int q = 0; q < n; q++) {
					if (labels[q] == labels[a]) continue;
					all++;
					if (squared[a * n + p] - squared[a * n + q] + margin > 0) active++;
				}
			}
		return all == 0 ? 0 : (double) active / all;
	}
}
