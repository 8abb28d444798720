package org.convkit.commands.style;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.convkit.face.FaceImages;
import org.convkit.ij.ImagePlusImgs;
import org.convkit.style.RgbImages;

import java.util.ArrayList;
import java.util.List;

/** ImagePlus planes as the [w, h, 3] 0..1 images style code reads, and results back as RGB images. */
public final class StyleImages {

	private StyleImages() {}

	/** Every Z/T plane as RGB 0..1 (grey through its display range, as the face commands read images). */
	public static List<ArrayImg<FloatType, FloatArray>> planes(ImagePlus image, String parameter) {
		if (image == null) throw new IllegalArgumentException(parameter + ": expected an open image");
		List<ArrayImg<FloatType, FloatArray>> planes = new ArrayList<>();
		for (RandomAccessibleInterval<FloatType> plane : FaceImages.rgbPlanes(ImagePlusImgs.wrap(image),
			image.getDisplayRangeMin(), image.getDisplayRangeMax()))
		{
			ArrayImg<FloatType, FloatArray> copy = RgbImages.copy(plane);
			for (FloatType value : copy) value.mul(1 / 255f);
			planes.add(copy);
		}
		return planes;
	}

	/** One RGB processor from a [w, h, 3] 0..1 image. */
	public static ColorProcessor toProcessor(RandomAccessibleInterval<FloatType> rgb) {
		int w = (int) rgb.dimension(0), h = (int) rgb.dimension(1);
		int[] pixels = new int[w * h];
		for (int c = 0; c < 3; c++) {
			int shift = 16 - 8 * c, i = 0;
			for (FloatType value : Views.flatIterable(Views.hyperSlice(rgb, 2, c))) {
				pixels[i++] |= Math.round(Math.max(0, Math.min(1, value.get())) * 255) << shift;
			}
		}
		return new ColorProcessor(w, h, pixels);
	}

	/** An RGB image (a stack for several planes, labelled when labels are given). */
	public static ImagePlus toImagePlus(List<? extends RandomAccessibleInterval<FloatType>> planes, List<String> labels, String title) {
		RandomAccessibleInterval<FloatType> first = planes.get(0);
		ImageStack stack = new ImageStack((int) first.dimension(0), (int) first.dimension(1));
		for (int i = 0; i < planes.size(); i++) stack.addSlice(labels == null ? null : labels.get(i), toProcessor(planes.get(i)));
		return new ImagePlus(title, stack);
	}
}
