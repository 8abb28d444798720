package org.convkit.bench;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;

import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.demo.SyntheticEcg;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.beats.BeatClassifier;
import org.convkit.ecg.beats.BeatDataset;
import org.convkit.ecg.beats.BeatModel;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's PyTorch version of the beat classifier computes what ConvKit computes: the
 * shipped model's probabilities on a few beats agree. Needs a Python with torch (the default venv
 * of bin/torch-reference, CONVKIT_PYTHON, or python3's torch); skipped otherwise, and never creates
 * the venv.
 */
class EcgReferenceTest {

	@Test
	void theReferenceGivesConvKitsProbabilities() throws IOException {
		ReferencePythonFinder.Lookup lookup = new ReferencePythonFinder(ReferencePythonFinder.system(), ReferencePythonFinder.projectRoot(), false).find();
		assumeTrue(lookup.python().isPresent(), () -> "PyTorch reference skipped: " + lookup.whyNot());
		ConvKitRuntime runtime = ConvKitRuntime.get();
		BeatModel model = BeatModel.shipped().withAdaptation(null); // the reference has the trained statistics only
		EcgRecord record = SyntheticEcg.generate(20, 360, 3).record();
		BeatDataset beats = BeatClassifier.detectedBeats(record, record.defaultLead(), null, model.window());
		assertTrue(beats.size() >= 10, "beats: " + beats.size());
		float[] convKit = new BeatClassifier(model, runtime).probabilities(beats);
		EcgReference.Result torch = EcgReference.run(new PythonReference(lookup.found(), 1), runtime, model, beats, 1);
		assertEquals(convKit.length, torch.probabilities().length);
		double difference = Float32Files.maxAbsDifference(convKit, torch.probabilities());
		assertTrue(difference < 1e-5, "max |ConvKit - PyTorch| = " + difference);
	}
}
