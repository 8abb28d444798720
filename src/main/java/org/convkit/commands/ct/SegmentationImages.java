package org.convkit.commands.ct;

import ij.ImagePlus;
import ij.ImageStack;

import java.util.Arrays;
import java.util.List;

import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.convkit.ct.VolumeGeometry;
import org.convkit.ct.segment.LabelClasses;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;

/** Label and probability volumes as ImageJ images with their input's geometry, and the same-grid check. */
final class SegmentationImages {

	static final String OTHER_SIZE = "%s: '%s' is %s voxels but '%s' is %s; a label volume must have its image's size";
	static final String OTHER_GEOMETRY = "%s: '%s' (%s) does not lie on the grid of '%s' (%s); a label volume must have its image's geometry";

	private SegmentationImages() {}

	/** Refuses a label volume of another size or geometry (spacing, origin, direction), naming both. */
	static void checkSameGrid(ImagePlus image, Volume volume, ImagePlus labels, Volume labelVolume, String parameter) {
		if (volume.frames() > 1) throw new IllegalArgumentException("image: '" + image.getTitle() + "' has " + volume.frames() + " frames; expected one volume");
		if (!Arrays.equals(volume.voxels().dimensionsAsLongArray(), labelVolume.voxels().dimensionsAsLongArray()))
			throw new IllegalArgumentException(String.format(OTHER_SIZE, parameter, labels.getTitle(), labelVolume.dimensionsText(), image.getTitle(), volume.dimensionsText()));
		VolumeGeometry a = volume.geometry(), b = labelVolume.geometry();
		// 1e-3 mm: the precision NIfTI's float header fields keep
		if (!a.approximatelyEquals(b, 1e-3))
			throw new IllegalArgumentException(String.format(OTHER_GEOMETRY, parameter, labels.getTitle(), b.describe(), image.getTitle(), a.describe()));
	}

	/** A label volume on the input's grid: 32-bit label values with its geometry and calibration (kind: labels). */
	static ImagePlus labelImage(ArrayImg<FloatType, FloatArray> labels, Volume input, String title, int maxLabel) {
		PlanarImg<FloatType, FloatArray> planes = Volume.allocate(labels.dimensionsAsLongArray());
		float[] data = labels.update(null).getCurrentStorageArray();
		int plane = (int) (labels.dimension(0) * labels.dimension(1));
		for (int z = 0; z < labels.dimension(2); z++) System.arraycopy(data, z * plane, planes.getPlane(z).getCurrentStorageArray(), 0, plane);
		Volume v = new Volume(planes, input.geometry(), ValueKind.LABELS, input.source(), List.of());
		ImagePlus imp = CtImages.toImagePlus(v, title, null);
		imp.setDisplayRange(0, Math.max(1, maxLabel));
		return imp;
	}

	/** Probabilities (x, y, z, class) as a hyperstack, one channel per class (background first), with the input's calibration and geometry. */
	static ImagePlus probabilityImage(ArrayImg<FloatType, FloatArray> probabilities, Volume input, LabelClasses classes, String title) {
		int w = (int) probabilities.dimension(0), h = (int) probabilities.dimension(1), z = (int) probabilities.dimension(2), k = (int) probabilities.dimension(3);
		float[] data = probabilities.update(null).getCurrentStorageArray();
		ImageStack stack = new ImageStack(w, h);
		for (int s = 0; s < z; s++)
			for (int c = 0; c < k; c++) {
				float[] p = new float[w * h];
				System.arraycopy(data, (c * z + s) * w * h, p, 0, w * h);
				stack.addSlice(c == 0 ? "background" : "label " + classes.value(c), p);
			}
		// geometry and calibration as a one-channel volume of the input has them
		ImagePlus like = CtImages.toImagePlus(new Volume(Volume.allocate(1, 1, 1), input.geometry(), ValueKind.INTENSITY, input.source(), List.of()), title, null);
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(k, z, 1);
		imp.setOpenAsHyperStack(true);
		imp.setCalibration(like.getCalibration());
		imp.getCalibration().setValueUnit("");
		imp.setProp(CtImages.GEOMETRY, like.getProp(CtImages.GEOMETRY));
		imp.setProp(CtImages.SOURCE, input.source());
		imp.setDisplayRange(0, 1);
		return imp;
	}
}
