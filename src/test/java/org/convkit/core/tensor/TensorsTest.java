package org.convkit.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Random;

import net.imglib2.Cursor;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.Test;

class TensorsTest {

	static ArrayImg<FloatType, FloatArray> random(long seed, long... dims) {
		ArrayImg<FloatType, FloatArray> img = ArrayImgs.floats(dims);
		Random random = new Random(seed);
		for (FloatType t : img)
			t.set(random.nextFloat());
		return img;
	}

	@Test
	void shapeIsReversedDimensionsAndIndexingMatches() {
		ArrayImg<FloatType, FloatArray> img = ArrayImgs.floats(5, 3);
		RandomAccess<FloatType> ra = img.randomAccess();
		ra.setPositionAndGet(4, 1).set(7);
		ra.setPositionAndGet(0, 2).set(-2);
		try (NDManager m = NDManager.newBaseManager()) {
			NDArray nd = Tensors.toNDArray(img, m);
			assertEquals(new Shape(3, 5), nd.getShape());
			assertEquals(DataType.FLOAT32, nd.getDataType());
			assertEquals(7, nd.getFloat(1, 4));
			assertEquals(-2, nd.getFloat(2, 0));
			assertEquals(0, nd.getFloat(0, 4));
		}
	}

	@Test
	void roundTripKeepsDimensionsAndValues() {
		ArrayImg<FloatType, FloatArray> img = random(1, 7, 4, 3);
		try (NDManager m = NDManager.newBaseManager()) {
			NDArray nd = Tensors.toNDArray(img, m);
			assertEquals(new Shape(3, 4, 7), nd.getShape());
			ArrayImg<FloatType, FloatArray> back = Tensors.toImg(nd);
			assertArrayEquals(new long[] { 7, 4, 3 }, back.dimensionsAsLongArray());
			assertArrayEquals(img.update(null).getCurrentStorageArray(), back.update(null).getCurrentStorageArray());
			assertEquals(img.getAt(6, 2, 1).get(), nd.getFloat(1, 2, 6));
		}
	}

	@Test
	void viewsAndOtherTypesAreCopiedInFlatOrder() {
		ArrayImg<UnsignedByteType, ?> bytes = ArrayImgs.unsignedBytes(6, 5);
		int i = 0;
		for (UnsignedByteType t : bytes)
			t.set(i++);
		// A crop of the transposed image: dims [3, 2], (x, y) -> bytes(y + 2, x + 1).
		RandomAccessibleInterval<UnsignedByteType> view =
				Views.zeroMin(Views.interval(Views.permute(bytes, 0, 1), new long[] { 1, 2 }, new long[] { 3, 3 }));
		try (NDManager m = NDManager.newBaseManager()) {
			NDArray nd = Tensors.toNDArray(view, m);
			assertEquals(new Shape(2, 3), nd.getShape());
			for (int y = 0; y < 2; y++)
				for (int x = 0; x < 3; x++)
					assertEquals(bytes.getAt(y + 2, x + 1).get(), nd.getFloat(y, x), "at " + x + "," + y);
			// A view covering exactly a whole float image takes the bulk path and must agree.
			ArrayImg<FloatType, FloatArray> img = random(2, 4, 3);
			NDArray whole = Tensors.toNDArray(Views.interval(img, img), m);
			assertArrayEquals(img.update(null).getCurrentStorageArray(), whole.toFloatArray());
		}
	}

	@Test
	void stackPutsImagesAlongTheFirstAxis() {
		List<ArrayImg<FloatType, FloatArray>> images = List.of(random(3, 5, 3), random(4, 5, 3), random(5, 5, 3));
		try (NDManager m = NDManager.newBaseManager()) {
			NDArray batch = Tensors.stack(images, m);
			assertEquals(new Shape(3, 3, 5), batch.getShape());
			for (int b = 0; b < 3; b++)
				for (int y = 0; y < 3; y++)
					for (int x = 0; x < 5; x++)
						assertEquals(images.get(b).getAt(x, y).get(), batch.getFloat(b, y, x));
			// Item b of a batch goes back through NDArray.get(b).
			ArrayImg<FloatType, FloatArray> second = ArrayImgs.floats(5, 3);
			Tensors.copy(batch.get(1), second);
			assertArrayEquals(images.get(1).update(null).getCurrentStorageArray(), second.update(null).getCurrentStorageArray());
		}
	}

	@Test
	void stackRejectsMismatchedDimensions() {
		List<ArrayImg<FloatType, FloatArray>> images = List.of(ArrayImgs.floats(5, 3), ArrayImgs.floats(5, 3), ArrayImgs.floats(4, 3));
		try (NDManager m = NDManager.newBaseManager()) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensors.stack(images, m));
			assertEquals("image 2 has dimensions [4, 3] but image 0 has [5, 3]", e.getMessage());
			assertThrows(IllegalArgumentException.class, () -> Tensors.stack(List.of(), m));
		}
	}

	@Test
	void copyWritesIntoViewsAndChecksTheShape() {
		ArrayImg<FloatType, FloatArray> target = ArrayImgs.floats(6, 6);
		try (NDManager m = NDManager.newBaseManager()) {
			NDArray nd = m.arange(12f).reshape(3, 4);
			// A 4 x 3 window of the target at (1, 2).
			Tensors.copy(nd, Views.interval(target, new long[] { 1, 2 }, new long[] { 4, 4 }));
			assertEquals(0, target.getAt(0, 2).get());
			assertEquals(nd.getFloat(0, 0), target.getAt(1, 2).get());
			assertEquals(nd.getFloat(2, 3), target.getAt(4, 4).get());
			assertEquals(nd.getFloat(1, 2), target.getAt(3, 3).get());
			assertEquals(0, target.getAt(5, 4).get());

			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensors.copy(nd, ArrayImgs.floats(3, 4)));
			assertEquals("NDArray of shape (3, 4) does not fit a target with dimensions [3, 4]: expected shape (4, 3)", e.getMessage());
		}
	}

	@Test
	void toImgConvertsOtherDataTypes() {
		try (NDManager m = NDManager.newBaseManager()) {
			NDArray ints = m.create(new int[] { 1, 2, 3, 4, 5, 6 }, new Shape(2, 3));
			ArrayImg<FloatType, FloatArray> img = Tensors.toImg(ints);
			assertArrayEquals(new long[] { 3, 2 }, img.dimensionsAsLongArray());
			assertEquals(6, img.getAt(2, 1).get());
			ArrayImg<UnsignedByteType, ?> bytes = ArrayImgs.unsignedBytes(3, 2);
			Tensors.copy(ints, bytes);
			Cursor<UnsignedByteType> c = bytes.cursor();
			for (int v = 1; v <= 6; v++)
				assertEquals(v, c.next().get());
			assertFalse(ints.isReleased(), "the source stays open");
		}
	}
}
