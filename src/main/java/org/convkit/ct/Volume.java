package org.convkit.ct;

import java.util.List;

import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.real.FloatType;

/**
 * A CT (or other) volume: voxel values as 32-bit floats in an ImgLib2 image with axes
 * {@code x, y, z} or {@code x, y, z, t} (one float array per xy plane, z fastest then t: ImageJ's
 * stack order, so an ImagePlus can share the planes), placed in the patient by its
 * {@link VolumeGeometry}, with the meaning of its values and where it came from.
 *
 * @param voxels        the values, in {@link ValueKind#unit()} (HU for CT: rescale slope and intercept applied)
 * @param geometry      spacing, origin and direction of the x, y, z axes (LPS, mm)
 * @param kind          what the values are
 * @param frameInterval time between frames of a 4-D volume, in seconds (0 when unknown or 3-D)
 * @param source        where it came from, e.g. the file or folder read
 * @param notes         what was done or noticed while reading (resampling, tilt correction, a
 *                      non-CT modality), for the user to see beside the image
 */
public record Volume(PlanarImg<FloatType, FloatArray> voxels, VolumeGeometry geometry, ValueKind kind, double frameInterval,
	String source, List<String> notes) {

	public Volume {
		int n = voxels.numDimensions();
		if (n != 3 && n != 4) throw new IllegalArgumentException("expected a 3-D or 4-D volume (x, y, z[, t]), got " + n + "-D");
		notes = List.copyOf(notes);
	}

	public Volume(PlanarImg<FloatType, FloatArray> voxels, VolumeGeometry geometry, ValueKind kind, String source, List<String> notes) {
		this(voxels, geometry, kind, 0, source, notes);
	}

	/** A zero-filled image of these dimensions (x, y, z[, t]). */
	public static PlanarImg<FloatType, FloatArray> allocate(long... dims) {
		return PlanarImgs.floats(dims);
	}

	public long width() {
		return voxels.dimension(0);
	}

	public long height() {
		return voxels.dimension(1);
	}

	public long depth() {
		return voxels.dimension(2);
	}

	/** Number of frames: the t dimension, 1 for a 3-D volume. */
	public long frames() {
		return voxels.numDimensions() > 3 ? voxels.dimension(3) : 1;
	}

	/** The float array of plane {@code z} of frame {@code t} (shared, not copied). */
	public float[] plane(int z, int t) {
		return voxels.getPlane(z + (int) depth() * t).getCurrentStorageArray();
	}

	/** The same volume with other notes. */
	public Volume withNotes(List<String> newNotes) {
		return new Volume(voxels, geometry, kind, frameInterval, source, newNotes);
	}

	/** Dimensions in words: 512x512x28 or 64x64x30x10. */
	public String dimensionsText() {
		StringBuilder s = new StringBuilder();
		for (int d = 0; d < voxels.numDimensions(); d++) s.append(d == 0 ? "" : "x").append(voxels.dimension(d));
		return s.toString();
	}
}
