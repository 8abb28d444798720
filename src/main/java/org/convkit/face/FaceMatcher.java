package org.convkit.face;

import java.util.List;

/**
 * Decides with a learned similarity: d(a, b) = ||f(a) - f(b)|| between encodings, "same person"
 * when d <= tau (dlib's convention: Euclidean distance, tau = 0.6). A person with several
 * encodings is as close as their closest one.
 */
public final class FaceMatcher {

	/** dlib's threshold on the Euclidean distance between 128-D encodings. */
	public static final double DEFAULT_TAU = 0.6;
	/** The label of a face that matches nobody in the gallery. */
	public static final String UNKNOWN = "unknown";
	/** Why nothing can be recognized against a gallery without persons. */
	public static final String EMPTY_GALLERY = "gallery: is empty; enroll at least one person first";

	/** A verification: the distance to the claimed person and whether it is within tau. */
	public record Verification(String claimed, double distance, boolean same) {
		public double squaredDistance() {
			return distance * distance;
		}
	}

	/** A recognition: the best person (or UNKNOWN), its distance, and the runner-up. */
	public record Recognition(String identity, String nearest, double distance, String runnerUp, double runnerUpDistance) {
		public boolean known() {
			return !identity.equals(UNKNOWN);
		}
	}

	private final FaceGallery gallery;
	private final PairRule rule;

	public FaceMatcher(FaceGallery gallery, double tau) {
		this(gallery, PairRule.distance(tau));
	}

	/**
	 * With another rule, e.g. a {@link PairClassifier}: "distance" then means the rule's
	 * dissimilarity (for the classifier 1 - y_hat) and tau its threshold.
	 */
	public FaceMatcher(FaceGallery gallery, PairRule rule) {
		this.gallery = gallery;
		this.rule = rule;
	}

	public Verification verify(float[] encoding, String claimed) {
		double distance = distanceTo(encoding, gallery.encodings(claimed));
		return new Verification(claimed, distance, distance <= rule.threshold());
	}

	/** The nearest person if within tau, else UNKNOWN; the runner-up is the second-nearest person. */
	public Recognition recognize(float[] encoding) {
		if (gallery.isEmpty()) throw new IllegalArgumentException(EMPTY_GALLERY);
		String best = null, second = null;
		double bestDistance = Double.POSITIVE_INFINITY, secondDistance = Double.POSITIVE_INFINITY;
		for (String name : gallery.names()) {
			double distance = distanceTo(encoding, gallery.encodings(name));
			if (distance < bestDistance) {
				second = best;
				secondDistance = bestDistance;
				best = name;
				bestDistance = distance;
			}
			else if (distance < secondDistance) {
				second = name;
				secondDistance = distance;
			}
		}
		return new Recognition(bestDistance <= rule.threshold() ? best : UNKNOWN, best, bestDistance, second == null ? "" : second, secondDistance);
	}

	private double distanceTo(float[] encoding, List<float[]> encodings) {
		double best = Double.POSITIVE_INFINITY;
		for (float[] other : encodings) best = Math.min(best, rule.dissimilarity(encoding, other));
		return best;
	}

	/** Euclidean distance between two encodings. */
	public static double distance(float[] a, float[] b) {
		if (a.length != b.length) throw new IllegalArgumentException("encodings differ in length: " + a.length + " and " + b.length);
		double sum = 0;
		for (int i = 0; i < a.length; i++) {
			double d = a[i] - b[i];
			sum += d * d;
		}
		return Math.sqrt(sum);
	}
}
