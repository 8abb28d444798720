package org.convkit.ecg.beats;

import java.util.Arrays;

/**
 * Per-class offsets added to the log-probabilities before the most probable class is taken:
 * class = argmax_c (log p_c + b_c), with b_N = 0. Training weights the rare classes up (so the
 * network does not ignore them), which also makes it call them too often on new patients; a
 * negative offset moves that decision boundary back without retraining. The probabilities
 * themselves are left as the network gives them. Chosen on held-out patients by
 * {@link BeatCalibration}.
 * <p>
 * One rule comes with the offsets: a beat in atrial fibrillation
 * ({@link BeatDataset#inAtrialFibrillation}) is not called S, and what the network gives S there
 * counts for N. Without atrial activity an early beat is not an atrial premature beat (MIT-BIH marks
 * none in fibrillation): a beat the network takes for S there is a supraventricular beat conducted
 * early by the fibrillation, which AAMI counts as N. N beats in fibrillation were most of the
 * network's false S beats; dropping S alone sent many of them to V instead.
 */
public record DecisionBias(float[] offsets) {

	/** No offsets: the most probable class (in atrial fibrillation S counting for N). */
	public static final DecisionBias NONE = new DecisionBias(new float[AamiClass.COUNT]);

	static final String EXPECTED = "%s: expected %d comma-separated numbers (offsets of N,S,V,F,Q, N's being 0), got '%s'";
	static final String INVALID = "%s: %s (in '%s')";

	public DecisionBias {
		if (offsets.length != AamiClass.COUNT) throw new IllegalArgumentException("offsets: expected " + AamiClass.COUNT + ", got " + offsets.length);
		offsets = offsets.clone();
		for (int c = 0; c < offsets.length; c++) offsets[c] += 0f; // -0.0 becomes 0.0: one text, one equals
		for (float b : offsets) if (!Float.isFinite(b)) throw new IllegalArgumentException("offsets must be finite numbers, got " + Arrays.toString(offsets));
		if (offsets[AamiClass.N.ordinal()] != 0) throw new IllegalArgumentException("N's offset must be 0, got " + offsets[0]);
	}

	@Override
	public float[] offsets() {
		return offsets.clone();
	}

	public float offset(AamiClass c) {
		return offsets[c.ordinal()];
	}

	/** The class of row {@code beat} of n x 5 probabilities (row-major, {@link AamiClass} order), a beat in atrial fibrillation or not. */
	public AamiClass classify(float[] probabilities, int beat, boolean atrialFibrillation) {
		double[] logP = new double[AamiClass.COUNT];
		for (int c = 0; c < logP.length; c++) logP[c] = Math.log(probabilities[beat * AamiClass.COUNT + c]);
		return AamiClass.values()[classIndex(logP, 0, offsets, atrialFibrillation)];
	}

	/**
	 * The class index of row {@code beat} of n x 5 log-probabilities with these offsets; in atrial
	 * fibrillation S is left out and its probability added to N's (the one rule, shared with the
	 * calibration's search).
	 */
	static int classIndex(double[] logP, int beat, float[] offsets, boolean atrialFibrillation) {
		int row = beat * AamiClass.COUNT, n = AamiClass.N.ordinal(), s = AamiClass.S.ordinal();
		int best = 0;
		double bestScore = Double.NEGATIVE_INFINITY;
		for (int c = 0; c < AamiClass.COUNT; c++) {
			if (atrialFibrillation && c == s) continue;
			double logPc = atrialFibrillation && c == n ? logSum(logP[row + n], logP[row + s]) : logP[row + c];
			double score = logPc + offsets[c];
			if (score > bestScore) {
				bestScore = score;
				best = c;
			}
		}
		return best;
	}

	/** log(e^a + e^b) without overflow or underflow; -infinity when both are. */
	static double logSum(double a, double b) {
		double max = Math.max(a, b);
		return max == Double.NEGATIVE_INFINITY ? max : max + Math.log1p(Math.exp(Math.min(a, b) - max));
	}

	/** The class index of each of these beats, whose probabilities are the rows in the same order. */
	public int[] classify(float[] probabilities, BeatDataset beats) {
		if (probabilities.length != beats.size() * AamiClass.COUNT) {
			throw new IllegalArgumentException("probabilities: expected " + beats.size() + " x " + AamiClass.COUNT + ", got " + probabilities.length);
		}
		int[] classes = new int[beats.size()];
		for (int i = 0; i < classes.length; i++) classes[i] = classify(probabilities, i, beats.inAtrialFibrillation(i)).ordinal();
		return classes;
	}

	/** As written in a model's properties: "0.0,-0.75,-1.25,-2.0,0.0" (exact: {@link #parse} gives the same offsets back). */
	public String format() {
		StringBuilder s = new StringBuilder();
		for (int c = 0; c < offsets.length; c++) s.append(c == 0 ? "" : ",").append(offsets[c]);
		return s.toString();
	}

	/** Parses {@link #format()}'s text; {@code what} names the source in the error. */
	public static DecisionBias parse(String text, String what) {
		String[] parts = text.split(",", -1);
		if (parts.length != AamiClass.COUNT) throw new IllegalArgumentException(String.format(EXPECTED, what, AamiClass.COUNT, text));
		float[] b = new float[AamiClass.COUNT];
		try {
			for (int c = 0; c < b.length; c++) b[c] = Float.parseFloat(parts[c].trim());
		}
		catch (NumberFormatException e) {
			throw new IllegalArgumentException(String.format(EXPECTED, what, AamiClass.COUNT, text), e);
		}
		try {
			return new DecisionBias(b);
		}
		catch (IllegalArgumentException e) {
			throw new IllegalArgumentException(String.format(INVALID, what, e.getMessage(), text), e);
		}
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof DecisionBias d && Arrays.equals(offsets, d.offsets);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(offsets);
	}

	@Override
	public String toString() {
		return "DecisionBias[" + format() + "]";
	}
}
