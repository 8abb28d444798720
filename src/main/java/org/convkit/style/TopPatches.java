package org.convkit.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.core.runtime.ConvKitRuntime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The image patches that activate a unit (a channel of a layer) most (Zeiler and Fergus 2014): each
 * image goes through the network once; every position of the unit's activation map is a candidate
 * whose patch is the unit's receptive field there. Within an image, a candidate closer than half a
 * field to a better one is dropped, so the patches show different places.
 */
public final class TopPatches {

	/** One patch: image index, unit position in the activation map, activation, and its field in image pixels (may overhang the image). */
	public record Patch(int image, int x, int y, float activation, int left, int top, int size) {}

	/** The best patches of one unit, best first. */
	public record Unit(String layer, int unit, List<Patch> patches) {}

	private final ConvKitRuntime runtime;
	private final FeatureNetwork network;

	public TopPatches(ConvKitRuntime runtime, FeatureNetwork network) {
		this.runtime = runtime;
		this.network = network;
	}

	/**
	 * @param images [w, h, 3] RGB 0..1, any sizes
	 * @param firstUnit the first channel; {@code units} channels from it are ranked
	 * @param count patches per unit (9 for a 3x3 montage)
	 */
	public List<Unit> find(String layer, int firstUnit, int units, List<? extends RandomAccessibleInterval<? extends RealType<?>>> images, int count) {
		ReceptiveField field = network.receptiveField(layer);
		int channels = network.layers().get(network.layerNames().indexOf(layer)).outChannels();
		if (firstUnit < 0 || units < 1 || firstUnit + units > channels)
			throw new IllegalArgumentException("unit: layer " + layer + " has units 0 to " + (channels - 1) + "; asked for " + units + " from " + firstUnit);
		if (images.isEmpty()) throw new IllegalArgumentException("images: expected at least one image");
		List<List<Patch>> candidates = new ArrayList<>();
		for (int u = 0; u < units; u++) candidates.add(new ArrayList<>());
		for (int i = 0; i < images.size(); i++) {
			RgbImages.check(images.get(i), "images", 8);
			try (NDManager manager = runtime.newManager()) {
				NDArray activation = network.features(RgbImages.toNDArray(images.get(i), manager), List.of(layer)).get(layer);
				int h = (int) activation.getShape().get(2), w = (int) activation.getShape().get(3);
				// The whole map set is copied: slicing MXNet's MKL-DNN conv output fails ("could not construct a sub-memory").
				float[] maps = activation.toFloatArray();
				for (int u = 0; u < units; u++) candidates.get(u).addAll(best(i, maps, (firstUnit + u) * w * h, w, h, field, count));
			}
		}
		List<Unit> result = new ArrayList<>();
		for (int u = 0; u < units; u++) {
			List<Patch> all = candidates.get(u);
			all.sort(Comparator.comparingDouble(p -> -p.activation()));
			result.add(new Unit(layer, firstUnit + u, List.copyOf(all.subList(0, Math.min(count, all.size())))));
		}
		return result;
	}

	/** The {@code count} best positions of one activation map, at least half a field apart. */
	private static List<Patch> best(int image, float[] maps, int offset, int w, int h, ReceptiveField field, int count) {
		Integer[] order = new Integer[w * h];
		for (int p = 0; p < order.length; p++) order[p] = p;
		java.util.Arrays.sort(order, (a, b) -> Float.compare(maps[offset + b], maps[offset + a]));
		List<Patch> chosen = new ArrayList<>();
		double minDistance = field.size() / 2.0 / field.jump(); // in map positions
		for (Integer p : order) {
			if (chosen.size() == count) break;
			int x = p % w, y = p / w;
			boolean near = chosen.stream().anyMatch(c -> Math.hypot(c.x() - x, c.y() - y) < minDistance);
			if (near) continue;
			int left = (int) Math.round(field.centre(x) - (field.size() - 1) / 2.0);
			int top = (int) Math.round(field.centre(y) - (field.size() - 1) / 2.0);
			chosen.add(new Patch(image, x, y, maps[offset + p], left, top, field.size()));
		}
		return chosen;
	}

	/** The patch cut from its image (black where the field overhangs it), resized to tile x tile. */
	public static ArrayImg<FloatType, FloatArray> crop(RandomAccessibleInterval<? extends RealType<?>> image, Patch patch, int tile) {
		int w = (int) image.dimension(0), h = (int) image.dimension(1), s = patch.size();
		float[] out = new float[3 * s * s];
		var access = image.randomAccess();
		for (int c = 0; c < 3; c++) {
			for (int y = 0; y < s; y++) {
				int iy = patch.top() + y;
				for (int x = 0; x < s; x++) {
					int ix = patch.left() + x;
					if (ix < 0 || iy < 0 || ix >= w || iy >= h) continue;
					access.setPosition(new long[] { image.min(0) + ix, image.min(1) + iy, image.min(2) + c });
					out[c * s * s + y * s + x] = access.get().getRealFloat();
				}
			}
		}
		return RgbImages.resize(ArrayImgs.floats(out, s, s, 3), tile, tile);
	}

	/** Units side by side, each a 3x3 montage of its patches (rows first, best top left); 2 px white gaps. */
	public static ArrayImg<FloatType, FloatArray> montage(List<? extends RandomAccessibleInterval<? extends RealType<?>>> images, List<Unit> units, int tile) {
		int gap = 2, cell = tile + gap, block = 3 * cell + gap;
		int width = units.size() * block, height = block;
		ArrayImg<FloatType, FloatArray> out = ArrayImgs.floats(width, height, 3);
		float[] o = out.update(null).getCurrentStorageArray();
		java.util.Arrays.fill(o, 1f);
		for (int u = 0; u < units.size(); u++) {
			List<Patch> patches = units.get(u).patches();
			for (int k = 0; k < Math.min(9, patches.size()); k++) {
				Patch patch = patches.get(k);
				float[] t = crop(images.get(patch.image()), patch, tile).update(null).getCurrentStorageArray();
				int x0 = u * block + gap + (k % 3) * cell, y0 = gap + (k / 3) * cell;
				for (int c = 0; c < 3; c++)
					for (int y = 0; y < tile; y++)
						System.arraycopy(t, c * tile * tile + y * tile, o, c * width * height + (y0 + y) * width + x0, tile);
			}
		}
		return out;
	}
}
