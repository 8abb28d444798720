package org.convkit.commands.style;

import ij.ImagePlus;
import org.convkit.ij.io.ImageFiles;
import ij.measure.ResultsTable;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.commands.ConvKitCommand;
import org.convkit.core.runtime.ConvKitService;
import org.convkit.style.FeatureNetwork;
import org.convkit.style.FeatureNetworks;
import org.convkit.style.TopPatches;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Plugins &gt; ConvKit &gt; Style &gt; Top Activating Patches: for units of a feature network's layer,
 * the nine image patches (each the unit's receptive field) that activate them most, over a stack or
 * a folder of images, as 3x3 montages; {@code mode=layer_grid} does this for the first units of the
 * first layer of each of the five blocks.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Style>Top Activating Patches")
public class TopActivatingPatchesCommand extends ConvKitCommand {

	static final String NO_IMAGES = "images: expected an open image or stack, or folder=<a folder of images>";
	static final String EMPTY_FOLDER = "folder: %s holds no image ImageJ can read";
	static final List<String> GRID_LAYERS = List.of("conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1");

	@Parameter
	private ConvKitService convKit;

	@Parameter(required = false, description = "The images (every slice of a stack); ignored when a folder is given")
	private ImagePlus images;

	@Parameter(required = false, style = "directory", description = "A folder of images to search instead of an open image")
	private File folder;

	@Parameter(choices = { "auto", "vgg19", "random", "file" }, description = "Feature network, as for Style Transfer")
	private String network = "auto";

	@Parameter(required = false, description = "VGG-19 weights file for network=file")
	private File weights;

	@Parameter(choices = { "single_layer", "layer_grid" }, description = "single_layer: units of one layer; layer_grid: units of conv1_1 ... conv5_1")
	private String mode = "single_layer";

	@Parameter(description = "Layer (single_layer)")
	private String layer = "conv3_1";

	@Parameter(min = "0", description = "First unit (channel)")
	private int unit = 0;

	@Parameter(min = "1", max = "64", description = "Number of units from the first")
	private int units = 1;

	@Parameter(min = "16", max = "256", description = "Edge of each patch in the montage, pixels")
	private int tile_size = 64;

	@Parameter(type = ItemIO.OUTPUT)
	private ImagePlus montage;

	@Parameter(type = ItemIO.OUTPUT)
	private ResultsTable patches;

	@Override
	protected void execute() throws IOException {
		List<String> names = new ArrayList<>();
		List<ArrayImg<FloatType, FloatArray>> planes = planes(names);
		FeatureNetwork features = FeatureNetworks.get(convKit.runtime(), network, weights);
		TopPatches top = new TopPatches(convKit.runtime(), features);
		List<String> layers = mode.equals("layer_grid") ? GRID_LAYERS : List.of(layer.trim());
		List<ArrayImg<FloatType, FloatArray>> slices = new ArrayList<>();
		List<String> labels = new ArrayList<>();
		patches = new ResultsTable();
		for (String name : layers) {
			if (!features.layerNames().contains(name))
				throw new IllegalArgumentException("layer: no layer '" + name + "' in " + features.description() + "; expected one of " + features.layerNames());
			List<TopPatches.Unit> found = top.find(name, unit, units, planes, 9);
			if (mode.equals("layer_grid")) {
				// One slice per layer, its units side by side.
				slices.add(TopPatches.montage(planes, found, tile_size));
				labels.add(name + " units " + unit + "-" + (unit + units - 1));
			}
			else {
				for (TopPatches.Unit u : found) {
					slices.add(TopPatches.montage(planes, List.of(u), tile_size));
					labels.add(name + " unit " + u.unit());
				}
			}
			for (TopPatches.Unit u : found) addRows(u, names);
		}
		String what = mode.equals("layer_grid") ? "conv1_1-conv5_1" : layer.trim();
		montage = StyleImages.toImagePlus(slices, labels, "Top patches " + what + " (" + features.description() + ")");
	}

	private void addRows(TopPatches.Unit u, List<String> names) {
		for (int rank = 0; rank < u.patches().size(); rank++) {
			TopPatches.Patch p = u.patches().get(rank);
			patches.incrementCounter();
			patches.addValue("layer", u.layer());
			patches.addValue("unit", u.unit());
			patches.addValue("rank", rank + 1);
			patches.addValue("image", names.get(p.image()));
			patches.addValue("x", p.left());
			patches.addValue("y", p.top());
			patches.addValue("size", p.size());
			patches.addValue("activation", p.activation());
		}
	}

	/** The planes searched, from the folder or else the image; names collects where each came from. */
	private List<ArrayImg<FloatType, FloatArray>> planes(List<String> names) throws IOException {
		List<ArrayImg<FloatType, FloatArray>> planes = new ArrayList<>();
		if (folder != null && !folder.getPath().isBlank()) {
			if (!folder.isDirectory()) throw new IOException("folder: " + folder + " is not a folder");
			File[] files = folder.listFiles(File::isFile);
			Arrays.sort(files);
			for (File file : files) {
				ImagePlus image;
				try {
					image = ImageFiles.open("folder", file.toPath());
				}
				catch (IllegalArgumentException e) {
					continue; // not an image: a folder of photos may hold other files
				}
				List<ArrayImg<FloatType, FloatArray>> filePlanes = StyleImages.planes(image, "folder");
				for (int i = 0; i < filePlanes.size(); i++) names.add(filePlanes.size() == 1 ? file.getName() : file.getName() + ":" + (i + 1));
				planes.addAll(filePlanes);
			}
			if (planes.isEmpty()) throw new IllegalArgumentException(String.format(Locale.ROOT, EMPTY_FOLDER, folder));
			return planes;
		}
		if (images == null) throw new IllegalArgumentException(NO_IMAGES);
		planes.addAll(StyleImages.planes(images, "images"));
		for (int i = 1; i <= planes.size(); i++) names.add(planes.size() == 1 ? images.getTitle() : images.getTitle() + ":" + i);
		return planes;
	}
}
