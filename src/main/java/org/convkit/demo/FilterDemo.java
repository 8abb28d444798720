package org.convkit.demo;

import ij.ImagePlus;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.ij.io.ImageFiles;
import org.scijava.Context;
import org.scijava.command.CommandInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The foundation's part: 3-D Gaussian and Laplacian-of-Gaussian filters on a blob volume, tiled. */
final class FilterDemo implements DemoPart {

	@Override
	public String title() {
		return "Convolution Filter: a Conv3d network on the shared runtime, tiled";
	}

	@Override
	public List<Item> run(Context context, Path folder) throws IOException {
		ImagePlus blobs = SyntheticBlobs.volume(160, 160, 48, 60, 42);
		DemoPart.data("a generated blob volume (no data needed)");
		List<Item> items = new ArrayList<>();
		items.addAll(save(blobs, folder, "blobs", "Input: synthetic 16-bit blob volume, 160x160x48, middle slice"));
		CommandExecutor executor = new CommandExecutor(context);
		CommandInfo filter = executor.find("Convolution Filter");
		for (String kind : List.of("gaussian", "laplacian_of_gaussian")) {
			long start = System.nanoTime();
			Map<String, Object> outputs;
			try {
				outputs = executor.run(filter, Map.of("image", blobs, "filter", kind, "sigma", 2.0,
					"dimensions", "3D", "tile_size", 64));
			}
			catch (CommandFailedException e) {
				throw new IOException("Convolution Filter refused the demo's input: " + e.getMessage(), e);
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			String caption = String.format(Locale.ROOT, "%s, sigma 2, 3D, 64^3 tiles: %.2f s", kind, seconds);
			items.addAll(save((ImagePlus) outputs.get("output"), folder, "blobs-" + kind, caption));
		}
		return items;
	}

	private static List<Item> save(ImagePlus image, Path folder, String name, String caption) throws IOException {
		image.setSlice(image.getNSlices() / 2 + 1);
		image.resetDisplayRange();
		ImageFiles.saveTiff(image, folder.resolve(name + ".tif"));
		ImageFiles.savePng(image, folder.resolve(name + ".png"));
		return List.of(new Item(name + ".png", caption), new Item(name + ".tif", name + ".tif (full stack, calibrated)"));
	}
}
