package org.convkit.commands.ct;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileInfo;
import ij.measure.Calibration;
import ij.process.ImageProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.convkit.ct.VolumeGeometry;
import org.convkit.ct.WindowPreset;

import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Volumes as ImageJ images and back.
 *
 * <p>An ImagePlus of a volume is 32-bit and holds the values themselves (HU for CT): Fiji's
 * measurements, histograms and thresholds are in HU with no calibration function to keep right,
 * and resampled or tilt-corrected volumes, which are not integers, need floats anyway. Its
 * planes are the volume's own float arrays (no copy). The Calibration gives the voxel size in mm
 * (pixelWidth/Height/Depth, unit "mm"), the value unit ("HU"), the frame interval of a 4-D volume,
 * and, for a volume whose axes are LPS's own, the origin (so ImageJ's coordinates are patient
 * coordinates). The full geometry (origin, direction cosines, LPS) and the value kind travel as
 * image properties ({@link #GEOMETRY}, {@link #VALUES}), which ImageJ keeps in TIFF files, so
 * Save NIfTI writes the same grid back. A window preset sets the display range.
 *
 * <p>Reading back ({@link #toVolume}): 8- and 16-bit images go through their calibration function
 * when they have one (e.g. DICOM opened by ImageJ, whose 16-bit data are offset), so values are
 * physical; the spacing comes from the Calibration (converted to mm), the direction and origin from
 * the geometry property when present (else axis-aligned, from the calibration's origin).
 */
public final class CtImages {

	/** Image property: {@link VolumeGeometry#format()}. */
	public static final String GEOMETRY = "ConvKit.CT.geometry";
	/** Image property: the value kind ({@link ValueKind#name()}). */
	public static final String VALUES = "ConvKit.CT.values";
	/** Image property: where the volume came from. */
	public static final String SOURCE = "ConvKit.CT.source";

	/** Window options of Open CT Volume, the presets' spellings among them. */
	public static final String AUTO = "auto", FULL_RANGE = "full_range";

	private CtImages() {}

	/**
	 * @param window a preset, or null for the full range of values
	 */
	public static ImagePlus toImagePlus(Volume v, String title, WindowPreset window) {
		int w = (int) v.width(), h = (int) v.height(), z = (int) v.depth(), t = (int) v.frames();
		ImageStack stack = new ImageStack(w, h);
		for (int p = 0; p < z * t; p++) stack.addSlice(null, v.voxels().getPlane(p).getCurrentStorageArray());
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(1, z, t);
		if (z > 1 && t > 1) imp.setOpenAsHyperStack(true);
		VolumeGeometry g = v.geometry();
		Calibration cal = imp.getCalibration();
		cal.pixelWidth = g.spacing(0);
		cal.pixelHeight = g.spacing(1);
		cal.pixelDepth = g.spacing(2);
		cal.setUnit("mm");
		cal.setValueUnit(v.kind().unit());
		if (t > 1 && v.frameInterval() > 0) {
			cal.frameInterval = v.frameInterval();
			cal.setTimeUnit("s");
		}
		if (isIdentity(g.direction())) {
			cal.xOrigin = -g.origin()[0] / g.spacing(0);
			cal.yOrigin = -g.origin()[1] / g.spacing(1);
			cal.zOrigin = -g.origin()[2] / g.spacing(2);
		}
		imp.setProp(GEOMETRY, g.format());
		imp.setProp(VALUES, v.kind().name());
		imp.setProp(SOURCE, v.source());
		imp.setProperty("Info", info(v));
		applyWindow(imp, window);
		return imp;
	}

	/** Sets the display range to a preset's window, or to the full range of values (null). */
	public static void applyWindow(ImagePlus imp, WindowPreset window) {
		if (window != null) {
			imp.setDisplayRange(window.min(), window.max());
			return;
		}
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		ImageStack stack = imp.getStack();
		for (int i = 1; i <= stack.getSize(); i++) {
			ImageProcessor ip = stack.getProcessor(i);
			ip.resetMinAndMax();
			min = Math.min(min, ip.getMin());
			max = Math.max(max, ip.getMax());
		}
		if (min <= max) imp.setDisplayRange(min, max);
	}

	/** The window option: a preset, null for full_range, and for auto a soft-tissue window on HU, else full range. */
	public static WindowPreset window(String option, ValueKind kind) {
		if (option == null || option.isBlank() || option.equals(AUTO)) return kind == ValueKind.HOUNSFIELD ? WindowPreset.SOFT_TISSUE : null;
		if (option.equals(FULL_RANGE)) return null;
		WindowPreset p = WindowPreset.parse(option);
		if (p == null) throw new IllegalArgumentException(String.format(OpenCtVolumeCommand.BAD_WINDOW, option));
		return p;
	}

	/** The text of the image's Info: source, size, geometry, kind and notes. */
	static String info(Volume v) {
		StringBuilder s = new StringBuilder();
		s.append("source: ").append(v.source()).append('\n');
		s.append("size: ").append(v.dimensionsText()).append('\n');
		s.append("geometry: ").append(v.geometry().describe()).append('\n');
		s.append("values: ").append(v.kind().name().toLowerCase(Locale.ROOT)).append(v.kind().unit().isEmpty() ? "" : " (" + v.kind().unit() + ")").append('\n');
		for (String note : v.notes()) s.append("note: ").append(note).append('\n');
		return s.toString();
	}

	private static boolean isIdentity(double[] d) {
		for (int i = 0; i < 9; i++) if (Math.abs(d[i] - (i % 4 == 0 ? 1 : 0)) > 1e-9) return false;
		return true;
	}

	/** Reads a TIFF (or any image ImageJ opens) as a volume, with its calibration and ConvKit's properties. */
	public static Volume readImage(Path file) throws IOException {
		if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no such file");
		ImagePlus imp = IJ.openImage(file.toString());
		if (imp == null) throw new IOException(file.getFileName() + ": ImageJ could not open it as an image");
		Volume v = toVolume(imp, "path");
		String source = imp.getProp(SOURCE);
		return new Volume(v.voxels(), v.geometry(), v.kind(), v.frameInterval(), file.toAbsolutePath() + (source == null || source.isBlank() ? "" : " (from " + source + ")"), v.notes());
	}

	/** A float image on the stack's own planes. */
	private static PlanarImg<FloatType, FloatArray> shared(ImageStack stack, long[] dims) {
		List<FloatArray> planes = new ArrayList<>();
		for (int p = 1; p <= stack.getSize(); p++) planes.add(new FloatArray((float[]) stack.getPixels(p)));
		PlanarImg<FloatType, FloatArray> img = new PlanarImg<>(planes, dims, new net.imglib2.util.Fraction());
		img.setLinkedType(new FloatType(img));
		return img;
	}

	/**
	 * The image as a volume (values copied to float, physical through the calibration function).
	 *
	 * @param parameter the option the image came from, named in errors
	 */
	public static Volume toVolume(ImagePlus imp, String parameter) {
		return volume(imp, parameter, false);
	}

	/**
	 * {@link #toVolume}, but a 32-bit image's volume shares its pixel arrays instead of copying them:
	 * for readers only (writing a file), so that saving a large volume needs no second copy of it.
	 */
	public static Volume viewVolume(ImagePlus imp, String parameter) {
		return volume(imp, parameter, true);
	}

	private static Volume volume(ImagePlus imp, String parameter, boolean share) {
		if (imp == null) throw new IllegalArgumentException(parameter + ": no image");
		if (imp.getType() == ImagePlus.COLOR_RGB) {
			throw new IllegalArgumentException(parameter + ": expected a grey image (8, 16 or 32-bit), got RGB in '" + imp.getTitle() + "'");
		}
		if (imp.getNChannels() > 1) {
			throw new IllegalArgumentException(parameter + ": '" + imp.getTitle() + "' has " + imp.getNChannels() + " channels; a volume has one (split them first)");
		}
		int w = imp.getWidth(), h = imp.getHeight(), z = imp.getNSlices(), t = imp.getNFrames();
		List<String> notes = new ArrayList<>();
		Calibration cal = imp.getCalibration();
		float[] table = imp.getType() == ImagePlus.GRAY32 ? null : cal.getCTable();
		long[] dims = t > 1 ? new long[] {w, h, z, t} : new long[] {w, h, z};
		ImageStack stack = imp.getStack();
		boolean shares = share && imp.getType() == ImagePlus.GRAY32;
		PlanarImg<FloatType, FloatArray> img = shares ? shared(stack, dims) : Volume.allocate(dims);
		for (int p = 0; p < z * t && !shares; p++) {
			float[] out = img.getPlane(p).getCurrentStorageArray();
			Object pixels = stack.getPixels(p + 1);
			if (pixels instanceof float[] f) System.arraycopy(f, 0, out, 0, out.length);
			else if (pixels instanceof short[] s) for (int i = 0; i < out.length; i++) out[i] = table == null ? s[i] & 0xffff : table[s[i] & 0xffff];
			else if (pixels instanceof byte[] b) for (int i = 0; i < out.length; i++) out[i] = table == null ? b[i] & 0xff : table[b[i] & 0xff];
			else throw new IllegalArgumentException(parameter + ": plane " + (p + 1) + " of '" + imp.getTitle() + "' has no grey pixels");
		}
		double unit = millimetres(cal.getUnit());
		double[] spacing;
		if (Double.isNaN(unit)) {
			spacing = new double[] {1, 1, 1};
			notes.add("no spatial calibration (unit '" + cal.getUnit() + "'): 1 mm voxels assumed");
			unit = 1;
		}
		else {
			spacing = new double[] {cal.pixelWidth * unit, cal.pixelHeight * unit, cal.pixelDepth * unit};
		}
		VolumeGeometry geometry;
		String stored = imp.getProp(GEOMETRY);
		VolumeGeometry kept = null;
		if (stored != null && !stored.isBlank()) {
			try {
				kept = VolumeGeometry.parse(stored);
			}
			catch (IllegalArgumentException e) {
				notes.add("ignored the image's " + GEOMETRY + " property: " + e.getMessage());
			}
		}
		if (kept != null) {
			boolean same = true;
			// TIFF keeps the calibration as rationals (1/3 mm -> 333333/1000000): within 1e-4 it is the same spacing
			for (int a = 0; a < 3; a++) same &= Math.abs(kept.spacing(a) - spacing[a]) <= 1e-4 * kept.spacing(a);
			geometry = same ? kept : kept.withSpacing(spacing);
			if (!same) notes.add("voxel size from the image's calibration (it differs from the stored geometry's)");
		}
		else {
			geometry = VolumeGeometry.aligned(spacing, new double[] {-cal.xOrigin * spacing[0], -cal.yOrigin * spacing[1], -cal.zOrigin * spacing[2]});
			notes.add("no ConvKit geometry in the image: axes taken as LPS, origin from the calibration");
		}
		String values = imp.getProp(VALUES);
		ValueKind kind = values != null && !values.isBlank() ? ValueKind.parse(values)
			: cal.getValueUnit().strip().equalsIgnoreCase("HU") ? ValueKind.HOUNSFIELD : ValueKind.INTENSITY;
		double frameInterval = t > 1 && cal.frameInterval > 0 ? cal.frameInterval : 0;
		FileInfo fi = imp.getOriginalFileInfo();
		String source = fi != null && fi.fileName != null && fi.directory != null ? Path.of(fi.directory, fi.fileName).toString() : "image '" + imp.getTitle() + "'";
		return new Volume(img, geometry, kind, frameInterval, source, notes);
	}

	/** Factor from an ImageJ length unit to mm, or NaN when it is not a length. */
	static double millimetres(String unit) {
		String u = unit == null ? "" : unit.strip().toLowerCase(Locale.ROOT);
		return switch (u) {
			case "mm", "millimeter", "millimetre", "millimeters", "millimetres" -> 1;
			case "cm", "centimeter", "centimetre" -> 10;
			case "m", "meter", "metre" -> 1000;
			case "\u00b5m", "um", "micron", "microns" -> 0.001;
			case "nm" -> 1e-6;
			case "inch", "inches", "in" -> 25.4;
			default -> Double.NaN;
		};
	}

	/** The file an image was read from, if ConvKit or ImageJ knows it. */
	static List<Path> inputFiles(ImagePlus imp) {
		List<Path> files = new ArrayList<>();
		FileInfo fi = imp.getOriginalFileInfo();
		if (fi != null && fi.fileName != null && fi.directory != null && !fi.fileName.isBlank()) files.add(Path.of(fi.directory, fi.fileName));
		String source = imp.getProp(SOURCE);
		if (source != null && !source.isBlank()) {
			try {
				Path p = Path.of(source);
				if (Files.isRegularFile(p)) files.add(p);
			}
			catch (RuntimeException e) {
				// a description such as "folder (series ...)", not a path
			}
		}
		return files;
	}
}
