package org.convkit.ecg.beats;

import java.util.Random;

/**
 * Training augmentation: turns a fraction of a batch's N beats into synthetic supraventricular (S)
 * beats by giving them the timing of a premature atrial beat (previous RR 60-85% of the local
 * rhythm, next RR 100-130% of it, a partly compensatory pause) and keeping their normal QRS shape.
 * <p>
 * Why: an S beat differs from an N beat mainly by its prematurity, not its QRS, yet DS1 has fewer
 * than a thousand S beats, most from one patient (209); the network otherwise learns that
 * patient's morphology instead of the timing rule that carries over to new patients.
 */
final class PrematureBeats {

	private final double fraction;

	PrematureBeats(double fraction) {
		this.fraction = fraction;
	}

	/** Relabels and retimes N beats of the batch in place, each with probability {@code fraction}. */
	void apply(BeatNet.Batch batch, Random random) {
		if (fraction <= 0) return;
		int f = BeatDataset.FEATURES;
		float[] x = batch.features();
		for (int k = 0; k < batch.size(); k++) {
			if (batch.labels()[k] != AamiClass.N.ordinal() || random.nextDouble() >= fraction) continue;
			// features are ratios: recover the RR values relative to the record mean (mean = 1)
			float local = x[k * f + 2], irregularity = x[k * f + 6];
			float prev = local * (0.60f + 0.25f * random.nextFloat());
			float next = local * (1.00f + 0.30f * random.nextFloat());
			BeatDataset.features(prev, next, local, 1, irregularity, x, k * f);
			batch.labels()[k] = AamiClass.S.ordinal();
		}
	}
}
