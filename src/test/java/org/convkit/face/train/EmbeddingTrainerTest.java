package org.convkit.face.train;

import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.face.FaceEncoder;
import org.convkit.face.LabelledFaces;
import org.convkit.face.PairRule;
import org.convkit.face.eval.VerificationEvaluation;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class EmbeddingTrainerTest {

	static VerificationEvaluation evaluate(EmbeddingModel model, LabelledFaces persons) throws IOException {
		Map<String, List<float[]>> e = persons.encode(new FaceEncoder(ConvKitRuntime.get(), model));
		return VerificationEvaluation.of(VerificationEvaluation.allPairs(e, null, PairRule.distance(model.tau())), model.tau());
	}

	@Test
	void scratch() throws IOException {
		for (TripletMining mining : TripletMining.values()) {
			long t0 = System.nanoTime();
			EmbeddingTrainer.Config config = new EmbeddingTrainer.Config(EmbeddingModel.Architecture.SCRATCH, mining, 0.2, 8, 4, 
				Integer.getInteger("epochs", 10), 1e-3, "adam", 1, 0, 0);
			EmbeddingTrainer.Result r = new EmbeddingTrainer(config).train(OrlChips.persons(1, 8), OrlChips.persons(9, 10), l -> System.out.println(l));
			VerificationEvaluation e = evaluate(r.model(), OrlChips.persons(11, 20));
			System.out.printf("%s: best epoch %d, tau %.3f, test auc %.4f eer %.4f acc10 %.4f (%.1f s)%n", mining, r.bestEpoch(), r.model().tau(), e.auc(), e.eer(), e.accuracy10Fold(), (System.nanoTime() - t0) / 1e9);
		}
	}
}
