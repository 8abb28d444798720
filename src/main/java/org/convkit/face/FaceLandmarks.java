package org.convkit.face;

import java.util.Arrays;

/**
 * The 68 facial landmarks of one face (the iBUG 300-W / dlib numbering that face-api uses, 0-based:
 * 0-16 jaw, 17-21 and 22-26 brows, 27-35 nose, 36-41 and 42-47 eyes, 48-67 mouth), in image pixels
 * (same frame as {@link FaceBox}). "Left" and "right" are as seen in the image: the left eye is the one
 * on the image's left (the person's right eye), as in face-api's {@code getLeftEye()}.
 */
public final class FaceLandmarks {

	public static final int POINTS = 68;

	private final FaceBox face;
	private final double[] xs;
	private final double[] ys;

	/**
	 * @param face the face box the landmarks were found in
	 * @param xs 68 x coordinates in image pixels
	 * @param ys 68 y coordinates in image pixels
	 */
	public FaceLandmarks(FaceBox face, double[] xs, double[] ys) {
		if (xs.length != POINTS || ys.length != POINTS) {
			throw new IllegalArgumentException("landmarks: expected " + POINTS + " x and y coordinates, got " + xs.length + " and " + ys.length);
		}
		this.face = face;
		this.xs = xs.clone();
		this.ys = ys.clone();
	}

	/** The face box the landmarks were found in. */
	public FaceBox face() {
		return face;
	}

	public double x(int i) {
		return xs[i];
	}

	public double y(int i) {
		return ys[i];
	}

	/** Point {@code i} as {x, y}. */
	public double[] point(int i) {
		return new double[] { xs[i], ys[i] };
	}

	/** All points as {x, y} pairs, in landmark order. */
	public double[][] points() {
		double[][] points = new double[POINTS][];
		for (int i = 0; i < POINTS; i++) points[i] = point(i);
		return points;
	}

	/** Centre of the eye on the image's left: the mean of points 36-41. */
	public double[] leftEye() {
		return mean(36, 42);
	}

	/** Centre of the eye on the image's right: the mean of points 42-47. */
	public double[] rightEye() {
		return mean(42, 48);
	}

	/** The tip of the nose: point 30. */
	public double[] nose() {
		return point(30);
	}

	/** Centre of the mouth: the mean of points 48-67 (outer and inner lip contours). */
	public double[] mouth() {
		return mean(48, 68);
	}

	/** Mean of points {@code from} (inclusive) to {@code to} (exclusive), as {x, y}. */
	public double[] mean(int from, int to) {
		double x = 0, y = 0;
		for (int i = from; i < to; i++) {
			x += xs[i];
			y += ys[i];
		}
		return new double[] { x / (to - from), y / (to - from) };
	}

	@Override
	public String toString() {
		return "FaceLandmarks[" + face + ", x=" + Arrays.toString(xs) + ", y=" + Arrays.toString(ys) + "]";
	}
}
