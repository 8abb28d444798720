package org.convkit.ct.segment;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Per label of a label volume: voxel count, volume in mL (voxels x the voxel volume in mm^3 / 1000)
 * and the bounding box in voxel indices (inclusive).
 */
public final class LabelStatistics {

	/** One label's figures; {@code min}/{@code max}: bounding box corners (x, y, z), inclusive. */
	public record Label(int value, long voxels, double millilitres, long[] min, long[] max) {}

	private LabelStatistics() {}

	/** Millilitres of {@code voxels} voxels of this spacing (mm). */
	public static double millilitres(long voxels, double[] spacing) {
		return voxels * spacing[0] * spacing[1] * spacing[2] / 1000;
	}

	/**
	 * @param values the labels to report, in this order (those absent with 0 voxels and no box); null:
	 *        every non-zero value present, ascending
	 */
	public static List<Label> of(RandomAccessibleInterval<? extends RealType<?>> labels, double[] spacing, int[] values) {
		TreeMap<Integer, long[]> boxes = new TreeMap<>(); // value -> count, min x y z, max x y z
		Cursor<? extends RealType<?>> c = Views.iterable(labels).localizingCursor();
		while (c.hasNext()) {
			double v = c.next().getRealDouble();
			if (v == 0) continue;
			long[] b = boxes.computeIfAbsent((int) Math.round(v), k -> new long[] {0, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, -1, -1, -1});
			b[0]++;
			for (int d = 0; d < 3; d++) {
				long p = c.getLongPosition(d);
				b[1 + d] = Math.min(b[1 + d], p);
				b[4 + d] = Math.max(b[4 + d], p);
			}
		}
		List<Label> out = new ArrayList<>();
		int[] order = values != null ? values : boxes.keySet().stream().mapToInt(Integer::intValue).toArray();
		for (int value : order) {
			long[] b = boxes.get(value);
			if (b == null) out.add(new Label(value, 0, 0, null, null));
			else out.add(new Label(value, b[0], millilitres(b[0], spacing), new long[] {b[1], b[2], b[3]}, new long[] {b[4], b[5], b[6]}));
		}
		return out;
	}
}
