package org.convkit.commands;

import ij.ImagePlus;
import org.convkit.core.runtime.ConvKitService;
import org.convkit.core.runtime.MemoryGuard;
import org.convkit.filter.ConvolutionFilter;
import org.convkit.filter.ConvolutionFilterModel;
import org.convkit.filter.FilterKind;
import org.convkit.ij.ImagePlusImgs;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.IOException;
import java.util.Locale;

/**
 * Plugins &gt; ConvKit &gt; Convolution Filter: Gaussian or Laplacian-of-Gaussian filtering run as a
 * convolution layer on the shared DJL runtime, tiled, per plane (2D) or per volume (3D).
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Convolution Filter")
public class ConvolutionFilterCommand extends ConvKitCommand {

	static final String NO_IMAGE = "image: expected an open image";
	static final String FLAT_STACK = "dimensions: 3D needs more than one Z slice, but '%s' has %d; use 2D";

	@Parameter
	private ConvKitService convKit;

	@Parameter(description = "The grey image, stack or hyperstack to filter")
	private ImagePlus image;

	@Parameter(choices = { "gaussian", "laplacian_of_gaussian" }, description = "gaussian smooths; laplacian_of_gaussian enhances blobs of radius about sigma")
	private String filter = "gaussian";

	@Parameter(min = "0.5", max = "16", description = "Kernel sigma in pixels")
	private double sigma = 2;

	@Parameter(choices = { "2D", "3D" }, description = "2D filters every plane; 3D every XYZ volume")
	private String dimensions = "2D";

	@Parameter(min = "16", max = "1024", description = "Network input edge in pixels, halo included")
	private int tile_size = 128;

	@Parameter(type = ItemIO.OUTPUT)
	private ImagePlus output;

	@Override
	protected void execute() throws IOException {
		if (image == null) throw new IllegalArgumentException(NO_IMAGE);
		int dims = dimensions.equals("3D") ? 3 : 2;
		if (dims == 3 && image.getNSlices() < 2) {
			throw new IllegalArgumentException(String.format(FLAT_STACK, image.getTitle(), image.getNSlices()));
		}
		// The result is a whole 32-bit image on the heap; the network sees one tile at a time.
		long voxels = (long) image.getWidth() * image.getHeight() * image.getStackSize();
		MemoryGuard.check("image", String.format(Locale.ROOT, "a 32-bit result of '%s' (%d voxels)", image.getTitle(), voxels),
			MemoryGuard.tilesBytes(tile_size, dims), voxels * Float.BYTES, (physical, heap) -> "crop it or take fewer channels or frames");
		ConvolutionFilterModel model = new ConvolutionFilterModel(FilterKind.fromKey(filter), sigma, dims);
		ConvolutionFilter convolution = new ConvolutionFilter(convKit.runtime(), model, tile_size);
		output = ImagePlusImgs.toImagePlus(convolution.apply(ImagePlusImgs.wrapReal(image, "image")), ImagePlusImgs.baseTitle(image) + "-" + filter);
		output.setCalibration(image.getCalibration().copy());
		output.resetDisplayRange();
	}
}
