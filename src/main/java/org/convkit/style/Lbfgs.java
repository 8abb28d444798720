package org.convkit.style;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Limited-memory BFGS (Nocedal 1980) on a flat vector: the two-loop recursion over the last
 * {@code history} steps gives the direction, backtracking (halving until Armijo's sufficient
 * decrease) the step. The first step, and any step after a direction that does not descend, is
 * plain gradient descent scaled so that the largest change is {@code firstStep}.
 */
public final class Lbfgs {

	/** f(x) and its gradient, written into {@code gradient}. */
	@FunctionalInterface
	public interface Function {
		double evaluate(float[] x, float[] gradient);
	}

	private static final double ARMIJO = 1e-4;
	private static final int MAX_HALVINGS = 12;

	private final int history;
	private final double firstStep;
	private final Deque<double[][]> pairs = new ArrayDeque<>(); // {s, y, rho}, newest first
	private float[] x, g;
	private double f = Double.NaN;
	private int evaluations;

	public Lbfgs(float[] start, int history, double firstStep) {
		this.x = start.clone();
		this.g = new float[start.length];
		this.history = history;
		this.firstStep = firstStep;
	}

	/** One iteration; returns whether x moved (false: no step decreased f, the history was reset). */
	public boolean step(Function function) {
		if (Double.isNaN(f)) f = eval(function, x, g);
		double[] d = direction();
		double slope = dot(g, d);
		double t = 1;
		if (pairs.isEmpty() || slope >= 0) {
			pairs.clear();
			for (int i = 0; i < d.length; i++) d[i] = -g[i];
			slope = dot(g, d);
			t = firstStep / Math.max(1e-30, maxAbs(d));
		}
		float[] next = new float[x.length], gNext = new float[x.length];
		double fNext = Double.NaN;
		for (int h = 0; h <= MAX_HALVINGS; h++, t /= 2) {
			for (int i = 0; i < x.length; i++) next[i] = (float) (x[i] + t * d[i]);
			fNext = eval(function, next, gNext);
			if (fNext <= f + ARMIJO * t * slope) break;
		}
		if (!(fNext < f)) { // no decrease at all: forget the curvature, keep x
			pairs.clear();
			return false;
		}
		double[] s = new double[x.length], y = new double[x.length];
		double sy = 0;
		for (int i = 0; i < x.length; i++) {
			s[i] = next[i] - x[i];
			y[i] = gNext[i] - g[i];
			sy += s[i] * y[i];
		}
		if (sy > 1e-12) {
			pairs.addFirst(new double[][] { s, y, { 1 / sy } });
			if (pairs.size() > history) pairs.removeLast();
		}
		x = next;
		g = gNext;
		f = fNext;
		return true;
	}

	/** -H g by the two-loop recursion, H0 = (s'y / y'y) I from the newest pair. */
	private double[] direction() {
		double[] q = new double[g.length];
		for (int i = 0; i < q.length; i++) q[i] = -g[i];
		if (pairs.isEmpty()) return q;
		double[] alpha = new double[pairs.size()];
		int k = 0;
		for (double[][] p : pairs) {
			alpha[k] = p[2][0] * dot(p[0], q);
			axpy(-alpha[k++], p[1], q);
		}
		double[][] newest = pairs.peekFirst();
		double gamma = 1 / (newest[2][0] * dot(newest[1], newest[1]));
		for (int i = 0; i < q.length; i++) q[i] *= gamma;
		Iterator<double[][]> oldestFirst = pairs.descendingIterator();
		k = pairs.size() - 1;
		while (oldestFirst.hasNext()) {
			double[][] p = oldestFirst.next();
			double beta = p[2][0] * dot(p[1], q);
			axpy(alpha[k--] - beta, p[0], q);
		}
		return q;
	}

	private double eval(Function function, float[] at, float[] gradient) {
		evaluations++;
		return function.evaluate(at, gradient);
	}

	public float[] x() {
		return x;
	}

	public double value() {
		return f;
	}

	/** How many times f was evaluated so far (line-search trials included). */
	public int evaluations() {
		return evaluations;
	}

	private static double dot(double[] a, double[] b) {
		double sum = 0;
		for (int i = 0; i < a.length; i++) sum += a[i] * b[i];
		return sum;
	}

	private static double dot(float[] a, double[] b) {
		double sum = 0;
		for (int i = 0; i < a.length; i++) sum += a[i] * b[i];
		return sum;
	}

	private static void axpy(double a, double[] x, double[] y) {
		for (int i = 0; i < y.length; i++) y[i] += a * x[i];
	}

	private static double maxAbs(double[] v) {
		double max = 0;
		for (double value : v) max = Math.max(max, Math.abs(value));
		return max;
	}
}
