package org.convkit.bench;

import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.face.train.EmbeddingModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The benchmark's PyTorch training step is the step ConvKit takes: the scratch network (batch
 * norm on batch statistics, L2 normalisation) from the same weights and chips gives the same first
 * triplet loss. Needs a Python with torch (as {@link EcgReferenceTest}); skipped otherwise.
 */
class FaceTrainingReferenceTest {

	@Test
	void theReferenceStepStartsFromConvKitsLoss() throws IOException {
		ReferencePythonFinder.Lookup lookup = new ReferencePythonFinder(ReferencePythonFinder.system(), ReferencePythonFinder.projectRoot(), false).find();
		assumeTrue(lookup.python().isPresent(), () -> "PyTorch reference skipped: " + lookup.whyNot());
		FaceTrainingBenchmark.Measured m = FaceTrainingBenchmark.measure(ConvKitRuntime.get(), Optional.of(new PythonReference(lookup.found(), 1)),
			EmbeddingModel.Architecture.SCRATCH, 1);
		assertEquals(32, m.triplets(), "batch-hard: one triplet per chip");
		assertEquals(32, Integer.parseInt(m.torch().get("triplets")));
		double torch = Double.parseDouble(m.torch().get("first_loss"));
		assertEquals(m.firstLoss(), torch, 1e-4 * Math.abs(torch), "first loss, ConvKit against PyTorch");
	}
}
