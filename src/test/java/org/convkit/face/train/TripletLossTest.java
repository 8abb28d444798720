package org.convkit.face.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.convkit.core.runtime.ConvKitRuntime;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The triplet loss against its definition, its gradient against finite differences, and the three minings. */
class TripletLossTest {

	private static final double MARGIN = 0.2;

	/** L summed over triplets, in double, straight from the definition. */
	private static double reference(double[][] e, List<int[]> triplets) {
		double sum = 0;
		for (int[] t : triplets) sum += Math.max(0, squared(e[t[0]], e[t[1]]) - squared(e[t[0]], e[t[2]]) + MARGIN);
		return sum;
	}

	private static double squared(double[] a, double[] b) {
		double s = 0;
		for (int k = 0; k < a.length; k++) s += (a[k] - b[k]) * (a[k] - b[k]);
		return s;
	}

	@Test
	void gradientMatchesFiniteDifferences() {
		Random random = new Random(3);
		int n = 6, d = 5;
		double[][] e = new double[n][d];
		for (double[] row : e) for (int k = 0; k < d; k++) row[k] = random.nextGaussian() * 0.3;
		// Active and inactive triplets, an embedding in several roles.
		List<int[]> triplets = List.of(new int[] { 0, 1, 2 }, new int[] { 0, 1, 3 }, new int[] { 4, 5, 0 }, new int[] { 2, 3, 4 }, new int[] { 5, 4, 1 });
		double[] flat = new double[n * d];
		for (int i = 0; i < n; i++) System.arraycopy(e[i], 0, flat, i * d, d);
		ConvKitRuntime.get();
		try (NDManager manager = Engine.getInstance().newBaseManager()) {
			NDArray x = manager.create(flat, new Shape(n, d));
			x.setRequiresGradient(true);
			double loss;
			try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
				NDArray l = TripletLoss.loss(x, triplets, MARGIN);
				loss = l.toType(DataType.FLOAT64, false).getDouble();
				collector.backward(l);
			}
			assertEquals(reference(e, triplets), loss, 1e-9, "the loss is the definition's");
			double[] gradient = x.getGradient().toDoubleArray();
			double h = 1e-6, worst = 0;
			int active = 0;
			for (int i = 0; i < n; i++)
				for (int k = 0; k < d; k++) {
					double keep = e[i][k];
					e[i][k] = keep + h;
					double up = reference(e, triplets);
					e[i][k] = keep - h;
					double down = reference(e, triplets);
					e[i][k] = keep;
					double numeric = (up - down) / (2 * h);
					worst = Math.max(worst, Math.abs(numeric - gradient[i * d + k]));
					if (Math.abs(numeric) > 1e-3) active++;
				}
			assertTrue(worst < 1e-6, "autograd's gradient is within 1e-6 of central differences, worst " + worst);
			assertTrue(active > 10, "the check covers non-zero gradients (" + active + " of " + n * d + ")");
		}
	}

	@Test
	void squaredDistancesAreTheDefinitions() {
		ConvKitRuntime.get();
		try (NDManager manager = Engine.getInstance().newBaseManager()) {
			float[] e = { 0, 0, 3, 4, 1, 1 };
			float[] d = TripletLoss.squaredDistances(manager.create(e, new Shape(3, 2))).toFloatArray();
			assertArrayEquals(new float[] { 0, 25, 2, 25, 0, 13, 2, 13, 0 }, d, 1e-5f);
		}
	}

	/** Persons 0, 0, 1, 1 with the distances given (symmetric). */
	private static float[] distances(float ap, float an0, float an1, float far) {
		// rows: 0 (person 0), 1 (person 0), 2 (person 1), 3 (person 1)
		return new float[] {
			0, ap, an0, an1,
			ap, 0, far, far,
			an0, far, 0, ap,
			an1, far, ap, 0 };
	}

	@Test
	void semiHardTakesOnlyNegativesWithinTheMarginBeyondThePositive() {
		int[] labels = { 0, 0, 1, 1 };
		// anchor 0: d(A,P) = 0.5; negatives at 0.6 (semi-hard) and 0.3 (hard, closer than the positive)
		float[] d = distances(0.5f, 0.6f, 0.3f, 2f);
		List<int[]> t = TripletMining.SEMI_HARD.select(d, labels, MARGIN, new Random(1));
		assertTrue(t.stream().anyMatch(x -> x[0] == 0 && x[1] == 1 && x[2] == 2), "(0, 1, 2): 0.5 < 0.6 < 0.7");
		for (int[] x : t) {
			double dap = d[x[0] * 4 + x[1]], dan = d[x[0] * 4 + x[2]];
			assertTrue(dap < dan && dan < dap + MARGIN, "every semi-hard triplet lies in the band: " + dap + " < " + dan + " < " + (dap + MARGIN));
		}
		List<int[]> hard = TripletMining.HARD.select(d, labels, MARGIN, new Random(1));
		assertEquals(4, hard.size(), "one triplet per anchor");
		assertArrayEquals(new int[] { 0, 1, 3 }, hard.get(0), "anchor 0: its nearest negative is 3 (0.3)");
		List<int[]> random = TripletMining.RANDOM.select(d, labels, MARGIN, new Random(1));
		assertEquals(4, random.size(), "one triplet per anchor-positive pair");
		// Of all 8 triplets, those with d(A,P) - d(A,N) + 0.2 > 0:
		double active = TripletMining.activeFraction(d, labels, MARGIN);
		// anchor 0: 0.5-0.6+0.2>0, 0.5-0.3+0.2>0; anchor 1: 0.5-2+0.2<0 twice; anchor 2: 0.5-0.6+0.2>0, 0.5-2<0; anchor 3: 0.5-0.3+0.2>0, 0.5-2<0
		assertEquals(4 / 8.0, active, 1e-12);
	}
}
