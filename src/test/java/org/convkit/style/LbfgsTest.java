package org.convkit.style;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** L-BFGS on functions with known minima. */
class LbfgsTest {

	@Test
	void minimisesRosenbrock() {
		Lbfgs.Function rosenbrock = (x, g) -> {
			double a = x[0], b = x[1];
			g[0] = (float) (-2 * (1 - a) - 400 * a * (b - a * a));
			g[1] = (float) (200 * (b - a * a));
			return (1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a);
		};
		Lbfgs lbfgs = new Lbfgs(new float[] { -1.2f, 1 }, 5, 0.1);
		double start = 24.2;
		for (int i = 0; i < 200 && lbfgs.value() != 0 && !(lbfgs.value() < 1e-9); i++) lbfgs.step(rosenbrock);
		assertTrue(lbfgs.value() < 1e-6, "f = " + lbfgs.value() + " after " + lbfgs.evaluations() + " evaluations, from " + start);
		assertEquals(1, lbfgs.x()[0], 1e-3);
		assertEquals(1, lbfgs.x()[1], 1e-3);
		assertTrue(lbfgs.evaluations() < 400, lbfgs.evaluations() + " evaluations");
	}

	@Test
	void solvesAnIllConditionedQuadratic() {
		// f = sum_i c_i (x_i - i)^2 with c_i from 1 to 1000: gradient descent would need thousands of steps, L-BFGS takes 150.
		int n = 50;
		Lbfgs.Function quadratic = (x, g) -> {
			double f = 0;
			for (int i = 0; i < n; i++) {
				double c = Math.pow(1000, i / (n - 1.0)), d = x[i] - i;
				f += c * d * d;
				g[i] = (float) (2 * c * d);
			}
			return f;
		};
		Lbfgs lbfgs = new Lbfgs(new float[n], 5, 1);
		for (int i = 0; i < 150; i++) lbfgs.step(quadratic);
		assertTrue(lbfgs.evaluations() < 250, lbfgs.evaluations() + " evaluations"); // measured: 159
		assertTrue(lbfgs.value() < 1e-3, "f = " + lbfgs.value());
		for (int i = 0; i < n; i++) assertEquals(i, lbfgs.x()[i], 0.01, "x" + i);
	}

	@Test
	void aStepThatCannotDescendKeepsX() {
		Lbfgs.Function flatWithWrongGradient = (x, g) -> {
			g[0] = 1;
			return 5;
		};
		Lbfgs lbfgs = new Lbfgs(new float[] { 2 }, 3, 1);
		assertFalse(lbfgs.step(flatWithWrongGradient));
		assertEquals(2, lbfgs.x()[0]);
		assertEquals(5, lbfgs.value());
	}
}
