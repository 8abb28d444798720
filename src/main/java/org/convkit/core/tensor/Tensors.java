package org.convkit.core.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Intervals;
import net.imglib2.view.IntervalView;
import net.imglib2.view.Views;

/**
 * Copies between ImgLib2 images and DJL {@link NDArray}s: the only place where pixels cross
 * between the two.
 * <p>
 * Axis convention: an interval with dimensions {@code [d0, d1, ..., dn-1]} ({@code d0} = x, the
 * fastest in ImgLib2's flat iteration order) maps to an NDArray of shape
 * {@code (dn-1, ..., d1, d0)} in C order (last axis fastest). Both flat orders are then the same,
 * so every copy is one linear pass over {@link Views#flatIterable}. Pixel {@code (x, y)} of a 2-D
 * image is element {@code (y, x)} of the NDArray; a 3-D {@code (x, y, z)} volume is
 * {@code (z, y, x)}; an {@code (x, y, c)} image becomes the channels-first {@code (c, y, x)}
 * that convolution layers expect. Callers arrange axes with {@link Views} (permute, hyperSlice,
 * interval, extend) before the copy; nothing here reorders data.
 * <p>
 * NDArrays are always float32. One NDArray holds at most {@value #MAX_ELEMENTS} elements (the
 * limit of one direct Java buffer).
 */
public final class Tensors {

	/** Largest element count of one NDArray: a direct buffer is indexed by int bytes. */
	public static final int MAX_ELEMENTS = Integer.MAX_VALUE / Float.BYTES;

	private Tensors() {}

	/**
	 * Copies an image into a new float32 NDArray of shape {@code (dn-1, ..., d0)}.
	 *
	 * @param image the pixels, in any {@link RealType}; may be a view
	 * @param manager owns the new NDArray
	 * @return the NDArray, attached to {@code manager}
	 */
	public static NDArray toNDArray(RandomAccessibleInterval<? extends RealType<?>> image, NDManager manager) {
		FloatBuffer buffer = allocate(manager, Intervals.numElements(image));
		fill(image, buffer);
		return manager.create(buffer.rewind(), new Shape(reversed(image.dimensionsAsLongArray())));
	}

	/**
	 * Copies equally sized images into one float32 NDArray of shape {@code (B, dn-1, ..., d0)},
	 * image {@code b} at batch index {@code b}. The batch is filled into one buffer.
	 *
	 * @param images at least one image, all with the same dimensions (their min may differ)
	 * @param manager owns the new NDArray
	 * @return the batch, attached to {@code manager}
	 * @throws IllegalArgumentException if {@code images} is empty or the dimensions differ
	 */
	public static NDArray stack(List<? extends RandomAccessibleInterval<? extends RealType<?>>> images, NDManager manager) {
		if (images.isEmpty())
			throw new IllegalArgumentException("stack needs at least one image");
		long[] dims = images.get(0).dimensionsAsLongArray();
		for (int i = 1; i < images.size(); i++) {
			long[] other = images.get(i).dimensionsAsLongArray();
			if (!Arrays.equals(dims, other))
				throw new IllegalArgumentException("image " + i + " has dimensions " + Arrays.toString(other)
						+ " but image 0 has " + Arrays.toString(dims));
		}
		FloatBuffer buffer = allocate(manager, Math.multiplyExact(Intervals.numElements(dims), images.size()));
		for (RandomAccessibleInterval<? extends RealType<?>> image : images)
			fill(image, buffer);
		long[] shape = new long[dims.length + 1];
		shape[0] = images.size();
		System.arraycopy(reversed(dims), 0, shape, 1, dims.length);
		return manager.create(buffer.rewind(), new Shape(shape));
	}

	/**
	 * Copies an NDArray of shape {@code (sn-1, ..., s0)} into a new image with dimensions
	 * {@code [s0, ..., sn-1]}. Other data types than float32 are converted.
	 *
	 * @param array the NDArray, left open
	 * @return a new image holding a copy of the values
	 */
	public static ArrayImg<FloatType, FloatArray> toImg(NDArray array) {
		float[] data = new float[elementCount(array)];
		floatBuffer(array).get(data);
		return ArrayImgs.floats(data, reversed(array.getShape().getShape()));
	}

	/**
	 * Copies an NDArray into an existing image (or view) whose reversed dimensions equal the
	 * NDArray's shape. For item {@code b} of a batch pass {@code batch.get(b)}.
	 *
	 * @param source the values, left open
	 * @param target written in flat iteration order
	 * @throws IllegalArgumentException if the shape does not match the target's dimensions
	 */
	public static void copy(NDArray source, RandomAccessibleInterval<? extends RealType<?>> target) {
		long[] expected = reversed(target.dimensionsAsLongArray());
		if (!Arrays.equals(source.getShape().getShape(), expected))
			throw new IllegalArgumentException("NDArray of shape " + source.getShape()
					+ " does not fit a target with dimensions " + Arrays.toString(target.dimensionsAsLongArray())
					+ ": expected shape " + new Shape(expected));
		FloatBuffer buffer = floatBuffer(source);
		float[] array = floatArrayOf(target);
		if (array != null) {
			buffer.get(array, 0, buffer.remaining());
			return;
		}
		for (RealType<?> t : Views.flatIterable(target))
			t.setReal(buffer.get());
	}

	/** Appends the image's pixels in flat iteration order. */
	private static void fill(RandomAccessibleInterval<? extends RealType<?>> image, FloatBuffer buffer) {
		float[] array = floatArrayOf(image);
		if (array != null) {
			buffer.put(array, 0, (int) Intervals.numElements(image));
			return;
		}
		for (RealType<?> t : Views.flatIterable(image))
			buffer.put(t.getRealFloat());
	}

	/**
	 * The storage of {@code image} when it is a whole float {@link ArrayImg} (or an interval view
	 * exactly covering one), so that copies can be bulk copies; else {@code null}.
	 */
	private static float[] floatArrayOf(RandomAccessibleInterval<?> image) {
		Object source = image;
		if (image instanceof IntervalView<?> view && view.getSource() instanceof ArrayImg<?, ?> img
				&& Intervals.equals(view, img))
			source = img;
		if (source instanceof ArrayImg<?, ?> img && img.getType() instanceof FloatType
				&& img.update(null) instanceof FloatArray access)
			return access.getCurrentStorageArray();
		return null;
	}

	/** A direct buffer, so that the engine copies it to native memory without another copy. */
	private static FloatBuffer allocate(NDManager manager, long elements) {
		if (elements > MAX_ELEMENTS)
			throw new IllegalArgumentException(elements + " elements exceed the " + MAX_ELEMENTS
					+ " that one NDArray buffer holds: copy in tiles");
		return manager.allocateDirect((int) elements * Float.BYTES).asFloatBuffer();
	}

	/** The values as a float buffer (a Java-side copy, still valid after the NDArray closes). */
	private static FloatBuffer floatBuffer(NDArray array) {
		if (array.getDataType() == DataType.FLOAT32)
			return array.toByteBuffer().asFloatBuffer();
		try (NDArray converted = array.toType(DataType.FLOAT32, true)) {
			return converted.toByteBuffer().asFloatBuffer();
		}
	}

	private static int elementCount(NDArray array) {
		long size = array.getShape().size();
		if (size > MAX_ELEMENTS)
			throw new IllegalArgumentException("NDArray of shape " + array.getShape() + " is too large for one image");
		return (int) size;
	}

	private static long[] reversed(long[] values) {
		long[] result = new long[values.length];
		for (int i = 0; i < values.length; i++)
			result[i] = values[values.length - 1 - i];
		return result;
	}
}
