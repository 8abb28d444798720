package org.convkit.ij.io;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
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
		ImagePlus image = IJ.openImage(path.toString());
		if (image == null) {
			throw new IllegalArgumentException(parameter + ": cannot read " + path +
				" as an image (expected TIFF, PNG, JPEG, GIF, BMP, PGM, FITS or DICOM)");
		}
		return image;
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
