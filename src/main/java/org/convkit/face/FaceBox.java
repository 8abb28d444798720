package org.convkit.face;

/**
 * A detected face: its box in image pixels (x to the right, y down, from the image's top-left corner,
 * the image's min at 0) and the detector's score in (0, 1).
 *
 * @param x left edge
 * @param y top edge
 * @param width box width
 * @param height box height
 * @param score the detector's confidence (sigmoid of the box's score logit)
 */
public record FaceBox(double x, double y, double width, double height, double score) {

	public FaceBox {
		if (!(width >= 0 && height >= 0) || !Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(width) || !Double.isFinite(height)) {
			throw new IllegalArgumentException("face box: expected finite coordinates and a non-negative size, got " + x + ", " + y + ", " + width + " x " + height);
		}
	}

	public double right() {
		return x + width;
	}

	public double bottom() {
		return y + height;
	}

	public double centerX() {
		return x + width / 2;
	}

	public double centerY() {
		return y + height / 2;
	}

	/** Intersection over union with another box (0 when either is empty and they do not overlap). */
	public double iou(FaceBox other) {
		double w = Math.max(0, Math.min(right(), other.right()) - Math.max(x, other.x));
		double h = Math.max(0, Math.min(bottom(), other.bottom()) - Math.max(y, other.y));
		double intersection = w * h;
		double union = width * height + other.width * other.height - intersection;
		return union > 0 ? intersection / union : 0;
	}
}
