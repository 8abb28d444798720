package org.convkit.commands.ct;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.convkit.ct.WindowPreset;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * An image as the CT commands hand it to a 3-D network, and the network's results back as images
 * that keep the input's calibration and geometry.
 * <p>
 * The network's third axis is z; for a 2-D + time stack (one slice, several frames) it is t, so
 * a movie is processed as one volume. A volume with both slices and frames is processed frame by
 * frame. Channels become the network's input channels ({@code (x, y, z, c)}). Each channel is read
 * through {@link CtImages#toVolume} (values through the calibration function, geometry from the
 * image's properties); results are laid out like the input (channels, slices, frames) with the
 * input's Calibration, its {@link CtImages#GEOMETRY} and the result's {@link ValueKind}, so Save
 * NIfTI and {@code convkit run} write them on the input's grid.
 */
public final class VolumeStacks {

	static final String TOO_THIN = "%s: '%s' is %s; a 3-D network needs a volume (several slices) or a 2-D + time stack (several frames)";

	private final ImagePlus image;
	private final List<Volume> channels;
	private final boolean timeAsDepth;

	private VolumeStacks(ImagePlus image, List<Volume> channels, boolean timeAsDepth) {
		this.image = image;
		this.channels = channels;
		this.timeAsDepth = timeAsDepth;
	}

	/**
	 * @param parameter the option the image came from, named in errors
	 * @throws IllegalArgumentException for no image, RGB, or a single plane
	 */
	public static VolumeStacks of(ImagePlus imp, String parameter) {
		if (imp == null) throw new IllegalArgumentException(parameter + ": no image");
		int c = imp.getNChannels(), z = imp.getNSlices(), t = imp.getNFrames();
		if (z == 1 && t == 1) throw new IllegalArgumentException(String.format(TOO_THIN, parameter, imp.getTitle(), "a single plane"));
		List<Volume> channels = new ArrayList<>();
		for (int k = 1; k <= c; k++) channels.add(CtImages.toVolume(c == 1 ? imp : channel(imp, k), parameter));
		return new VolumeStacks(imp, channels, z == 1);
	}

	/** Channel {@code k} (from 1) as an image of its own, sharing the planes, with the image's calibration and properties. */
	private static ImagePlus channel(ImagePlus imp, int k) {
		int z = imp.getNSlices(), t = imp.getNFrames();
		ImageStack stack = new ImageStack(imp.getWidth(), imp.getHeight());
		for (int f = 1; f <= t; f++)
			for (int s = 1; s <= z; s++) stack.addSlice(null, imp.getStack().getPixels(imp.getStackIndex(k, s, f)));
		ImagePlus one = new ImagePlus(imp.getTitle(), stack);
		one.setDimensions(1, z, t);
		one.setCalibration(imp.getCalibration().copy());
		for (String key : new String[] {CtImages.GEOMETRY, CtImages.VALUES, CtImages.SOURCE}) {
			String value = imp.getProp(key);
			if (value != null) one.setProp(key, value);
		}
		one.setFileInfo(imp.getOriginalFileInfo());
		return one;
	}

	public ImagePlus image() {
		return image;
	}

	/** The first channel's volume: geometry, value kind, notes. */
	public Volume volume() {
		return channels.get(0);
	}

	public ValueKind kind() {
		return channels.get(0).kind();
	}

	public int channels() {
		return channels.size();
	}

	/** Whether the network's third axis is time (a 2-D + time stack). */
	public boolean timeAsDepth() {
		return timeAsDepth;
	}

	/** How many times the network runs: once per frame, or once for a 2-D + time stack. */
	public int runs() {
		return timeAsDepth ? 1 : image.getNFrames();
	}

	/** The voxel spacing along the network's x, y and third axis (the frame interval, or 1, for time). */
	public double[] spacing() {
		Volume v = volume();
		double third = timeAsDepth ? (v.frameInterval() > 0 ? v.frameInterval() : 1) : v.geometry().spacing(2);
		return new double[] {v.geometry().spacing(0), v.geometry().spacing(1), third};
	}

	/** The network input of run {@code r}: {@code (x, y, z)} for one channel, else {@code (x, y, z, c)}; no copy. */
	public RandomAccessibleInterval<FloatType> input(int r) {
		List<RandomAccessibleInterval<FloatType>> parts = new ArrayList<>();
		for (Volume v : channels) parts.add(threeD(v, r));
		return parts.size() == 1 ? parts.get(0) : Views.stack(parts);
	}

	/** The 3-D view of a channel for run {@code r}. */
	private RandomAccessibleInterval<FloatType> threeD(Volume v, int r) {
		if (v.voxels().numDimensions() == 3) return v.voxels();
		return timeAsDepth ? Views.hyperSlice(v.voxels(), 2, 0) : Views.hyperSlice(v.voxels(), 3, r);
	}

	/** The size in words: "122x101x30, 1 channel" or "64x64, 40 frames as the third axis, 2 channels". */
	public String describe() {
		int c = channels();
		String size = timeAsDepth ? image.getWidth() + "x" + image.getHeight() + ", " + image.getNFrames() + " frames as the third axis"
			: volume().dimensionsText();
		return String.format(Locale.ROOT, "%s, %d channel%s", size, c, c == 1 ? "" : "s");
	}

	/**
	 * The results of every run as one image laid out like the input: each result {@code (x, y, z)}
	 * or {@code (x, y, z, k)} for k output channels.
	 *
	 * @param window display window, or null for the full range
	 */
	public ImagePlus result(List<? extends RandomAccessibleInterval<? extends RealType<?>>> runs, String title, ValueKind kind, WindowPreset window) {
		if (runs.size() != runs()) throw new IllegalArgumentException("expected " + runs() + " results, got " + runs.size());
		RandomAccessibleInterval<? extends RealType<?>> first = runs.get(0);
		int w = image.getWidth(), h = image.getHeight(), k = first.numDimensions() > 3 ? (int) first.dimension(3) : 1;
		int depth = (int) first.dimension(2);
		int z = timeAsDepth ? 1 : depth, t = timeAsDepth ? depth : runs.size();
		float[][] planes = new float[k * z * t][w * h];
		for (int r = 0; r < runs.size(); r++) {
			RandomAccessibleInterval<? extends RealType<?>> out = runs.get(r);
			if (out.dimension(0) != w || out.dimension(1) != h) throw new IllegalArgumentException("result " + (r + 1) + " is not " + w + "x" + h);
			for (int ch = 0; ch < k; ch++) {
				RandomAccessibleInterval<? extends RealType<?>> one = k == 1 && out.numDimensions() == 3 ? out : Views.hyperSlice(out, 3, ch);
				for (int s = 0; s < depth; s++) {
					int slice = timeAsDepth ? 0 : s, frame = timeAsDepth ? s : r;
					float[] plane = planes[(frame * z + slice) * k + ch];
					Cursor<? extends RealType<?>> cursor = Views.flatIterable(Views.hyperSlice(one, 2, s)).cursor();
					for (int i = 0; i < plane.length; i++) plane[i] = cursor.next().getRealFloat();
				}
			}
		}
		ImageStack stack = new ImageStack(w, h);
		for (float[] plane : planes) stack.addSlice(null, plane);
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(k, z, t);
		if (imp.getNDimensions() > 3) imp.setOpenAsHyperStack(true);
		Calibration cal = image.getCalibration().copy();
		cal.disableDensityCalibration();
		cal.setValueUnit(kind.unit());
		imp.setCalibration(cal);
		String geometry = image.getProp(CtImages.GEOMETRY);
		imp.setProp(CtImages.GEOMETRY, geometry != null && !geometry.isBlank() ? geometry : volume().geometry().format());
		imp.setProp(CtImages.VALUES, kind.name());
		imp.setProp(CtImages.SOURCE, volume().source());
		CtImages.applyWindow(imp, window);
		return imp;
	}
}
