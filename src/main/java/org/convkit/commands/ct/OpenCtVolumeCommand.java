package org.convkit.commands.ct;

import ij.ImagePlus;

import java.io.File;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

import org.convkit.commands.ConvKitCommand;
import org.convkit.ct.CtFiles;
import org.convkit.ct.Volume;
import org.convkit.ct.WindowPreset;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

/**
 * Plugins &gt; ConvKit &gt; CT &gt; Open CT Volume: a DICOM series (a folder, or one of its files), a
 * NIfTI-1 file or a TIFF stack as a 32-bit image in HU with its voxel size in mm, its geometry kept
 * in the image's properties, and a CT window applied.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>CT>Open CT Volume")
public class OpenCtVolumeCommand extends ConvKitCommand {

	static final String NO_PATH = "path: expected a folder of DICOM files, a DICOM file, a .nii/.nii.gz or a .tif file";
	static final String NOT_FOUND = "path: %s not found";
	static final String BAD_WINDOW = "window: expected auto, lung, soft_tissue, bone, brain or full_range, got '%s'";

	@Parameter(style = FileWidget.OPEN_STYLE, description = "A folder of DICOM files (or one of them), a .nii/.nii.gz (NIfTI-1) or a .tif stack")
	private File path;

	@Parameter(required = false, description = "DICOM: the series to open (UID, number or description) when the folder holds several")
	private String series = "";

	@Parameter(choices = { "auto", "lung", "soft_tissue", "bone", "brain", "full_range" },
		description = "Display window: lung -600/1500, soft_tissue 40/400, bone 400/1800, brain 40/80 (level/width HU); auto: soft_tissue for HU, else full_range")
	private String window = "auto";

	@Parameter(type = ItemIO.OUTPUT, label = "Volume")
	private ImagePlus image;

	@Parameter(type = ItemIO.OUTPUT, label = "Info")
	private String info;

	@Override
	protected void execute() throws IOException {
		if (path == null || path.getPath().isBlank()) throw new IllegalArgumentException(NO_PATH);
		if (window != null && !window.isBlank() && !window.equals(CtImages.AUTO) && !window.equals(CtImages.FULL_RANGE) && WindowPreset.parse(window) == null) {
			throw new IllegalArgumentException(String.format(BAD_WINDOW, window));
		}
		Path p = path.toPath();
		Volume v;
		try {
			v = isTiff(p) ? CtImages.readImage(p) : CtFiles.read(p, series);
		}
		catch (NoSuchFileException e) {
			throw new IllegalArgumentException(String.format(NOT_FOUND, p), e);
		}
		image = CtImages.toImagePlus(v, title(p), CtImages.window(window, v.kind()));
		info = CtImages.info(v).strip();
	}

	static boolean isTiff(Path p) {
		String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
		return name.endsWith(".tif") || name.endsWith(".tiff");
	}

	private static String title(Path p) {
		String name = p.toAbsolutePath().normalize().getFileName().toString();
		return name.replaceFirst("(?i)\\.(nii\\.gz|nii|tiff?|dcm)$", "");
	}
}
