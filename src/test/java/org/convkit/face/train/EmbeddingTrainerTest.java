package org.convkit.face.train;

import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.face.FaceEncoder;
import org.convkit.face.LabelledFaces;
import org.convkit.face.PairRule;
import org.convkit.face.eval.VerificationEvaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A scratch embedding trained with the triplet loss on ORL s1..s10 (chips resized, see
 * {@link OrlChips}) learns: the loss and the fraction of active triplets fall, and the persons
 * s11..s20, never seen, separate far above chance. The saved model encodes as the trained one and
 * refuses damaged or foreign folders.
 */
class EmbeddingTrainerTest {

	@TempDir
	Path temp;

	static VerificationEvaluation evaluate(EmbeddingModel model, LabelledFaces persons) throws IOException {
		Map<String, List<float[]>> e = persons.encode(new FaceEncoder(ConvKitRuntime.get(), model));
		return VerificationEvaluation.of(VerificationEvaluation.allPairs(e, null, PairRule.distance(model.tau())), model.tau());
	}

	@Test
	void scratchEmbeddingSeparatesUnseenPersons() throws IOException {
		EmbeddingTrainer.Config config = new EmbeddingTrainer.Config(EmbeddingModel.Architecture.SCRATCH, TripletMining.HARD, 0.2, 8, 4, 8,
			EmbeddingTrainer.SCRATCH_LEARNING_RATE, "adam", 1, 0, 0);
		EmbeddingTrainer.Result r = new EmbeddingTrainer(config).train(OrlChips.persons(1, 10), null, null);
		List<EmbeddingTrainer.EpochLog> log = r.log();
		assertEquals(8, log.size());
		double first = (log.get(0).loss() + log.get(1).loss()) / 2, last = (log.get(6).loss() + log.get(7).loss()) / 2;
		assertTrue(last < 0.5 * first, "the loss falls: " + log);
		assertTrue(log.get(7).activeFraction() < log.get(0).activeFraction(), "fewer triplets violate the margin: " + log);
		VerificationEvaluation unseen = evaluate(r.model(), OrlChips.persons(11, 20));
		assertTrue(unseen.auc() > 0.75, "unseen persons separate (chance: 0.5): AUC " + unseen.auc());

		// Saved and opened again: the same network, the same encodings, the same id.
		r.model().save(temp.resolve("model"));
		EmbeddingModel opened = EmbeddingModel.open(temp.resolve("model"));
		assertEquals(r.model().id(), opened.id());
		assertEquals(r.model().tau(), opened.tau());
		assertEquals("scratch", opened.descriptor().get("architecture").getAsString());
		assertEquals(128, opened.descriptor().get("embedding_size").getAsInt());
		assertEquals(150, opened.descriptor().get("input_width").getAsInt());
		assertEquals(auc(r.model()), auc(opened), 1e-6, "the opened model encodes as the trained one");

		// A damaged parameters file, and a folder of another kind, are refused with their reason.
		Path damaged = temp.resolve("model/" + EmbeddingModel.PARAMETERS);
		byte[] bytes = Files.readAllBytes(damaged);
		bytes[bytes.length / 2] ^= 1;
		Files.write(damaged, bytes);
		IOException e = assertThrows(IOException.class, () -> EmbeddingModel.open(temp.resolve("model")));
		assertTrue(e.getMessage().contains("is not the file its embedding.json describes"), e.getMessage());
		Files.createDirectories(temp.resolve("other"));
		Files.writeString(temp.resolve("other/" + EmbeddingModel.DESCRIPTOR), "{\"format\": \"convkit-face-pair-classifier\"}");
		IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> EmbeddingModel.open(temp.resolve("other")));
		assertTrue(other.getMessage().contains("is not a face embedding"), other.getMessage());
	}

	private static double auc(EmbeddingModel model) throws IOException {
		return evaluate(model, OrlChips.persons(11, 12)).auc();
	}
}
