package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.convkit.core.runtime.ConvKitRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeatNetTest {

	static final int LENGTH = 128;

	/** Two clearly different beat shapes (narrow positive spike: N; wide negative wave: V) with noise. */
	static BeatDataset synthetic(int n, long seed) {
		Random random = new Random(seed);
		float[] windows = new float[n * LENGTH], rr = new float[n * BeatDataset.RR_VALUES];
		int[] labels = new int[n];
		for (int i = 0; i < n; i++) {
			boolean v = i % 2 == 1;
			labels[i] = v ? AamiClass.V.ordinal() : AamiClass.N.ordinal();
			double width = v ? 12 : 3, height = v ? -0.7 : 1, centre = 45 + random.nextInt(7) - 3;
			for (int j = 0; j < LENGTH; j++) {
				double t = (j - centre) / width;
				windows[i * LENGTH + j] = (float) (height * Math.exp(-t * t / 2) + 0.05 * random.nextGaussian());
			}
			float prev = (float) (0.8 + 0.05 * random.nextGaussian());
			rr[i * BeatDataset.RR_VALUES] = prev;
			rr[i * BeatDataset.RR_VALUES + 1] = (float) (0.8 + 0.05 * random.nextGaussian());
			rr[i * BeatDataset.RR_VALUES + 2] = 0.8f;
			rr[i * BeatDataset.RR_VALUES + 3] = 0.8f;
			rr[i * BeatDataset.RR_VALUES + 4] = 0.05f;
		}
		return BeatDataset.ofArrays(LENGTH, windows, rr, labels);
	}

	/**
	 * The classifier runs the shipped ensemble with each BatchNorm folded into its convolution: on
	 * random beats of its window length, the same log-probabilities as the network as trained
	 * (its BatchNorms at inference), to float rounding, and no BatchNorm parameters left.
	 */
	@Test
	void foldedBatchNormComputesTheTrainedNetwork() throws Exception {
		BeatModel shipped = BeatModel.shipped();
		int length = shipped.window().length(), members = Integer.parseInt(shipped.property(BeatModel.NETWORKS).trim());
		String engine = ConvKitRuntime.get().engine().getEngineName();
		Random random = new Random(4);
		int n = 50;
		float[] signal = new float[n * BeatNet.CHANNELS * length], rr = new float[n * BeatDataset.RR_VALUES];
		for (int i = 0; i < signal.length; i++) signal[i] = (float) random.nextGaussian();
		for (int i = 0; i < rr.length; i++) rr[i] = 0.3f + 1.5f * random.nextFloat(); // RR values in seconds, ratios for irregularity and coherence
		BeatNet.Batch batch = new BeatNet.Batch(n, length, shipped.rrFeatures(), signal, rr, new int[n]);
		float[] trained, folded;
		try (Model model = BeatNet.load(parameters(), length, members, shipped.rrFeatures(), engine, ConvKitRuntime.get().device())) {
			trained = logProbabilities(model, batch);
		}
		try (Model model = BeatNet.loadFolded(parameters(), length, members, shipped.rrFeatures(), engine, ConvKitRuntime.get().device())) {
			folded = logProbabilities(model, batch);
			assertTrue(model.getBlock().getParameters().keys().stream().noneMatch(k -> k.contains("gamma") || k.contains("running")),
				"BatchNorm parameters left: " + model.getBlock().getParameters().keys());
		}
		assertEquals(n * AamiClass.COUNT, folded.length);
		double largest = 0;
		for (int i = 0; i < trained.length; i++) {
			assertEquals(trained[i], folded[i], 1e-4 * Math.max(1, Math.abs(trained[i])), "output " + i);
			largest = Math.max(largest, Math.abs(trained[i]));
		}
		assertTrue(largest > 0.5, "the outputs vary, so equality means something: largest |log p| " + largest);
	}

	private static java.io.InputStream parameters() {
		return BeatNetTest.class.getResourceAsStream("/org/convkit/ecg/model/" + BeatModel.PARAMETERS);
	}

	private static float[] logProbabilities(Model model, BeatNet.Batch batch) {
		try (NDManager manager = model.getNDManager().newSubManager()) {
			return model.getBlock().forward(new ParameterStore(manager, false), BeatNet.inputs(manager, batch), false).singletonOrThrow().toFloatArray();
		}
	}

	@Test
	void outputShape() {
		Block block = BeatNet.build();
		Shape[] inputs = BeatNet.inputShapes(3, 256, RrFeatures.CURRENT);
		assertEquals(new Shape(3, 3, 1, 256), inputs[0]);
		try (NDManager manager = ConvKitRuntime.get().newManager()) {
			block.initialize(manager, DataType.FLOAT32, inputs);
			assertEquals(new Shape(3, AamiClass.COUNT), block.getOutputShapes(inputs)[0]);
			NDList out = block.forward(new ParameterStore(manager, false),
				new NDList(manager.randomNormal(inputs[0]), manager.ones(inputs[1])), false);
			assertEquals(new Shape(3, AamiClass.COUNT), out.singletonOrThrow().getShape());
		}
	}

	@Test
	void learnsTwoShapesAndSurvivesSaveLoad(@TempDir Path dir) throws Exception {
		BeatDataset train = synthetic(256, 1), test = synthetic(200, 2);
		List<BeatTrainer.EpochLog> logs = new ArrayList<>();
		BeatTrainer.Config config = new BeatTrainer.Config(3, 32, 3e-3f, 7, 10, 1, 0, 1);
		BeatDataset.Options window = new BeatDataset.Options(0.25, 0.45, LENGTH, 10, true);
		Properties recipe = new Properties();
		recipe.setProperty("training.records", "synthetic");
		float[] before;
		Path folder = dir.resolve("model");
		DecisionBias bias = new DecisionBias(new float[] {0, -0.5f, 0.25f, -2, 0});
		try (Model model = BeatTrainer.train(train, config, logs::add)) {
			assertEquals(3, logs.size());
			assertTrue(Double.isNaN(logs.get(0).validationAccuracy()), "no validation records, no validation figures");
			BeatEvaluation e = BeatEvaluation.of(test, BeatTrainer.predict(model, test));
			assertTrue(e.accuracy() > 0.95, "held-out accuracy after 3 epochs: " + e.report() + logs);
			before = BeatTrainer.probabilities(model, test, 64);
			BeatModel.save(model, DecisionBias.NONE, window, null, recipe, folder);
			Files.writeString(folder.resolve("notes.txt"), "the user's own file");
			BeatModel.save(model, bias, window, null, recipe, folder); // replacing an existing model
		}
		try (var files = Files.list(folder)) {
			assertEquals(java.util.Set.of("notes.txt", BeatModel.PARAMETERS, BeatModel.PROPERTIES),
				files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
				"the model's two files replaced, the folder's other files kept, no temporary files left");
		}
		assertEquals("the user's own file", Files.readString(folder.resolve("notes.txt")));
		BeatModel saved = BeatModel.open(folder);
		assertEquals(window, saved.window());
		assertEquals("synthetic", saved.property("training.records"));
		assertEquals(bias, saved.bias());
		assertNull(saved.adaptation(), "a new model does not adapt unless its recipe says so");
		// loaded through the runtime's model cache, in batches
		assertArrayEquals(before, new BeatClassifier(saved).probabilities(test), 1e-5f);
	}

	/** An ensemble's probabilities are the mean of its networks', each trained alone with its own seed; saved and reopened, it is the same. */
	@Test
	void anEnsembleAveragesItsNetworks(@TempDir Path dir) throws Exception {
		BeatDataset train = synthetic(64, 4), test = synthetic(40, 5);
		BeatTrainer.Config one = new BeatTrainer.Config(1, 16, 1e-3f, 21, 10, 1, 0, 1);
		float[] first, second, ensemble;
		try (Model m = BeatTrainer.train(train, one, null)) {
			first = BeatTrainer.probabilities(m, test, 64);
		}
		try (Model m = BeatTrainer.train(train, one.withSeed(21 + BeatTrainer.MEMBER_SEED_STEP), null)) {
			second = BeatTrainer.probabilities(m, test, 64);
		}
		List<BeatTrainer.EpochLog> logs = new ArrayList<>();
		Path folder = dir.resolve("ensemble");
		try (Model m = BeatTrainer.train(train, one.withNetworks(2), logs::add)) {
			assertEquals(List.of(1, 2), logs.stream().map(BeatTrainer.EpochLog::network).toList());
			ensemble = BeatTrainer.probabilities(m, test, 64);
			BeatModel.save(m, DecisionBias.NONE, new BeatDataset.Options(0.25, 0.45, LENGTH, 10, true), null, new Properties(), folder);
		}
		assertFalse(java.util.Arrays.equals(first, second), "two seeds, two networks");
		for (int i = 0; i < first.length; i++) assertEquals((first[i] + second[i]) / 2, ensemble[i], 1e-4f, "probability " + i);
		BeatModel saved = BeatModel.open(folder);
		assertEquals("2", saved.property("networks"));
		assertArrayEquals(ensemble, new BeatClassifier(saved).probabilities(test), 1e-5f);
	}

	@Test
	void earlyStoppingKeepsTheEpochWithTheBestValidationMacroF1() {
		BeatDataset train = synthetic(128, 8), validation = synthetic(60, 9);
		List<BeatTrainer.EpochLog> logs = new ArrayList<>();
		try (Model model = BeatTrainer.train(train, validation, new BeatTrainer.Config(4, 32, 3e-3f, 3, 10, 1, 0, 1), logs::add)) {
			double best = logs.stream().mapToDouble(BeatTrainer.EpochLog::validationMacroF1).max().orElseThrow();
			assertEquals(best, BeatEvaluation.of(validation, BeatTrainer.predict(model, validation)).macroF1(), 1e-12, logs.toString());
		}
	}

	/** A small saved model whose properties have one line replaced (regular expression). */
	private static Path savedModelWith(Path dir, String line, String replacement) throws Exception {
		Path folder = dir.resolve("model");
		try (Model m = BeatTrainer.train(synthetic(32, 6), new BeatTrainer.Config(1, 16, 1e-3f, 1, 10, 1, 0, 1), null)) {
			BeatModel.save(m, DecisionBias.NONE, new BeatDataset.Options(0.25, 0.45, LENGTH, 10, true), null, new Properties(), folder);
		}
		Path props = folder.resolve(BeatModel.PROPERTIES);
		Files.writeString(props, Files.readString(props).replaceAll(line, replacement));
		return folder;
	}

	@Test
	void aModelWithABadNumberOfNetworksIsRefusedByName(@TempDir Path dir) throws Exception {
		Path folder = savedModelWith(dir, "networks=1", "networks=none");
		java.io.IOException e = assertThrows(java.io.IOException.class, () -> BeatModel.open(folder));
		assertEquals("model: beatnet.properties of " + folder.toAbsolutePath().normalize() + ": networks must be a whole number of networks >= 1, got 'none'",
			e.getMessage());
	}

	@Test
	void aModelWithABadDecisionBiasIsRefusedByName(@TempDir Path dir) throws Exception {
		Path folder = savedModelWith(dir, "decision_bias=.*", "decision_bias=0,-1,-1");
		java.io.IOException e = assertThrows(java.io.IOException.class, () -> BeatModel.open(folder));
		assertEquals("model: beatnet.properties of " + folder.toAbsolutePath().normalize()
			+ ": decision_bias: expected 5 comma-separated numbers (offsets of N,S,V,F,Q, N's being 0), got '0,-1,-1'", e.getMessage());
	}

	@Test
	void aFolderWithoutAModelIsBadInput(@TempDir Path dir) {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BeatModel.open(dir));
		assertEquals("model: expected a folder holding beatnet.params and beatnet.properties (written by Train ECG Classifier), got " + dir, e.getMessage());
	}

	@Test
	void seededTrainingIsRepeatable() {
		BeatDataset train = synthetic(64, 3);
		BeatTrainer.Config config = new BeatTrainer.Config(1, 16, 1e-3f, 11, 10, 1, 0, 1);
		float[] a, b;
		try (Model m = BeatTrainer.train(train, config, null)) {
			a = BeatTrainer.probabilities(m, train, 64);
		}
		try (Model m = BeatTrainer.train(train, config, null)) {
			b = BeatTrainer.probabilities(m, train, 64);
		}
		assertArrayEquals(a, b, 1e-4f);
	}

	@Test
	void classWeightsAreCappedInverseFrequencies() {
		assertArrayEquals(new float[] {1, 10, 4, 20, 1}, BeatTrainer.classWeights(new int[] {1000, 100, 250, 10, 0}, 20), 1e-6f);
	}
}
