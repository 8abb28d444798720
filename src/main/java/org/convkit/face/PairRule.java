package org.convkit.face;

/**
 * How two encodings are judged "same person": a dissimilarity (lower: more alike) and the largest
 * one accepted. The distance rule is d = ||f(a) - f(b)|| with tau; the {@link PairClassifier} rule
 * is 1 - y_hat with 1 - its threshold on y_hat, so that matching, recognition ("unknown" beyond the
 * threshold) and the evaluation treat both alike.
 */
public interface PairRule {

	/** Lower when a and b are more likely the same person. */
	double dissimilarity(float[] a, float[] b);

	/** The largest dissimilarity accepted as the same person. */
	double threshold();

	/** The Euclidean distance rule d &lt;= tau. */
	static PairRule distance(double tau) {
		if (!(tau > 0)) throw new IllegalArgumentException("tau: expected a positive distance, got " + tau);
		return new PairRule() {
			@Override
			public double dissimilarity(float[] a, float[] b) {
				return FaceMatcher.distance(a, b);
			}

			@Override
			public double threshold() {
				return tau;
			}
		};
	}
}
