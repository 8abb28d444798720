package org.convkit.commands.ct;

import ij.ImagePlus;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import org.convkit.commands.ConvKitCommand;
import org.convkit.core.io.OutputFiles;
import org.convkit.ct.Volume;
import org.convkit.ct.io.NiftiDatatype;
import org.convkit.ct.io.NiftiFiles;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

/**
 * Plugins &gt; ConvKit &gt; CT &gt; Save NIfTI: an image as a NIfTI-1 file (.nii, or .nii.gz
 * compressed) with its voxel size and, when it came from Open CT Volume, its origin and direction.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>CT>Save NIfTI")
public class SaveNiftiCommand extends ConvKitCommand {

	static final String BAD_NAME = "file: expected a name ending in .nii or .nii.gz, got %s";
	static final String NO_FILE = "file: expected a .nii or .nii.gz file to write";

	@Parameter(description = "The image to save (8, 16 or 32-bit; one channel)")
	private ImagePlus image;

	@Parameter(style = FileWidget.SAVE_STYLE, description = "NIfTI-1 file to write: .nii, or .nii.gz (compressed)")
	private File file;

	@Parameter(choices = { "auto", "int16", "float32", "uint8", "int32" },
		description = "Voxel type: auto (int16 when all values are integers that fit, uint8 for labels 0..255, else float32); int16 scales other values (scl_slope)")
	private String datatype = "auto";

	@Parameter(description = "Replace file when it exists (never the image's own file)")
	private boolean overwrite = false;

	@Parameter(type = ItemIO.OUTPUT, label = "Info")
	private String info;

	@Override
	protected void execute() throws IOException {
		if (file == null || file.getPath().isBlank()) throw new IllegalArgumentException(NO_FILE);
		if (!NiftiFiles.isNiftiName(file.toPath())) throw new IllegalArgumentException(String.format(BAD_NAME, file.getName()));
		NiftiDatatype type = NiftiDatatype.parse(datatype);
		if (type == null) throw new IllegalArgumentException("datatype: expected auto, int16, float32, uint8 or int32, got '" + datatype + "'");
		Path out = OutputFiles.check("file", file.toPath(), overwrite, CtImages.inputFiles(image));
		Volume v = CtImages.viewVolume(image, "image");
		NiftiFiles.Written w = NiftiFiles.write(out, v, type);
		info = String.format(Locale.ROOT, "%s: %s %s%s, %s", out.getFileName(), v.dimensionsText(), w.datatype().option(),
			w.slope() == 1 && w.intercept() == 0 ? "" : String.format(Locale.ROOT, " (scl_slope %.6g, scl_inter %.6g)", w.slope(), w.intercept()),
			v.geometry().describe());
		for (String note : v.notes()) info += "\nnote: " + note;
	}
}
