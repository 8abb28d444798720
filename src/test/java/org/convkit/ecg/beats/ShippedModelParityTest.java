package org.convkit.ecg.beats;

import ai.djl.engine.Engine;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.core.runtime.RuntimeOptions;
import org.convkit.demo.SyntheticEcg;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The shipped beat classifier, saved once as engine-neutral block parameters, gives the same
 * probabilities on MXNet and on PyTorch, record adaptation included. Runs when the PyTorch engine is on the class path
 * ({@code mvn -Ppytorch}; .ci/run does).
 */
class ShippedModelParityTest {

	@Test
	void mxnetAndPytorchClassifyBeatsAlike() throws Exception {
		Assumptions.assumeTrue(Engine.hasEngine("PyTorch"), "PyTorch engine not on the class path: build with -Ppytorch to run this test");
		SyntheticEcg.Labelled ecg = SyntheticEcg.generate(150, 360, 3);
		BeatModel model = BeatModel.shipped();
		BeatDataset beats = BeatClassifier.detectedBeats(ecg.record(), ecg.record().defaultLead(), ecg.annotations(), model.window());
		assertNotNull(model.adaptation(), "the shipped model adapts to each record");
		assertTrue(RecordAdaptation.adapts(beats.size()), "enough beats in 2.5 minutes for the record adaptation to run: " + beats.size());
		float[] mxnet, pytorch;
		try (ConvKitRuntime runtime = ConvKitRuntime.open(new RuntimeOptions("MXNet", false))) {
			mxnet = new BeatClassifier(model, runtime).probabilities(beats);
		}
		try (ConvKitRuntime runtime = ConvKitRuntime.open(new RuntimeOptions("pytorch", false))) {
			assertEquals("PyTorch", runtime.engine().getEngineName());
			pytorch = new BeatClassifier(model, runtime).probabilities(beats);
		}
		assertEquals(mxnet.length, pytorch.length);
		for (int i = 0; i < mxnet.length; i++) assertEquals(mxnet[i], pytorch[i], 1e-4, "probability " + i);
	}
}
