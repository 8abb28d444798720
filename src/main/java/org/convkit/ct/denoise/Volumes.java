package org.convkit.ct.denoise;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/** Small helpers for (x, y, z) float volumes held as {@link ArrayImg}s. */
public final class Volumes {

	private Volumes() {}

	/** A float copy (x fastest) of any real volume. */
	public static ArrayImg<FloatType, FloatArray> copy(RandomAccessibleInterval<? extends RealType<?>> volume) {
		ArrayImg<FloatType, FloatArray> out = ArrayImgs.floats(volume.dimensionsAsLongArray());
		float[] data = data(out);
		int i = 0;
		for (RealType<?> t : Views.flatIterable(volume)) data[i++] = t.getRealFloat();
		return out;
	}

	/** The storage array of a float ArrayImg. */
	public static float[] data(ArrayImg<FloatType, FloatArray> img) {
		return img.update(null).getCurrentStorageArray();
	}

	/** The values of any real volume in flat order (a copy unless it is a float ArrayImg). */
	public static float[] values(RandomAccessibleInterval<? extends RealType<?>> volume) {
		if (volume instanceof ArrayImg<?, ?> img && img.getType() instanceof FloatType && img.update(null) instanceof FloatArray a)
			return a.getCurrentStorageArray();
		return data(copy(volume));
	}

	static int[] dims(RandomAccessibleInterval<?> volume) {
		if (volume.numDimensions() != 3) throw new IllegalArgumentException("volume: expected (x, y, z), got " + volume.numDimensions() + " dimensions");
		return new int[] {Math.toIntExact(volume.dimension(0)), Math.toIntExact(volume.dimension(1)), Math.toIntExact(volume.dimension(2))};
	}

	/** Mirror index (edge voxel not repeated), as {@code Views.extendMirrorSingle}. */
	static int mirror(int i, int n) {
		if (n == 1) return 0;
		int period = 2 * n - 2;
		i = Math.floorMod(i, period);
		return i < n ? i : period - i;
	}
}
