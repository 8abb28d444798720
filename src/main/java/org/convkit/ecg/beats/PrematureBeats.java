package org.convkit.ecg.beats;

import java.util.Random;

/**
 * Training augmentation: turns a fraction of a batch's N beats into synthetic supraventricular (S)
 * beats by giving them the timing of a premature atrial beat and keeping their normal QRS shape.
 * Most are single premature beats (previous RR 60-85% of the local rhythm, next RR 100-130% of it,
 * a partly compensatory pause); {@link #RUNS} of them are beats inside a run of atrial beats (every
 * RR of the run 50-80% of the patient's pace, so the local rhythm is fast too and only the longer
 * scales show the beats are early).
 * <p>
 * Why: an S beat differs from an N beat mainly by its prematurity, not its QRS, yet DS1 has fewer
 * than a thousand S beats, most from one patient (209); the network otherwise learns that
 * patient's morphology instead of the timing rule that carries over to new patients.
 */
final class PrematureBeats {

	/**
	 * The share of synthetic S beats that are inside a run. Half: with pace features and no runs,
	 * record 209's runs of atrial beats were mostly called N on the MIT-BIH series split (see README).
	 */
	static final double RUNS = 0.5;

	private final double fraction;

	PrematureBeats(double fraction) {
		this.fraction = fraction;
	}

	/** Relabels and retimes N beats of the batch in place, each with probability {@code fraction}. */
	void apply(BeatNet.Batch batch, Random random) {
		if (fraction <= 0) return;
		int v = BeatDataset.RR_VALUES;
		float[] rr = batch.rr();
		for (int k = 0; k < batch.size(); k++) {
			if (batch.labels()[k] != AamiClass.N.ordinal() || random.nextDouble() >= fraction) continue;
			int at = k * v;
			float local = rr[at + 2];
			if (random.nextDouble() < RUNS) {
				float pace = rr[at + 6] > 0 ? rr[at + 6] : local;
				float run = pace * (0.50f + 0.30f * random.nextFloat()), share = 0.3f + 0.7f * random.nextFloat();
				rr[at] = run * (0.95f + 0.10f * random.nextFloat());
				rr[at + 1] = run * (0.95f + 0.35f * random.nextFloat());
				rr[at + 2] = share * run + (1 - share) * local;
			}
			else {
				rr[at] = local * (0.60f + 0.25f * random.nextFloat());
				rr[at + 1] = local * (1.00f + 0.30f * random.nextFloat());
			}
			batch.labels()[k] = AamiClass.S.ordinal();
		}
	}
}
