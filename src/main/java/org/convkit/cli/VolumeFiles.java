package org.convkit.cli;

import ij.ImagePlus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.convkit.commands.ct.CtImages;
import org.convkit.ct.CtFiles;
import org.convkit.ct.Volume;
import org.convkit.ct.io.DicomSlice;
import org.convkit.ct.io.NiftiDatatype;
import org.convkit.ct.io.NiftiFiles;

import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Volumes on {@code convkit run}'s command line: an image option naming a NIfTI file, a DICOM file
 * or a folder of DICOM files is read as Open CT Volume reads it (HU, mm, geometry), and a run whose
 * input was such a volume writes its image results as {@code .nii.gz} on the input's grid (the
 * geometry the CT commands keep in their results) instead of TIFF.
 */
final class VolumeFiles {

	static final String SUFFIX = ".nii.gz";

	private VolumeFiles() {}

	/** Whether a path is read as a volume: a .nii/.nii.gz, a file that starts as DICOM does, or a folder holding one. */
	static boolean isVolume(Path path) {
		if (Files.isDirectory(path)) {
			try (var files = Files.list(path)) {
				return files.anyMatch(VolumeFiles::isDicom);
			}
			catch (IOException e) {
				return false;
			}
		}
		return NiftiFiles.isNiftiName(path) || isDicom(path);
	}

	private static boolean isDicom(Path path) {
		if (!Files.isRegularFile(path)) return false;
		try (var in = Files.newInputStream(path)) {
			byte[] head = in.readNBytes(132);
			return DicomSlice.isDicom(head, head.length);
		}
		catch (IOException e) {
			return false;
		}
	}

	/** The volume as Open CT Volume shows it (its auto window); bad files are refused with the option's name. */
	static ImagePlus open(String parameter, Path path) {
		try {
			Volume v = CtFiles.read(path, "");
			String name = path.toAbsolutePath().normalize().getFileName().toString().replaceFirst("(?i)\\.(nii\\.gz|nii|dcm)$", "");
			return CtImages.toImagePlus(v, name, CtImages.window(CtImages.AUTO, v.kind()));
		}
		catch (NoSuchFileException e) {
			throw new IllegalArgumentException(parameter + ": file not found: " + path, e);
		}
		catch (IOException e) {
			throw new IllegalArgumentException(parameter + ": " + e.getMessage(), e);
		}
	}

	/** Whether an image result can be written as NIfTI: grey, and several channels only when it has one frame (they become NIfTI's 4th axis). */
	static boolean writable(ImagePlus image) {
		return image.getType() != ImagePlus.COLOR_RGB && (image.getNChannels() == 1 || image.getNFrames() == 1);
	}

	/**
	 * Writes an image result as NIfTI (the smallest exact voxel type) with the geometry it carries,
	 * or, for a command that does not keep it (Convolution Filter), the input volume's when the
	 * result has the input's width, height and depth.
	 */
	static void write(ImagePlus image, Path file, ImagePlus input) throws IOException {
		String geometry = input == null ? null : input.getProp(CtImages.GEOMETRY);
		if (image.getProp(CtImages.GEOMETRY) == null && geometry != null && image.getWidth() == input.getWidth() && image.getHeight() == input.getHeight()
			&& image.getNSlices() == input.getNSlices())
		{
			image.setProp(CtImages.GEOMETRY, geometry);
		}
		NiftiFiles.write(file, volume(image), NiftiDatatype.AUTO);
	}

	/** The image as a volume; channels (x, y, c, z in ImageJ's order) become the 4th axis (x, y, z, c). */
	private static Volume volume(ImagePlus image) {
		int c = image.getNChannels();
		if (c == 1) return CtImages.viewVolume(image, "--output");
		int z = image.getNSlices();
		ImagePlus first = new ImagePlus(image.getTitle(), image.getStack().getProcessor(1));
		first.setCalibration(image.getCalibration().copy());
		for (String key : new String[] {CtImages.GEOMETRY, CtImages.VALUES, CtImages.SOURCE}) if (image.getProp(key) != null) first.setProp(key, image.getProp(key));
		Volume one = CtImages.toVolume(first, "--output");
		PlanarImg<FloatType, FloatArray> voxels = Volume.allocate(image.getWidth(), image.getHeight(), z, c);
		for (int k = 1; k <= c; k++) {
			for (int s = 1; s <= z; s++) {
				float[] plane = (float[]) image.getStack().getProcessor(image.getStackIndex(k, s, 1)).convertToFloatProcessor().getPixels();
				System.arraycopy(plane, 0, voxels.getPlane((k - 1) * z + s - 1).getCurrentStorageArray(), 0, plane.length);
			}
		}
		List<String> notes = new ArrayList<>(one.notes());
		return new Volume(voxels, one.geometry(), one.kind(), 0, one.source(), notes);
	}
}
