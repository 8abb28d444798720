package org.convkit.ij.io;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.measure.ResultsTable;
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

	/** Saves one 8-bit view of the current plane as PNG, scaled by the display range. */
	public static void savePng(ImagePlus image, Path target) throws IOException {
		ImagePlus view = new ImagePlus(image.getTitle(), image.getProcessor().convertToByteProcessor(true));
		AtomicFiles.write(target, temporary -> {
			if (!new FileSaver(view).saveAsPng(temporary.toString())) throw new IOException("could not write " + target);
		});
	}

	/** Saves a table as CSV. */
	public static void saveCsv(ResultsTable table, Path target) throws IOException {
		AtomicFiles.write(target, temporary -> table.saveAs(temporary.toString()));
	}
}
