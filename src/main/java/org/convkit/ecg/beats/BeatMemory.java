package org.convkit.ecg.beats;

import org.convkit.ecg.io.WfdbHeader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What training holds on the heap, estimated from the records' headers before any is read, so the
 * memory guard can refuse a training set that cannot fit: every beat's window and residual, the
 * concatenated copy, and the trainer's sampled and augmented copies, at a mean heart rate of 150
 * bpm over the whole signal, higher than records have, so the estimate errs high.
 */
public final class BeatMemory {

	static final double MAX_BEATS_PER_SECOND = 2.5;
	static final int FLOAT_COPIES_PER_SAMPLE = 6;
	/** The engine and the network's parameters and batches: small beside the beats. */
	public static final long ENGINE_BYTES = 512L << 20;

	private BeatMemory() {}

	/** Seconds of signal in the WFDB records {@code folder/name.hea}. */
	public static double seconds(Path folder, List<String> names) throws IOException {
		double seconds = 0;
		for (String name : names) {
			WfdbHeader header = WfdbHeader.parse(folder.resolve(name + ".hea"));
			seconds += header.length() / header.frequency();
		}
		return seconds;
	}

	/** Heap bytes to train on this many seconds of signal with this beat window. */
	public static long trainingHeapBytes(double seconds, BeatDataset.Options window) {
		return (long) (seconds * MAX_BEATS_PER_SECOND * window.length() * Float.BYTES * FLOAT_COPIES_PER_SAMPLE);
	}
}
