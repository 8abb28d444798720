package org.convkit.face;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.converter.Converter;
import net.imglib2.converter.Converters;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

import java.util.ArrayList;
import java.util.List;

/**
 * The planes of an image as the RGB views (dims [w, h, 3], values 0..255) the face networks read,
 * without copying: RGB pixels are split into channels, a grey plane is used for all three, three
 * channels are taken as R, G, B. Grey values are mapped from a display range to 0..255, so 16 and
 * 32-bit images look to the networks as they look on screen.
 */
public final class FaceImages {

	private FaceImages() {}

	/**
	 * One RGB view per Z slice and time point of a 5-D XYCZT image, in ImageJ's order (Z fastest).
	 *
	 * @param displayMin grey value shown as black (ignored for RGB pixels)
	 * @param displayMax grey value shown as white
	 */
	@SuppressWarnings("unchecked")
	public static List<RandomAccessibleInterval<FloatType>> rgbPlanes(RandomAccessibleInterval<?> xyczt, double displayMin, double displayMax) {
		if (xyczt.numDimensions() != 5) throw new IllegalArgumentException("image: expected 5 dimensions XYCZT, got " + xyczt.numDimensions());
		long channels = xyczt.dimension(2);
		boolean argb = xyczt.getType() instanceof ARGBType;
		if (!argb && channels != 1 && channels != 3) {
			throw new IllegalArgumentException("image: expected a grey, RGB or 3-channel image, got " + channels + " channels");
		}
		if (argb && channels != 1) throw new IllegalArgumentException("image: expected one channel of RGB pixels, got " + channels);
		if (!argb && !(displayMax > displayMin)) {
			throw new IllegalArgumentException("image: its display range is empty (" + displayMin + " to " + displayMax + "); set one (Image > Adjust > Brightness/Contrast)");
		}
		List<RandomAccessibleInterval<FloatType>> planes = new ArrayList<>();
		for (long t = 0; t < xyczt.dimension(4); t++) {
			for (long z = 0; z < xyczt.dimension(3); z++) {
				RandomAccessibleInterval<?> xyc = Views.hyperSlice(Views.hyperSlice(xyczt, 4, t), 3, z);
				planes.add(argb ? rgb((RandomAccessibleInterval<ARGBType>) Views.hyperSlice(xyc, 2, 0))
					: grey((RandomAccessibleInterval<? extends RealType<?>>) xyc, displayMin, displayMax));
			}
		}
		return planes;
	}

	private static RandomAccessibleInterval<FloatType> rgb(RandomAccessibleInterval<ARGBType> xy) {
		Converter<RealType<?>, FloatType> toFloat = (in, out) -> out.setReal(in.getRealFloat());
		return Converters.convert(Converters.argbChannels(xy, 1, 2, 3), toFloat, new FloatType());
	}

	private static RandomAccessibleInterval<FloatType> grey(RandomAccessibleInterval<? extends RealType<?>> xyc, double min, double max) {
		double scale = 255 / (max - min);
		// NaN (32-bit images' "no value") shows as black, as ImageJ draws it; Math.max/min would pass it on to the networks.
		Converter<RealType<?>, FloatType> display = (in, out) -> {
			double value = (in.getRealDouble() - min) * scale;
			out.setReal(value > 0 ? Math.min(255, value) : 0);
		};
		RandomAccessibleInterval<FloatType> scaled = Converters.convert(xyc, display, new FloatType());
		if (xyc.dimension(2) == 3) return scaled;
		RandomAccessibleInterval<FloatType> plane = Views.hyperSlice(scaled, 2, 0);
		return Views.stack(plane, plane, plane);
	}
}
