package org.convkit.ct;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

class SliceRangesTest {

	@Test
	void rangesAreFijisSliceNumbersAscendingWithTouchingOnesMerged() {
		SliceRanges r = SliceRanges.parse(" 1-3, 4-5 ,9, 11-12", "slices", 12, "'v'");
		assertEquals("1-5,9,11-12", r.text());
		assertEquals(3, r.count());
		boolean[] in = new boolean[12];
		for (int z = 0; z < 12; z++) in[z] = r.contains(z);
		assertArrayEquals(new boolean[] {true, true, true, true, true, false, false, false, true, false, true, true}, in);
		assertNull(SliceRanges.parse("  ", "slices", 12, "'v'"));
		assertEquals("3-4", SliceRanges.slab(2, 4).text());
	}

	@Test
	void slabsAreViewsOfTheirSlicesStartingAtZero() {
		float[] values = new float[2 * 2 * 6];
		for (int i = 0; i < values.length; i++) values[i] = i / 4; // the slice index
		RandomAccessibleInterval<FloatType> v = ArrayImgs.floats(values, 2, 2, 6);
		List<RandomAccessibleInterval<FloatType>> slabs = SliceRanges.parse("2-3,6", "slices", 6, "'v'").slabs(v);
		assertEquals(2, slabs.size());
		assertArrayEquals(new long[] {2, 2, 2}, slabs.get(0).dimensionsAsLongArray());
		assertEquals(0, slabs.get(0).min(2));
		assertEquals(1f, slabs.get(0).getAt(0, 0, 0).get());
		assertEquals(2f, slabs.get(0).getAt(1, 1, 1).get());
		assertEquals(5f, Views.iterable(slabs.get(1)).firstElement().get());
	}

	@Test
	void badRangesAreRefusedNamingTheOptionTheVolumeAndWhatWasExpected() {
		String expected = "slices: expected slice ranges numbered as in Fiji, from 1 (e.g. 1-20 or 1-20,41-60), got '%s'";
		for (String bad : new String[] {"0", "5-2", "a-3", "1-2-3", "1,,2", "-3"}) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SliceRanges.parse(bad, "slices", 10, "'v'"));
			assertEquals(String.format(expected, bad), e.getMessage());
		}
		assertEquals("slices: slice 11 is outside 'v', which has slices 1 to 10",
			assertThrows(IllegalArgumentException.class, () -> SliceRanges.parse("5-11", "slices", 10, "'v'")).getMessage());
		assertEquals("slices: '3-6' and '5-8' overlap or are out of order; expected ascending ranges (e.g. 1-20,41-60)",
			assertThrows(IllegalArgumentException.class, () -> SliceRanges.parse("3-6,5-8", "slices", 10, "'v'")).getMessage());
		assertEquals("slices: '7' and '2' overlap or are out of order; expected ascending ranges (e.g. 1-20,41-60)",
			assertThrows(IllegalArgumentException.class, () -> SliceRanges.parse("7,2", "slices", 10, "'v'")).getMessage());
	}
}
