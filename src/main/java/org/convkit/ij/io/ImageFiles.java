package org.convkit.ij.io;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import org.convkit.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads images and writes images and tables for the command line and the demo, atomically. */
public final class ImageFiles {

	private ImageFiles() {}

	/**
	 * Opens an image file with ImageJ's readers.
	 *
	 * @param parameter the option the path came from, named in errors
	 */
	public static ImagePlus open(String parameter, Path path) {
		if (!Files.exists(path)) throw new IllegalArgumentException(parameter + ": file not found: " + path);
		if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
			throw new IllegalArgumentException(parameter + ": not a readable file: " + path);
		}
		checkSize(parameter, path);
		ImagePlus image;
		try {
			Opener opener = new Opener();
			opener.setSilentMode(true);
			// ImageJ prints what it cannot read to the console: files it would fail on are refused here
			int type = opener.getFileType(path.toString());
			if (type == Opener.UNKNOWN || type == Opener.TEXT || type == Opener.JAVA_OR_TEXT || type == Opener.TABLE) {
				throw new IllegalArgumentException(parameter + ": cannot read " + path + " as an image" + EXPECTED);
			}
			if (type == Opener.JPEG || type == Opener.PNG) checkDecodes(parameter, path);
			if (type == Opener.PGM) checkPnmLength(parameter, path);
			image = opener.openImage(path.toString());
		}
		catch (IllegalArgumentException e) {
			throw e;
		}
		catch (RuntimeException e) {
			throw new IllegalArgumentException(parameter + ": cannot read " + path + " as an image (" + e + ")", e);
		}
		if (image == null) {
			throw new IllegalArgumentException(parameter + ": cannot read " + path + " as an image" + EXPECTED);
		}
		return image;
	}

	private static final String EXPECTED = " (expected TIFF, PNG, JPEG, GIF, BMP, PGM, FITS or DICOM)";

	/**
	 * Decodes a PNG or JPEG with ImageIO, which reports damage (a cut file, corrupt data) to a
	 * listener instead of the console as ImageJ's readers do; a damaged file is refused, not opened
	 * with grey or garbled parts.
	 */
	private static void checkDecodes(String parameter, Path path) {
		java.util.List<String> warnings = new java.util.ArrayList<>();
		try (javax.imageio.stream.ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(path.toFile())) {
			java.util.Iterator<javax.imageio.ImageReader> readers = in == null ? null : javax.imageio.ImageIO.getImageReaders(in);
			if (readers == null || !readers.hasNext()) throw new IOException("no reader for its format");
			javax.imageio.ImageReader reader = readers.next();
			try {
				reader.setInput(in, true, true);
				reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
				reader.read(0);
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException e) {
			throw new IllegalArgumentException(parameter + ": cannot read " + path + " as an image: it is damaged (" + e.getMessage() + ")", e);
		}
		if (!warnings.isEmpty()) {
			throw new IllegalArgumentException(parameter + ": cannot read " + path + " as an image: it is damaged (" + warnings.get(0) + ")");
		}
	}

	/** Refuses a PGM/PPM/PBM whose header cannot be read or that holds fewer bytes than its header's pixels need. */
	private static void checkPnmLength(String parameter, Path path) {
		long[] dims = pnmSize(path);
		if (dims == null) throw new IllegalArgumentException(parameter + ": cannot read " + path + " as an image: damaged PGM/PPM header");
		long size;
		try {
			size = Files.size(path);
		}
		catch (IOException e) {
			throw new IllegalArgumentException(parameter + ": cannot read " + path + " (" + e.getMessage() + ")", e);
		}
		// binary P4/P5/P6 only: ASCII P1-P3 vary in length
		if (dims[3] >= 4) {
			long bytesPerSample = dims[3] == 4 ? 0 : dims[4] > 255 ? 2 : 1;
			long need = dims[3] == 4 ? (dims[0] + 7) / 8 * dims[1] : dims[0] * dims[1] * bytesPerSample * (dims[3] == 6 ? 3 : 1);
			if (size - dims[5] < need) {
				throw new IllegalArgumentException(parameter + ": cannot read " + path + " as an image: it is truncated (its header claims "
					+ dims[0] + " x " + dims[1] + " pixels, " + need + " bytes, but " + Math.max(0, size - dims[5]) + " bytes follow the header)");
			}
		}
	}

	/** The largest image file read: one array (ImageJ's readers read whole files). */
	private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

	/**
	 * Refuses, before ImageJ allocates anything, a file too large to read or whose header claims more
	 * pixels than one plane or the Java VM's memory holds (ImageJ would run out of memory or hang).
	 * PNM headers are read here; PNG, JPEG, GIF and BMP sizes come from ImageIO's readers without
	 * decoding. Files of other kinds, or whose header cannot be read, are left to ImageJ.
	 */
	private static void checkSize(String parameter, Path path) {
		long size;
		try {
			size = Files.size(path);
		}
		catch (IOException e) {
			throw new IllegalArgumentException(parameter + ": cannot read " + path + " (" + e.getMessage() + ")", e);
		}
		if (size > MAX_BYTES) {
			throw new IllegalArgumentException(parameter + ": " + path + " is " + size + " bytes; image files over " + MAX_BYTES + " bytes are not read");
		}
		long[] dims = pnmSize(path);
		if (dims == null) dims = imageIoSize(path);
		if (dims == null) return;
		long width = dims[0], height = dims[1], bytesPerPixel = dims[2];
		long max = Runtime.getRuntime().maxMemory();
		if (width <= 0 || height <= 0 || width * height > Integer.MAX_VALUE - 8 || width * height * bytesPerPixel > max) {
			throw new IllegalArgumentException(parameter + ": " + path + " claims " + width + " x " + height + " pixels ("
				+ width * height * bytesPerPixel + " bytes), more than one image plane or this Java VM's " + max + " bytes of memory (-Xmx) hold");
		}
	}

	/** Width, height and bytes per pixel from a PGM/PPM/PBM header; null when the file is not PNM or the header is unreadable. */
	private static long[] pnmSize(Path path) {
		byte[] head;
		try (java.io.InputStream in = Files.newInputStream(path)) {
			head = in.readNBytes(4096);
		}
		catch (IOException e) {
			return null;
		}
		if (head.length < 3 || head[0] != 'P' || head[1] < '1' || head[1] > '6') return null;
		long[] fields = new long[3];
		int wanted = head[1] == '1' || head[1] == '4' ? 2 : 3;
		int i = 2, n = 0;
		while (n < wanted && i < head.length) {
			byte c = head[i];
			if (c == '#') {
				while (i < head.length && head[i] != '\n') i++;
			}
			else if (c >= '0' && c <= '9') {
				long v = 0;
				while (i < head.length && head[i] >= '0' && head[i] <= '9' && v < 1L << 40) v = v * 10 + (head[i++] - '0');
				fields[n++] = v;
				continue;
			}
			else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return null;
			i++;
		}
		if (n < wanted) return null;
		boolean colour = head[1] == '3' || head[1] == '6';
		long bytesPerPixel = colour ? 4 : wanted == 3 && fields[2] > 255 ? 2 : 1;
		// width, height, bytes per pixel in memory, the kind (1-6), maxval, header length (one blank after the last field)
		return new long[] {fields[0], fields[1], bytesPerPixel, head[1] - '0', wanted == 3 ? fields[2] : 1, i + 1};
	}

	/** Width, height and 4 bytes per pixel from an ImageIO reader's header (no decoding); null when none reads it. */
	private static long[] imageIoSize(Path path) {
		try (javax.imageio.stream.ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(path.toFile())) {
			if (in == null) return null;
			java.util.Iterator<javax.imageio.ImageReader> readers = javax.imageio.ImageIO.getImageReaders(in);
			if (!readers.hasNext()) return null;
			javax.imageio.ImageReader reader = readers.next();
			try {
				reader.setInput(in, true, true);
				return new long[] {reader.getWidth(0), reader.getHeight(0), 4};
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException e) {
			return null; // ImageJ reports what it cannot read
		}
	}

	/** Saves as TIFF (stacks and hyperstacks included), calibration kept. */
	public static void saveTiff(ImagePlus image, Path target) throws IOException {
		AtomicFiles.write(target, temporary -> {
			if (!new FileSaver(image).saveAsTiff(temporary.toString())) throw new IOException("could not write " + target);
		});
	}

	/**
	 * Saves the current plane as PNG as it looks on screen: grey scaled by the display range, RGB in
	 * colour, with the overlay's ROIs of that plane drawn in.
	 */
	public static void savePng(ImagePlus image, Path target) throws IOException {
		ImageProcessor plane = image.getProcessor();
		ImagePlus view = new ImagePlus(image.getTitle(), plane instanceof ColorProcessor ? plane.duplicate() : plane.convertToByteProcessor(true));
		Overlay overlay = image.getOverlay();
		if (overlay != null) {
			Overlay onPlane = new Overlay();
			for (Roi roi : overlay.toArray()) {
				boolean here = image.getStackSize() == 1 || roi.getPosition() == 0 && roi.getZPosition() == 0 && roi.getTPosition() == 0
					|| roi.getPosition() == image.getCurrentSlice()
					|| roi.getPosition() == 0 && roi.getZPosition() == image.getSlice() && (roi.getTPosition() == 0 || roi.getTPosition() == image.getFrame());
				if (here) {
					Roi copy = (Roi) roi.clone();
					copy.setPosition(0);
					onPlane.add(copy);
				}
			}
			view.setOverlay(onPlane);
			view = view.flatten();
		}
		ImagePlus png = view;
		AtomicFiles.write(target, temporary -> {
			if (!new FileSaver(png).saveAsPng(temporary.toString())) throw new IOException("could not write " + target);
		});
	}

	/** Saves a table as CSV. */
	public static void saveCsv(ResultsTable table, Path target) throws IOException {
		AtomicFiles.write(target, temporary -> table.saveAs(temporary.toString()));
	}
}
