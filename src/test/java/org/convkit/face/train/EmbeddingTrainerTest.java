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

	/** One validation person has no pair of different persons to choose tau on: refused before any step, as the command does. */
	@Test
	void oneValidationPersonIsRefusedBeforeTraining() {
		EmbeddingTrainer.Config config = new EmbeddingTrainer.Config(EmbeddingModel.Architecture.SCRATCH, TripletMining.HARD, 0.2, 8, 4, 8,
			EmbeddingTrainer.SCRATCH_LEARNING_RATE, "adam", 1, 0, 0);
		int[] steps = {0};
		EmbeddingTrainer.Listener counting = new EmbeddingTrainer.Listener() {
			@Override
			public void epoch(EmbeddingTrainer.EpochLog log) {
				steps[0]++;
			}
		};
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> new EmbeddingTrainer(config).train(OrlChips.persons(1, 4), OrlChips.persons(5, 5), counting));
		assertEquals(EmbeddingTrainer.ONE_VALIDATION_PERSON, e.getMessage());
		assertEquals(0, steps[0], "no epoch ran");
	}

	private static double auc(EmbeddingModel model) throws IOException {
		return evaluate(model, OrlChips.persons(11, 12)).auc();
	}

	/**
	 * Fine-tuning runs its frozen layers outside the gradient recording: those layers keep their
	 * pretrained weights, the layers after them change, and the step's loss is the one the whole
	 * network gives on the same chips (the frozen part computes the same in either mode).
	 */
	@Test
	void fineTuningKeepsTheFrozenLayersAndTrainsTheRest() throws IOException {
		int persons = 4, images = 2, n = persons * images, size = 3 * FaceEncoder.CHIP_SIZE * FaceEncoder.CHIP_SIZE;
		float[] chips = new float[n * size];
		java.util.Random random = new java.util.Random(3);
		for (int i = 0; i < chips.length; i++) chips[i] = random.nextInt(256);
		int[] labels = new int[n];
		for (int i = 0; i < n; i++) labels[i] = i / images;
		EmbeddingTrainer trainer = new EmbeddingTrainer(new EmbeddingTrainer.Config(EmbeddingModel.Architecture.FINETUNE, TripletMining.HARD, 0.2,
			persons, images, 1, 1e-3, "adam", 1, 7, 0));
		ConvKitRuntime runtime = ConvKitRuntime.get();
		try (ai.djl.Model model = trainer.newModel(runtime.engine().getEngineName(), runtime.device());
			ai.djl.training.Trainer djl = trainer.newTrainer(model, runtime.device()))
		{
			List<ai.djl.nn.Block> layers = model.getBlock().getChildren().values();
			float[] frozenBefore = parameters(layers.subList(0, 3 + 7)), trainedBefore = parameters(layers.subList(3 + 7, layers.size()));
			double expected;
			try (ai.djl.ndarray.NDManager m = model.getNDManager().newSubManager()) {
				ai.djl.ndarray.NDArray e = model.getBlock().forward(new ai.djl.training.ParameterStore(m, false),
					new ai.djl.ndarray.NDList(m.create(chips, new ai.djl.ndarray.types.Shape(n, 3, FaceEncoder.CHIP_SIZE, FaceEncoder.CHIP_SIZE))), false)
					.singletonOrThrow();
				float[] squared = TripletLoss.squaredDistances(e).toFloatArray();
				expected = TripletLoss.loss(e, TripletMining.HARD.select(squared, labels, 0.2, new java.util.Random(1)), 0.2).getFloat();
			}
			EmbeddingTrainer.Step step = trainer.step(djl, chips, labels, new java.util.Random(1));
			assertEquals(expected, step.loss(), 1e-4 * Math.max(1, Math.abs(expected)), "the step's loss is the whole network's");
			for (int i = 0; i < 3; i++) trainer.step(djl, chips, labels, new java.util.Random(1 + i));
			assertArrayEquals(frozenBefore, parameters(layers.subList(0, 3 + 7)), "frozen layers keep their weights");
			float[] trainedAfter = parameters(layers.subList(3 + 7, layers.size()));
			double change = 0;
			for (int i = 0; i < trainedAfter.length; i++) change = Math.max(change, Math.abs(trainedAfter[i] - trainedBefore[i]));
			assertTrue(change > 1e-6, "the layers after the frozen ones learn: largest change " + change);
		}
	}

	/** Every parameter value of the blocks, one after the other. */
	private static float[] parameters(List<ai.djl.nn.Block> blocks) {
		List<float[]> values = new java.util.ArrayList<>();
		for (ai.djl.nn.Block b : blocks) for (ai.djl.nn.Parameter p : b.getParameters().values()) values.add(p.getArray().toFloatArray());
		float[] all = new float[values.stream().mapToInt(v -> v.length).sum()];
		int at = 0;
		for (float[] v : values) {
			System.arraycopy(v, 0, all, at, v.length);
			at += v.length;
		}
		return all;
	}
}
