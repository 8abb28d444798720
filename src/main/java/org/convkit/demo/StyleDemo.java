package org.convkit.demo;

import ij.ImagePlus;
import ij.process.ColorProcessor;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.core.io.AtomicFiles;
import org.convkit.core.io.SharedData;
import org.convkit.ij.io.ImageFiles;
import org.scijava.Context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Style part: a photo painted in a painting's style (Style Transfer, with its progress stack),
 * and the top activating patches of the feature network's layers on the photos. Uses the shared
 * photos and paintings ({@code ../shared/data/style}) when present, else generated pictures; the
 * network is {@code auto}, so offline it is the random one, and the captions say which ran.
 */
final class StyleDemo implements DemoPart {

	private static final Path DATA = SharedData.resolve("style");
	private static final int SIZE = 320, ITERATIONS = 80;

	@Override
	public String title() {
		return "Style: neural style transfer and top activating patches";
	}

	@Override
	public List<Item> run(Context context, Path folder) throws IOException {
		boolean shared = Files.isRegularFile(DATA.resolve("photos/chelsea.png")) && Files.isRegularFile(DATA.resolve("paintings/starry_night.jpg"));
		ImagePlus content = shared ? ImageFiles.open("content", DATA.resolve("photos/chelsea.png")) : new ImagePlus("rings", rings(256, 192));
		ImagePlus style = shared ? ImageFiles.open("style", DATA.resolve("paintings/starry_night.jpg")) : new ImagePlus("waves", waves(256));
		List<Item> items = new ArrayList<>();
		String source = shared ? " (" + DATA + ")" : " (generated: the shared data is absent)";
		DemoPart.data(shared ? "chelsea.png, starry_night.jpg and astronaut.png from " + DATA
			: "generated pictures: " + SharedData.missing(DATA.resolve("photos/chelsea.png")));
		items.add(save(content, folder, "style-content", "Content: " + content.getTitle() + source));
		items.add(save(style, folder, "style-style", "Style: " + style.getTitle() + source));

		CommandExecutor executor = new CommandExecutor(context);
		long start = System.nanoTime();
		Map<String, Object> out = DemoPart.command(executor, "Style Transfer", Map.of("content", content, "style", style, "network", "auto",
			"iterations", ITERATIONS, "size", SIZE, "show_progress", true, "progress_every", 10));
		double seconds = (System.nanoTime() - start) / 1e9;
		String log = (String) out.get("log");
		String network = log.lines().findFirst().orElse("").replace("Style Transfer: network ", "");
		ImagePlus styled = (ImagePlus) out.get("output");
		ImageFiles.saveTiff(styled, folder.resolve("style-result.tif"));
		items.add(save(styled, folder, "style-result", String.format(Locale.ROOT, "Result, %d Adam iterations at %d px, %.1f s; network: %s",
			ITERATIONS, SIZE, seconds, network)));
		ImagePlus progress = (ImagePlus) out.get("progress");
		progress.setSlice(1);
		items.add(save(progress, folder, "style-progress-10", "After 10 iterations: " + progress.getStack().getSliceLabel(1)));
		AtomicFiles.writeString(folder.resolve("style-log.txt"), log);
		items.add(new Item("style-log.txt", "style-log.txt: the network used and the loss terms every 10 iterations"));

		ImagePlus patchImages = shared ? ImageFiles.open("images", DATA.resolve("photos/astronaut.png")) : content;
		Map<String, Object> patches = DemoPart.command(executor, "Top Activating Patches", Map.of("images", patchImages, "network", "auto",
			"mode", "layer_grid", "units", 3, "tile_size", 40));
		ImagePlus montage = (ImagePlus) patches.get("montage");
		for (int slice = 1; slice <= montage.getStackSize(); slice += 2) {
			montage.setSlice(slice);
			items.add(save(montage, folder, "style-patches-" + slice, "Top activating patches, " + montage.getStack().getSliceLabel(slice)
				+ ", in " + patchImages.getTitle() + " (each patch: the unit's receptive field)"));
		}
		return items;
	}

	private static Item save(ImagePlus image, Path folder, String name, String caption) throws IOException {
		ImageFiles.savePng(image, folder.resolve(name + ".png"));
		return new Item(name + ".png", caption);
	}

	/** Concentric coloured rings on a ramp: a content picture with edges at every angle. */
	private static ColorProcessor rings(int width, int height) {
		ColorProcessor p = new ColorProcessor(width, height);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				double r = Math.hypot(x - width / 2.0, y - height / 2.0);
				int ring = (int) (r / 16) % 2 == 0 ? 200 : 60;
				p.set(x, y, (ring << 16) | ((int) (200.0 * x / width) << 8) | (int) (120 + 80.0 * y / height));
			}
		}
		return p;
	}

	/** Blue and yellow brush-like waves: a style picture. */
	private static ColorProcessor waves(int size) {
		ColorProcessor p = new ColorProcessor(size, size);
		for (int y = 0; y < size; y++) {
			for (int x = 0; x < size; x++) {
				double v = Math.sin(x / 6.0 + 3 * Math.sin(y / 17.0)) * Math.cos(y / 9.0 - 2 * Math.cos(x / 23.0));
				p.set(x, y, v > 0.3 ? 0xF0D040 : v < -0.3 ? 0x203080 : 0x5070B0);
			}
		}
		return p;
	}
}
