package org.convkit.ecg.beats;

import org.convkit.core.io.SharedData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class BeatMemoryTest {

	@Test
	void theEstimateErrsHighOfWhatTheBeatsHold() throws IOException {
		Path mitdb = SharedData.resolve("mitdb");
		Assumptions.assumeTrue(Files.isRegularFile(mitdb.resolve("208.hea")), "MIT-BIH is not in the data folder " + mitdb);
		double seconds = BeatMemory.seconds(mitdb, java.util.List.of("208"));
		assertEquals(650000 / 360.0, seconds, 1e-9, "208: 650,000 samples at 360 Hz");
		long estimate = BeatMemory.trainingHeapBytes(seconds, BeatDataset.Options.DEFAULT);
		BeatDataset beats = LabelledRecords.read(mitdb, "208", BeatDataset.Options.DEFAULT);
		// window and residual per beat, as floats: what the dataset itself holds
		long held = (long) beats.size() * 2 * BeatDataset.Options.DEFAULT.length() * Float.BYTES;
		assertTrue(estimate > 2 * held && estimate < 8 * held, "estimate " + estimate + " bytes against " + held + " held by " + beats.size() + " beats");
	}
}
