package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.io.WfdbAnnotations;
import org.convkit.ecg.io.WfdbRecords;
import org.junit.jupiter.api.Test;

/** AdaBN on a real MIT-BIH record with the shipped model; skipped without ../shared/data/mitdb. */
class RecordAdaptationTest {

	/**
	 * AdaBN's definition: the adapted network classifies a record's beats as the trained network
	 * does in training mode, each BatchNorm normalising with the statistics of the batch of those
	 * beats (the engine's own BatchNorm against {@link RecordNorm} and the folding).
	 */
	@Test
	void theAdaptedNetworkIsTheTrainedOneNormalisedByTheRecordsBeats() throws Exception {
		BeatDataset all = reference("108");
		int[] first = new int[Math.min(all.size(), RecordAdaptation.MAX_BEATS)];
		for (int i = 0; i < first.length; i++) first[i] = i;
		BeatDataset beats = all.subset(first);
		BeatModel shipped = BeatModel.shipped();
		Model trained = ConvKitRuntime.get().model(shipped.specAsTrained());
		float[] adapted, batchStatistics, running;
		try (Model model = RecordAdaptation.RECORD.adapted(trained, beats, shipped.rrFeatures())) {
			adapted = BeatTrainer.probabilities(model, beats, 512);
		}
		running = BeatTrainer.probabilities(trained, beats, 512);
		try (NDManager m = trained.getNDManager().newSubManager();
			GradientCollector trainingMode = trained.getNDManager().getEngine().newGradientCollector())
		{
			NDList inputs = BeatNet.inputs(m, BeatNet.batch(beats, null, 0, beats.size(), shipped.rrFeatures()));
			batchStatistics = trained.getBlock().forward(new ParameterStore(m, false), inputs, true).singletonOrThrow().softmax(1).toFloatArray();
		}
		double largest = 0, fromRunning = 0;
		for (int i = 0; i < adapted.length; i++) {
			largest = Math.max(largest, Math.abs(adapted[i] - batchStatistics[i]));
			fromRunning = Math.max(fromRunning, Math.abs(adapted[i] - running[i]));
		}
		assertTrue(largest < 1e-3, "largest difference from the training-mode probabilities: " + largest);
		assertTrue(fromRunning > 0.1, "record 108's statistics differ from the training set's: " + fromRunning);
	}

	/**
	 * Adapted, the network reads a record whose windows are scaled and shifted as it reads the
	 * original: the first convolution's output changes by an affine map per channel, which the
	 * record's own statistics take out. Without adaptation the classes change.
	 */
	@Test
	void aScaledAndShiftedRecordGetsTheSameClassesWhenAdapted() throws Exception {
		BeatDataset beats = reference("100");
		int n = beats.size(), len = beats.length();
		float[] windows = new float[n * len], rr = new float[n * BeatDataset.RR_VALUES];
		int[] labels = new int[n];
		for (int i = 0; i < n; i++) {
			float[] w = beats.window(i);
			for (int j = 0; j < len; j++) windows[i * len + j] = 1.8f * w[j] + 0.4f;
			System.arraycopy(beats.rr(i), 0, rr, i * BeatDataset.RR_VALUES, BeatDataset.RR_VALUES);
			labels[i] = beats.labelIndex(i);
		}
		BeatDataset altered = BeatDataset.ofArrays("100", len, windows, rr, labels);
		BeatModel shipped = BeatModel.shipped();
		BeatClassifier plain = new BeatClassifier(shipped), adapted = new BeatClassifier(shipped.withAdaptation(RecordAdaptation.RECORD));
		int[] original = DecisionBias.NONE.classify(adapted.probabilities(beats), beats), moved = DecisionBias.NONE.classify(adapted.probabilities(altered), altered);
		int[] unadapted = DecisionBias.NONE.classify(plain.probabilities(beats), beats), unadaptedMoved = DecisionBias.NONE.classify(plain.probabilities(altered), altered);
		assertEquals(0, differences(original, moved), "adapted: beats whose class changed");
		assertTrue(differences(unadapted, unadaptedMoved) > 10, "without adaptation the altered windows change classes: " + differences(unadapted, unadaptedMoved));
	}

	private static int differences(int[] a, int[] b) {
		int d = 0;
		for (int i = 0; i < a.length; i++) if (a[i] != b[i]) d++;
		return d;
	}

	private static BeatDataset reference(String name) throws Exception {
		Path mitdb = PacedRecordsTest.mitdb(name);
		EcgRecord record = WfdbRecords.read(mitdb.resolve(name + ".hea"));
		List<Annotation> reference = WfdbAnnotations.read(mitdb.resolve(name + ".atr"));
		return BeatDataset.of(record, reference, BeatModel.shipped().window());
	}
}
