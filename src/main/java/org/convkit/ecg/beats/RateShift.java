package org.convkit.ecg.beats;

import java.util.Random;

/**
 * Training augmentation: moves a beat's local heart rate against its record's, as a patient's rate
 * rises and falls over a Holter day. Half of a batch's beats (any class) have their previous, next
 * and local RR and their pace multiplied by one factor, log-uniform in {@code [1/(1+r), 1+r]}; the
 * record's mean and median RR stay. The features against the local rhythm and the pace (what makes a
 * beat premature) do not change, those against the record do, so the network learns not to read
 * prematurity from the record-wide rate, which differs most between patients.
 */
final class RateShift {

	private final double logRange;

	RateShift(double range) {
		this.logRange = Math.log1p(range);
	}

	/** Rescales the rhythm of half the batch's beats in place. */
	void apply(BeatNet.Batch batch, Random random) {
		if (logRange <= 0) return;
		int v = BeatDataset.RR_VALUES;
		float[] rr = batch.rr();
		for (int k = 0; k < batch.size(); k++) {
			if (random.nextBoolean()) continue;
			float f = (float) Math.exp(logRange * (2 * random.nextDouble() - 1));
			int at = k * v;
			rr[at] *= f;
			rr[at + 1] *= f;
			rr[at + 2] *= f;
			if (rr[at + 6] > 0) rr[at + 6] *= f;
		}
	}
}
