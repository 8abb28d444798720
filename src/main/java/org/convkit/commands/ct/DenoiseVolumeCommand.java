package org.convkit.commands.ct;

import ij.ImagePlus;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.convkit.commands.ConvKitCommand;
import org.convkit.ct.denoise.Noise2Void;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;
import org.convkit.ij.ImagePlusImgs;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Plugins &gt; ConvKit &gt; CT &gt; Denoise Volume: a volume (or 2-D + time stack) denoised by a model
 * that Train Denoiser saved, tiled, as a new 32-bit image with the input's calibration and geometry.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>CT>Denoise Volume")
public class DenoiseVolumeCommand extends ConvKitCommand {

	static final String CANCELED = "canceled after %d of %d frames";

	@Parameter(description = "The noisy volume or 2-D + time stack")
	private ImagePlus image;

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "A model folder saved by Train Denoiser")
	private File model;

	@Parameter(min = "0", max = "1024", description = "Tile edge in voxels, halo included; 0: the model's default. Smaller tiles take less memory")
	private int tile_size = 0;

	@Parameter
	private StatusService status;

	@Parameter(type = ItemIO.OUTPUT, label = "Denoised")
	private ImagePlus denoised;

	@Parameter(type = ItemIO.OUTPUT, label = "Info")
	private String info;

	@Override
	protected void execute() throws IOException {
		VolumeStacks volume = VolumeStacks.of(image, "image");
		Path folder = model == null ? null : model.toPath();
		VolumeModel m = CtModels.open(folder);
		m.check(folder.toString(), VolumeModel.Task.DENOISE, volume.channels());
		CtModels.checkValues(m, folder, volume);
		long tile = tile_size == 0 ? m.tile() : tile_size;
		UNet3d.checkTile(m.config(), tile);
		VolumeModel tiled = m.withTile(tile);
		List<ArrayImg<FloatType, FloatArray>> runs = new ArrayList<>();
		for (int r = 0; r < volume.runs(); r++) {
			if (isCanceled() || Thread.currentThread().isInterrupted()) {
				if (!isCanceled()) cancel(String.format(Locale.ROOT, CANCELED, r, volume.runs()));
				return;
			}
			if (status != null) status.showStatus(r, volume.runs(), "Denoise Volume: frame " + (r + 1) + " of " + volume.runs());
			runs.add(Noise2Void.denoise(volume.input(r), tiled));
		}
		if (status != null) status.clearStatus();
		boolean floats = image.getBitDepth() == 32; // then the input's window is in the same units: kept, for comparison
		denoised = volume.result(runs, ImagePlusImgs.baseTitle(image) + "-denoised", volume.kind(),
			floats ? null : CtImages.window(CtImages.AUTO, volume.kind()));
		if (floats) denoised.setDisplayRange(image.getDisplayRangeMin(), image.getDisplayRangeMax());
		info = String.format(Locale.ROOT, "denoised '%s' (%s) with %s (%s), tile %d", image.getTitle(), volume.describe(), folder, m, tile);
		denoised.setProperty("Info", info);
	}
}
