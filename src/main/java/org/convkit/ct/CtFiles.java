package org.convkit.ct;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

import org.convkit.ct.io.DicomSeries;
import org.convkit.ct.io.DicomSlice;
import org.convkit.ct.io.NiftiFiles;

/**
 * One entry point for volumes on disk: a folder of DICOM files (one series, or the one named), a
 * single DICOM file (its series, from its folder), or a NIfTI-1 file ({@code .nii}, {@code .nii.gz}).
 * TIFF stacks are ImageJ's business and are read by the commands. Errors name the file and what was
 * expected.
 */
public final class CtFiles {

	/** What {@link #read} accepts, in the words errors use. */
	public static final String EXPECTED = "a folder of DICOM files, a DICOM file, or a .nii/.nii.gz (NIfTI-1) file";

	private CtFiles() {}

	/**
	 * @param series for DICOM: the series' UID, number or description (blank: the folder's only series)
	 */
	public static Volume read(Path path, String series) throws IOException {
		if (!Files.exists(path)) throw new NoSuchFileException(path.toString(), null, "no such file or folder");
		if (Files.isDirectory(path)) return DicomSeries.read(path, series);
		if (NiftiFiles.isNiftiName(path)) return NiftiFiles.read(path);
		byte[] head;
		try (var in = Files.newInputStream(path)) {
			head = in.readNBytes(132);
		}
		if (DicomSlice.isDicom(head, head.length)) {
			String uid = DicomSlice.parse(path, Files.readAllBytes(path)).seriesUid();
			Path folder = path.toAbsolutePath().getParent();
			return DicomSeries.read(folder, series == null || series.isBlank() ? uid : series);
		}
		String name = path.getFileName().toString();
		int dot = name.lastIndexOf('.');
		throw new IOException(name + ": unknown volume type" + (dot < 0 ? "" : " '" + name.substring(dot).toLowerCase(Locale.ROOT) + "'")
			+ "; expected " + EXPECTED);
	}
}
