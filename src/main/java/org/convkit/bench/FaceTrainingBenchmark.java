package org.convkit.bench;

import ai.djl.Model;
import ai.djl.training.Trainer;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.face.FaceEncoder;
import org.convkit.face.train.EmbeddingModel;
import org.convkit.face.train.EmbeddingTrainer;
import org.convkit.face.train.TripletMining;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The training half of {@code convkit bench faces}: one triplet-loss training step (forward,
 * batch-hard mining on the embeddings' distances, loss, backward, Adam) of Train Face Embedding's
 * {@link EmbeddingTrainer#step}, for the scratch network and for the fine-tuned pretrained one
 * (first convolution and 7 units frozen, as {@code convkit evaluate faces-train}), in triplets per
 * second; next to the same step in PyTorch (face_reference.py {@code train}) on the same network,
 * initial weights (exported from the block) and chips, the first losses compared. Batch-hard mining
 * is deterministic, so both sides train on the same triplets.
 */
final class FaceTrainingBenchmark {

	/** Train Face Embedding's default batch: P persons x K images. */
	private static final int PERSONS = 8, IMAGES = 4;
	private static final double MARGIN = 0.2;
	private static final int FREEZE_UNITS = 7;
	private static final int RUNS = 5;

	private FaceTrainingBenchmark() {}

	static void run(ConvKitRuntime runtime, Optional<PythonReference> reference, PrintStream out) throws IOException {
		out.printf(Locale.ROOT, "  training step (forward, batch-hard triplets, triplet loss, backward, Adam), batch %d persons x %d chips:%n", PERSONS, IMAGES);
		for (EmbeddingModel.Architecture architecture : EmbeddingModel.Architecture.values()) {
			Measured m = measure(runtime, reference, architecture, RUNS);
			String name = architecture == EmbeddingModel.Architecture.SCRATCH ? "scratch" : "finetune (freeze_units " + FREEZE_UNITS + ")";
			out.printf(Locale.ROOT, "    %s: ConvKit %.3f s a step = %.1f triplets/s (%d triplets a step)%n", name, m.seconds(), m.triplets() / m.seconds(),
				m.triplets());
			if (m.torch() == null) continue;
			double torchSeconds = Double.parseDouble(m.torch().get("seconds"));
			out.printf(Locale.ROOT, "    %s: %s %.3f s a step = %.1f triplets/s (%s; %s threads; its peak RSS %s MB)%n", name, reference.get().label(),
				torchSeconds, Integer.parseInt(m.torch().get("triplets")) / torchSeconds, PythonReference.layouts(m.torch()), m.torch().get("threads"),
				m.torch().get("peak_rss_mb"));
			out.printf(Locale.ROOT, "    first loss (same weights and chips): ConvKit %.6g, PyTorch %s%n", m.firstLoss(), m.torch().get("first_loss"));
			out.println(Benchmark.ratio("faces training step " + architecture.key() + " batch " + PERSONS * IMAGES, runtime, m.seconds(), torchSeconds));
		}
	}

	/** ConvKit's median step, its triplets and first loss; PyTorch's output line (null without a reference). */
	record Measured(double seconds, int triplets, double firstLoss, Map<String, String> torch) {}

	/** Times {@code runs} steps (after one untimed) on both sides, from the same initial weights. */
	static Measured measure(ConvKitRuntime runtime, Optional<PythonReference> reference, EmbeddingModel.Architecture architecture, int runs) throws IOException {
		int n = PERSONS * IMAGES, size = 3 * FaceEncoder.CHIP_SIZE * FaceEncoder.CHIP_SIZE;
		float[] chips = new float[n * size];
		Random random = new Random(17);
		for (int i = 0; i < chips.length; i++) chips[i] = random.nextInt(256);
		int[] labels = new int[n];
		for (int i = 0; i < n; i++) labels[i] = i / IMAGES;
		int freeze = architecture == EmbeddingModel.Architecture.FINETUNE ? FREEZE_UNITS : 0;
		EmbeddingTrainer trainer = new EmbeddingTrainer(new EmbeddingTrainer.Config(architecture, TripletMining.HARD, MARGIN, PERSONS, IMAGES, 1,
			EmbeddingTrainer.defaultLearningRate(architecture), "adam", 1, freeze, 0));
		Path folder = Files.createTempDirectory("convkit-face-train-bench");
		try (Model model = trainer.newModel(runtime.engine().getEngineName(), runtime.device());
			Trainer djl = trainer.newTrainer(model, runtime.device()))
		{
			ParameterFile.write(model.getBlock(), folder);
			List<EmbeddingTrainer.Step> steps = new ArrayList<>();
			Random mining = new Random(1);
			double seconds = Timing.medianSeconds(1, runs, () -> steps.add(trainer.step(djl, chips, labels, mining)));
			Map<String, String> torch = null;
			if (reference.isPresent()) {
				Path input = folder.resolve("chips.f32");
				Float32Files.write(input, chips);
				torch = PythonReference.line(reference.get().run("face_reference.py", "train", architecture.key(), folder.toString(), input.toString(),
					"" + PERSONS, "" + IMAGES, "" + MARGIN, "" + EmbeddingTrainer.defaultLearningRate(architecture), "" + freeze, "" + runs), "seconds");
			}
			return new Measured(seconds, steps.get(0).triplets(), steps.get(0).loss(), torch);
		}
		finally {
			TempFolders.delete(folder);
		}
	}
}
