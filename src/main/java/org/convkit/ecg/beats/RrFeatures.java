package org.convkit.ecg.beats;

/**
 * The rhythm features BeatNet reads beside the beat's window, computed from a beat's
 * {@link BeatDataset#RR_VALUES} raw values: each an RR interval over a rhythm of the same patient,
 * so that "early" means early for this patient. A model records which set it was trained on
 * ({@link BeatModel}), so models saved before {@link #PACE} still classify as they did.
 */
public enum RrFeatures {

	/**
	 * Previous, next and local RR over the record's mean RR; previous over next; previous and next
	 * over the local RR (the last {@code localBeats} beats); the rhythm's irregularity.
	 */
	LOCAL(7),
	/**
	 * {@link #LOCAL}, then previous, next and local RR over the pace (the median RR of the
	 * {@link BeatDataset#PACE_BEATS} beats either side), the pace over the record's median RR, and
	 * previous RR over the record's median RR. Inside a run of atrial beats the local rhythm is as
	 * fast as the beat itself, so only the pace shows the run is early; after a pause the next beat
	 * is early against the pause but not against the pace.
	 */
	PACE(12);

	/** What new models are trained on. */
	public static final RrFeatures CURRENT = PACE;

	private final int count;

	RrFeatures(int count) {
		this.count = count;
	}

	/** Features per beat. */
	public int count() {
		return count;
	}

	/** The property value a model folder records (see {@link #parse}). */
	public String key() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

	/** The set named by a model's property; null (absent: models saved before the property) is {@link #LOCAL}. */
	public static RrFeatures parse(String value) {
		if (value == null) return LOCAL;
		for (RrFeatures f : values()) if (f.key().equals(value.trim())) return f;
		throw new IllegalArgumentException("expected one of local, pace, got '" + value + "'");
	}

	/** Writes the features of the beat whose raw values start at {@code rr[at]} to {@code target[offset..]}. */
	void compute(float[] rr, int at, float[] target, int offset) {
		float prev = rr[at], next = rr[at + 1], local = rr[at + 2], mean = rr[at + 3];
		target[offset] = prev / mean;
		target[offset + 1] = next / mean;
		target[offset + 2] = local / mean;
		target[offset + 3] = prev / next;
		target[offset + 4] = prev / local;
		target[offset + 5] = next / local;
		target[offset + 6] = rr[at + 4];
		if (this == LOCAL) return;
		// beats built from raw arrays may lack the pace and the median: the mean stands in
		float pace = rr[at + 6] > 0 ? rr[at + 6] : mean, median = rr[at + 7] > 0 ? rr[at + 7] : mean;
		target[offset + 7] = prev / pace;
		target[offset + 8] = next / pace;
		target[offset + 9] = local / pace;
		target[offset + 10] = pace / median;
		target[offset + 11] = prev / median;
	}
}
