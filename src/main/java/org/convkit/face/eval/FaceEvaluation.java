package org.convkit.face.eval;

import org.convkit.face.FaceGallery;
import org.convkit.face.FaceMatcher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How well face encodings tell persons apart, from encodings alone (no images, no network): the
 * figures of a face dataset laid out as persons x images, e.g. ORL's s1..s20 x 1..10.
 * <ul>
 * <li><b>Verification</b> over all unordered pairs of encodings: "same person" when the
 * Euclidean distance d &lt;= tau. Accuracy over all pairs, balanced accuracy (mean of the
 * true-accept and true-reject rates: different-person pairs outnumber same-person pairs), true- and
 * false-accept rates at tau, and the best tau for accuracy and for balanced accuracy, found exactly
 * by sweeping the sorted distances.</li>
 * <li><b>Closed-set one-shot recognition</b>: for each enrolled image index k, image k of every
 * person is enrolled ({@link FaceGallery}, {@link FaceMatcher}) and every other image queried; a
 * query is right when its nearest person is its own (tau ignored).</li>
 * <li><b>Open-set recognition</b> at tau: image k of each person of the first half (in map order)
 * is enrolled; all images of the second half are strangers. False-accept rate: strangers
 * recognised as anyone (not {@link FaceMatcher#UNKNOWN}); true-accept rate: the first half's other
 * images recognised as themselves within tau.</li>
 * </ul>
 * A {@code null} encoding (e.g. no face found) takes part in nothing: its pairs and queries are
 * left out, and a person whose image k is null is not enrolled for k, so that person's images are
 * left out of k's queries (the counts say how many remained).
 *
 * @param persons persons, in the given order
 * @param imagesPerPerson images per person (every person has as many)
 * @param missing null encodings
 * @param tau the threshold of the "at tau" and open-set figures
 * @param verification pair figures
 * @param closedSet closed-set recognition per enrolled index k
 * @param openSet open-set recognition per enrolled index k
 */
public record FaceEvaluation(List<String> persons, int imagesPerPerson, int missing, double tau,
	Verification verification, ClosedSet closedSet, OpenSet openSet)
{

	/** Accept / reject figures of the pairs at one threshold: accept "same person" when d &lt;= tau. */
	public record Rates(double tau, double accuracy, double balancedAccuracy, double trueAcceptRate, double falseAcceptRate) {}

	/**
	 * A best threshold: every tau in [{@code low}, {@code high}) gives the same (best) figures;
	 * {@code rates.tau()} is the middle of that interval ({@code low} when {@code high} is infinite,
	 * i.e. when accepting every pair is best). Of several equally good intervals, the lowest.
	 */
	public record Threshold(Rates rates, double low, double high) {}

	/**
	 * Verification over all unordered pairs of (non-null) encodings.
	 *
	 * @param meanSameDistance mean distance of same-person pairs (NaN without any)
	 * @param meanDifferentDistance mean distance of different-person pairs (NaN without any)
	 */
	public record Verification(long samePairs, long differentPairs, double meanSameDistance, double meanDifferentDistance,
		Rates atTau, Threshold bestAccuracy, Threshold bestBalancedAccuracy)
	{
		public long pairs() {
			return samePairs + differentPairs;
		}
	}

	/**
	 * Closed-set one-shot recognition, per enrolled image index k.
	 *
	 * @param accuracy fraction of queries whose nearest person is right, per k (NaN without queries)
	 * @param queries queries per k
	 */
	public record ClosedSet(double[] accuracy, int[] queries) {
		/** Enrolling each person's first image. */
		public double accuracyAtK0() {
			return accuracy[0];
		}

		/** The mean over all k. */
		public double meanAccuracy() {
			return mean(accuracy);
		}
	}

	/**
	 * Open-set recognition at tau, per enrolled image index k.
	 *
	 * @param enrolled the first half of the persons (enrolled)
	 * @param strangers the second half (never enrolled)
	 * @param falseAcceptRate fraction of the strangers' images recognised as someone, per k
	 * @param trueAcceptRate fraction of the enrolled persons' other images recognised as themselves within tau, per k
	 * @param strangerQueries stranger queries per k
	 * @param knownQueries queries of enrolled persons per k
	 */
	public record OpenSet(List<String> enrolled, List<String> strangers, double[] falseAcceptRate, double[] trueAcceptRate,
		int[] strangerQueries, int[] knownQueries)
	{
		public double falseAcceptRateAtK0() {
			return falseAcceptRate[0];
		}

		public double trueAcceptRateAtK0() {
			return trueAcceptRate[0];
		}

		public double meanFalseAcceptRate() {
			return mean(falseAcceptRate);
		}

		public double meanTrueAcceptRate() {
			return mean(trueAcceptRate);
		}
	}

	/** The evaluation at {@link FaceMatcher#DEFAULT_TAU}. */
	public static FaceEvaluation of(Map<String, List<float[]>> encodings) {
		return of(encodings, FaceMatcher.DEFAULT_TAU);
	}

	/**
	 * Evaluates encodings by person.
	 *
	 * @param encodings person -&gt; encodings of images 0..n-1, in a fixed order (e.g. a
	 *        LinkedHashMap): at least 2 persons, each with the same number n &gt;= 2 of encodings of
	 *        {@link FaceGallery#ENCODING_LENGTH} values, or null where an image has none; person names
	 *        as {@link FaceGallery#checkName} accepts
	 * @param tau the threshold of the "at tau" and open-set figures
	 */
	public static FaceEvaluation of(Map<String, List<float[]>> encodings, double tau) {
		if (!(tau > 0)) throw new IllegalArgumentException("tau: expected a positive distance, got " + tau);
		List<String> persons = List.copyOf(encodings.keySet());
		if (persons.size() < 2) throw new IllegalArgumentException("encodings: expected at least 2 persons, got " + persons.size());
		List<List<float[]>> byPerson = new ArrayList<>();
		int n = -1, missing = 0;
		for (String person : persons) {
			FaceGallery.checkName(person);
			List<float[]> list = encodings.get(person);
			if (list == null) throw new IllegalArgumentException("encodings: person '" + person + "' has no list of encodings");
			if (n < 0) n = list.size();
			if (list.size() != n) {
				throw new IllegalArgumentException("encodings: every person needs as many images; '" + persons.get(0) + "' has " + n +
					", '" + person + "' has " + list.size());
			}
			for (float[] e : list) {
				if (e == null) missing++;
				else if (e.length != FaceGallery.ENCODING_LENGTH) {
					throw new IllegalArgumentException("encodings: expected " + FaceGallery.ENCODING_LENGTH + " values per encoding, got " +
						e.length + " for '" + person + "'");
				}
			}
			byPerson.add(new ArrayList<>(list));
		}
		if (n < 2) throw new IllegalArgumentException("encodings: expected at least 2 images per person, got " + n);
		return new FaceEvaluation(persons, n, missing, tau, verification(byPerson, tau), closedSet(persons, byPerson),
			openSet(persons, byPerson, tau));
	}

	// ---- verification ----

	private static Verification verification(List<List<float[]>> byPerson, double tau) {
		List<float[]> all = new ArrayList<>();
		List<Integer> owner = new ArrayList<>();
		for (int p = 0; p < byPerson.size(); p++) {
			for (float[] e : byPerson.get(p)) {
				if (e == null) continue;
				all.add(e);
				owner.add(p);
			}
		}
		int m = all.size();
		long pairs = (long) m * (m - 1) / 2;
		if (pairs > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("encodings: too many (" + m + ") for all pairs");
		double[] distance = new double[(int) pairs];
		boolean[] same = new boolean[(int) pairs];
		long samePairs = 0;
		double sameSum = 0, differentSum = 0;
		int q = 0;
		for (int i = 0; i < m; i++) {
			for (int j = i + 1; j < m; j++, q++) {
				distance[q] = FaceMatcher.distance(all.get(i), all.get(j));
				same[q] = owner.get(i).equals(owner.get(j));
				if (same[q]) {
					samePairs++;
					sameSum += distance[q];
				}
				else differentSum += distance[q];
			}
		}
		long differentPairs = pairs - samePairs;

		long sameAccepted = 0, differentAccepted = 0;
		for (int i = 0; i < q; i++) {
			if (distance[i] <= tau) {
				if (same[i]) sameAccepted++;
				else differentAccepted++;
			}
		}
		Rates atTau = rates(tau, sameAccepted, differentAccepted, samePairs, differentPairs);

		// Sweep: accepting d <= tau changes only where tau passes a distance, so the candidates are
		// "accept none" and "accept all pairs up to the i-th distinct distance".
		Integer[] order = new Integer[q];
		for (int i = 0; i < q; i++) order[i] = i;
		Arrays.sort(order, (a, b) -> Double.compare(distance[a], distance[b]));
		// Candidates compare by exact integer scores: correct pairs, and balanced accuracy times 2 S D.
		Threshold bestAccuracy = null, bestBalanced = null;
		long bestCorrect = -1, bestBalancedScore = -1;
		sameAccepted = differentAccepted = 0;
		double low = 0;
		for (int i = 0; ; ) {
			// Accepting the distances before index i (all < high), rejecting from index i on.
			double high = i < q ? distance[order[i]] : Double.POSITIVE_INFINITY;
			if (high > low) { // (a distance of 0 leaves no tau that accepts none)
				double middle = Double.isInfinite(high) ? low : (low + high) / 2;
				long differentRejected = differentPairs - differentAccepted;
				long correct = sameAccepted + differentRejected;
				long balancedScore = samePairs == 0 ? differentRejected : differentPairs == 0 ? sameAccepted
					: sameAccepted * differentPairs + differentRejected * samePairs;
				if (correct > bestCorrect) {
					bestCorrect = correct;
					bestAccuracy = new Threshold(rates(middle, sameAccepted, differentAccepted, samePairs, differentPairs), low, high);
				}
				if (balancedScore > bestBalancedScore) {
					bestBalancedScore = balancedScore;
					bestBalanced = new Threshold(rates(middle, sameAccepted, differentAccepted, samePairs, differentPairs), low, high);
				}
			}
			if (i == q) break;
			do {
				if (same[order[i]]) sameAccepted++;
				else differentAccepted++;
				i++;
			} while (i < q && distance[order[i]] == high);
			low = high;
		}
		return new Verification(samePairs, differentPairs, sameSum / samePairs, differentSum / differentPairs, atTau, bestAccuracy,
			bestBalanced);
	}

	private static Rates rates(double tau, long sameAccepted, long differentAccepted, long samePairs, long differentPairs) {
		long correct = sameAccepted + (differentPairs - differentAccepted);
		double tar = (double) sameAccepted / samePairs, far = (double) differentAccepted / differentPairs;
		double balanced = samePairs == 0 ? 1 - far : differentPairs == 0 ? tar : (tar + 1 - far) / 2;
		return new Rates(tau, (double) correct / (samePairs + differentPairs), balanced, tar, far);
	}

	// ---- recognition ----

	private static ClosedSet closedSet(List<String> persons, List<List<float[]>> byPerson) {
		int n = byPerson.get(0).size();
		double[] accuracy = new double[n];
		int[] queries = new int[n];
		for (int k = 0; k < n; k++) {
			FaceGallery gallery = enrol(persons, byPerson, k, persons.size());
			FaceMatcher matcher = new FaceMatcher(gallery, FaceMatcher.DEFAULT_TAU);
			int right = 0;
			for (int p = 0; p < persons.size(); p++) {
				if (!gallery.contains(persons.get(p))) continue;
				for (int i = 0; i < n; i++) {
					float[] e = byPerson.get(p).get(i);
					if (i == k || e == null) continue;
					queries[k]++;
					if (matcher.recognize(e).nearest().equals(persons.get(p))) right++;
				}
			}
			accuracy[k] = (double) right / queries[k];
		}
		return new ClosedSet(accuracy, queries);
	}

	private static OpenSet openSet(List<String> persons, List<List<float[]>> byPerson, double tau) {
		int n = byPerson.get(0).size(), half = persons.size() / 2;
		double[] far = new double[n], tar = new double[n];
		int[] strangerQueries = new int[n], knownQueries = new int[n];
		for (int k = 0; k < n; k++) {
			FaceGallery gallery = enrol(persons, byPerson, k, half);
			// An empty gallery (every enrolled image k missing) recognises nobody: no false accepts.
			FaceMatcher matcher = gallery.isEmpty() ? null : new FaceMatcher(gallery, tau);
			int falseAccepts = 0, trueAccepts = 0;
			for (int p = 0; p < persons.size(); p++) {
				boolean stranger = p >= half;
				if (!stranger && !gallery.contains(persons.get(p))) continue;
				for (int i = 0; i < n; i++) {
					float[] e = byPerson.get(p).get(i);
					if (e == null || (!stranger && i == k)) continue;
					if (stranger) {
						strangerQueries[k]++;
						if (matcher != null && matcher.recognize(e).known()) falseAccepts++;
					}
					else {
						knownQueries[k]++;
						if (matcher.recognize(e).identity().equals(persons.get(p))) trueAccepts++;
					}
				}
			}
			far[k] = (double) falseAccepts / strangerQueries[k];
			tar[k] = (double) trueAccepts / knownQueries[k];
		}
		return new OpenSet(persons.subList(0, half), persons.subList(half, persons.size()), far, tar, strangerQueries, knownQueries);
	}

	/** A gallery of image k of the first {@code count} persons (those whose image k exists). */
	private static FaceGallery enrol(List<String> persons, List<List<float[]>> byPerson, int k, int count) {
		FaceGallery gallery = new FaceGallery("evaluation");
		for (int p = 0; p < count; p++) {
			float[] e = byPerson.get(p).get(k);
			if (e != null) gallery.enroll(persons.get(p), e);
		}
		return gallery;
	}

	/** Mean of the non-NaN values (NaN when none). */
	private static double mean(double[] values) {
		double sum = 0;
		int count = 0;
		for (double v : values) {
			if (Double.isNaN(v)) continue;
			sum += v;
			count++;
		}
		return count == 0 ? Double.NaN : sum / count;
	}

	// ---- report ----

	/** The figures as a small plain-text table. */
	public String report() {
		StringBuilder s = new StringBuilder();
		Verification v = verification;
		int n = imagesPerPerson;
		s.append(String.format(Locale.ROOT, "%d persons x %d images (%d encodings, %d missing), tau = %s%n", persons.size(), n,
			persons.size() * n - missing, missing, number(tau)));
		s.append(String.format(Locale.ROOT, "Verification, all %d pairs (%d same person, %d different); mean distance: same %.4f, different %.4f%n",
			v.pairs(), v.samePairs(), v.differentPairs(), v.meanSameDistance(), v.meanDifferentDistance()));
		s.append(String.format(Locale.ROOT, "  %-24s %8s %9s %9s %8s %8s   %s%n", "", "tau", "accuracy", "balanced", "TAR", "FAR",
			"same result for tau in"));
		rateRow(s, "at tau", v.atTau(), null);
		rateRow(s, "best accuracy", v.bestAccuracy().rates(), v.bestAccuracy());
		rateRow(s, "best balanced accuracy", v.bestBalancedAccuracy().rates(), v.bestBalancedAccuracy());
		s.append(String.format(Locale.ROOT, "Recognition, enrolling image k (0-based) of each person:%n"));
		s.append(String.format(Locale.ROOT, "  %-24s", "k"));
		for (int k = 0; k < n; k++) s.append(String.format(Locale.ROOT, " %6d", k));
		s.append(String.format(Locale.ROOT, " %7s%n", "mean"));
		perK(s, "closed-set accuracy", closedSet.accuracy(), closedSet.meanAccuracy());
		perK(s, "open-set TAR at tau", openSet.trueAcceptRate(), openSet.meanTrueAcceptRate());
		perK(s, "open-set FAR at tau", openSet.falseAcceptRate(), openSet.meanFalseAcceptRate());
		s.append(String.format(Locale.ROOT, "  closed set: all %d persons enrolled, queries = their other images (%d for k = 0), nearest person, tau ignored%n",
			persons.size(), closedSet.queries()[0]));
		s.append(String.format(Locale.ROOT, "  open set: %s enrolled (%d queries of their other images for k = 0); strangers %s (%d queries)%n",
			span(openSet.enrolled()), openSet.knownQueries()[0], span(openSet.strangers()), openSet.strangerQueries()[0]));
		return s.toString();
	}

	private static void rateRow(StringBuilder s, String label, Rates r, Threshold t) {
		s.append(String.format(Locale.ROOT, "  %-24s %8.4f %9.4f %9.4f %8.4f %8.4f", label, r.tau(), r.accuracy(), r.balancedAccuracy(),
			r.trueAcceptRate(), r.falseAcceptRate()));
		if (t != null) s.append(String.format(Locale.ROOT, "   [%.4f, %s)", t.low(), Double.isInfinite(t.high()) ? "inf" : String.format(Locale.ROOT, "%.4f", t.high())));
		s.append(System.lineSeparator());
	}

	private static void perK(StringBuilder s, String label, double[] values, double mean) {
		s.append(String.format(Locale.ROOT, "  %-24s", label));
		for (double v : values) s.append(String.format(Locale.ROOT, " %6.3f", v));
		s.append(String.format(Locale.ROOT, " %7.4f%n", mean));
	}

	private static String span(List<String> names) {
		if (names.isEmpty()) return "none";
		return names.size() == 1 ? names.get(0) : names.get(0) + ".." + names.get(names.size() - 1);
	}

	private static String number(double value) {
		return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
	}
}
