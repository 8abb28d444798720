package org.convkit.ct.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;

/** Largest-component post-processing and the one-piece rule learnt from the training labels. */
class LargestComponentTest {

	static final int NX = 10, NY = 8, NZ = 4;

	/** Sets a box [x0, x1) x [y0, y1) x [z0, z1) to {@code value}. */
	static void box(float[] v, int x0, int x1, int y0, int y1, int z0, int z1, float value) {
		for (int z = z0; z < z1; z++) for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) v[(z * NY + y) * NX + x] = value;
	}

	static int count(float[] v, float value) {
		int n = 0;
		for (float x : v) if (x == value) n++;
		return n;
	}

	@Test
	void keepsEachListedLabelsLargestPieceOnly() {
		float[] labels = new float[NX * NY * NZ];
		box(labels, 0, 4, 0, 4, 0, 4, 5); // 64 voxels of 5
		box(labels, 7, 9, 6, 8, 0, 1, 5); // a stray piece of 5 (4 voxels)
		box(labels, 5, 6, 0, 2, 0, 1, 7); // 7 in two pieces of 2 voxels
		box(labels, 8, 9, 0, 2, 0, 1, 7);
		assertEquals(64 / 68.0, LargestComponent.fraction(labels, NX, NY, NZ, 5), 1e-9);
		assertEquals(0.5, LargestComponent.fraction(labels, NX, NY, NZ, 7), 1e-9);
		assertEquals(Double.NaN, LargestComponent.fraction(labels, NX, NY, NZ, 3));

		float[] kept = labels.clone();
		Segmenter.keepOnePiece(kept, NX, NY, NZ, new int[] {5});
		assertEquals(64, count(kept, 5), "the stray piece of 5 is background");
		assertEquals(0, kept[(0 * NY + 6) * NX + 7]);
		assertEquals(4, count(kept, 7), "7 is not listed: both its pieces stay");
		float[] none = labels.clone();
		Segmenter.keepOnePiece(none, NX, NY, NZ, new int[0]);
		assertArrayEquals(labels, none);
	}

	@Test
	void aLabelIsOnePieceWhenItsTrainingLabelsAre() {
		// class indices: 1 (value 5) one box in both volumes, 2 (value 7) two separate boxes in the second volume
		float[] a = new float[NX * NY * NZ], b = new float[NX * NY * NZ];
		box(a, 0, 4, 0, 4, 0, 4, 1);
		box(a, 6, 8, 0, 2, 0, 2, 2);
		box(b, 1, 5, 1, 5, 0, 3, 1);
		box(b, 6, 8, 0, 2, 0, 2, 2);
		box(b, 6, 8, 5, 7, 0, 2, 2);
		LabelClasses classes = new LabelClasses(new int[] {5, 7});
		assertEquals("5", Segmenter.onePiece(List.of(ArrayImgs.floats(a, NX, NY, NZ), ArrayImgs.floats(b, NX, NY, NZ)), classes));
		assertEquals("5,7", Segmenter.onePiece(List.of(ArrayImgs.floats(a, NX, NY, NZ)), classes));
	}
}
