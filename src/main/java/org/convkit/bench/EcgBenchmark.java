package org.convkit.bench;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.convkit.core.io.SharedData;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.demo.SyntheticEcg;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.beats.AamiClass;
import org.convkit.ecg.beats.BeatClassifier;
import org.convkit.ecg.beats.BeatDataset;
import org.convkit.ecg.beats.BeatModel;
import org.convkit.ecg.beats.BeatNet;
import org.convkit.ecg.beats.ClassifiedBeats;
import org.convkit.ecg.beats.RecordAdaptation;
import org.convkit.ecg.io.WfdbRecords;
import org.convkit.ecg.signal.QrsDetector;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code convkit bench ecg}: a 30-minute 2-lead MIT-BIH record (208, from ../shared/data/mitdb;
 * a synthetic 30-minute record when absent) read, filtered, detected and classified end to end
 * with the shipped model, then each step alone, and the network's throughput in beats per second,
 * next to the same network, parameters and beats in PyTorch ({@link EcgReference}), whose
 * probabilities are compared with ConvKit's.
 */
public final class EcgBenchmark implements Benchmark {

	private static final Path RECORD = SharedData.resolve("mitdb/208.hea");

	@Override
	public String name() {
		return "ecg";
	}

	@Override
	public void run(PrintStream out) throws IOException {
		ConvKitRuntime runtime = ConvKitRuntime.get();
		out.println(Benchmark.header(this, runtime));
		boolean real = Files.isRegularFile(RECORD);
		Timing.Work read = real ? () -> WfdbRecords.read(RECORD) : () -> SyntheticEcg.generate(1805.6, 360, 1);
		EcgRecord record = real ? WfdbRecords.read(RECORD) : SyntheticEcg.generate(1805.6, 360, 1).record();
		out.printf(Locale.ROOT, "  record: %s (%d leads, %.0f s at %.0f Hz)%s%n", real ? RECORD : "synthetic", record.leads().size(),
			record.defaultLead().durationSeconds(), record.frequency(), real ? "" : "; MIT-BIH not found at " + RECORD.toAbsolutePath());
		BeatClassifier classifier = new BeatClassifier(BeatModel.shipped(), runtime);
		ClassifiedBeats[] last = new ClassifiedBeats[1];
		double endToEnd = Timing.medianSeconds(2, 5, () -> {
			EcgRecord r = real ? WfdbRecords.read(RECORD) : record;
			last[0] = classifier.classify(r, null);
		});
		int beats = last[0].size();
		out.printf(Locale.ROOT, "  end to end (read, filter, detect, cut beats, classify): %.3f s for %d beats (target < 2 s)%n", endToEnd, beats);
		EcgRecord.Lead lead = record.defaultLead();
		double readS = Timing.medianSeconds(2, 5, read);
		double detectS = Timing.medianSeconds(2, 5, () -> new QrsDetector().detect(lead));
		double cutS = Timing.medianSeconds(2, 5, () -> BeatClassifier.detectedBeats(record, lead, null, classifier.model().window()));
		BeatDataset data = BeatClassifier.detectedBeats(record, lead, null, classifier.model().window());
		// the network alone, without the shipped model's record adaptation: what the PyTorch reference runs
		BeatClassifier network = new BeatClassifier(classifier.model().withAdaptation(null), runtime);
		double networkS = Timing.medianSeconds(2, 5, () -> network.probabilities(data));
		// as shipped: the statistics pass over the dominant beats and the folding, then the network
		double adaptedS = Timing.medianSeconds(2, 5, () -> classifier.probabilities(data));
		out.printf(Locale.ROOT, "  read %s: %.3f s%n", real ? "(WFDB 212)" : "(synthesis)", readS);
		out.printf(Locale.ROOT, "  QRS detection: %.3f s%n", detectS);
		out.printf(Locale.ROOT, "  detection + band-pass + beat windows: %.3f s%n", cutS);
		out.printf(Locale.ROOT, "  network, %d beats in batches of %d: %.3f s = %.0f beats/s%n", data.size(), BeatClassifier.BATCH, networkS,
			data.size() / networkS);
		out.printf(Locale.ROOT, "    adapted to the record as shipped (record_adaptation=%s: statistics pass over %d beats, folding, then the network): %.3f s%n",
			RecordAdaptation.formatOrOff(classifier.model().adaptation()), RecordAdaptation.SAMPLE, adaptedS);
		double asTrainedS = Timing.medianSeconds(2, 5, () -> asTrained(runtime, classifier.model(), data));
		out.printf(Locale.ROOT, "    the network as trained (BatchNorm layers, not folded into the convolutions): %.3f s = %.0f beats/s; folded is %.2fx faster%n",
			asTrainedS, data.size() / asTrainedS, asTrainedS / networkS);
		Optional<PythonReference> reference = PythonReference.find(runtime, out);
		if (reference.isPresent()) reference(runtime, network, data, networkS, reference.get(), out);
		out.println("  peak resident memory of this process: " + ProcessMemory.peakRss());
	}

	/** Class probabilities from the network as trained ({@link BeatModel#specAsTrained}), batch by batch as the classifier runs. */
	private static float[] asTrained(ConvKitRuntime runtime, BeatModel model, BeatDataset data) throws IOException {
		float[] out = new float[data.size() * AamiClass.COUNT];
		for (int from = 0; from < data.size(); from += BeatClassifier.BATCH) {
			BeatNet.Batch b = BeatNet.batch(data, null, from, Math.min(data.size(), from + BeatClassifier.BATCH), model.rrFeatures());
			float[] p = runtime.infer(model.specAsTrained(), session -> session.forward(new NDList(
				session.manager().create(b.signal(), new Shape(b.size(), BeatNet.CHANNELS, 1, b.length())),
				session.manager().create(b.features(), new Shape(b.size(), b.set().count())))).singletonOrThrow().softmax(1).toFloatArray());
			System.arraycopy(p, 0, out, from * AamiClass.COUNT, p.length);
		}
		return out;
	}

	/** The same network, parameters and inputs in PyTorch: its throughput and how far its probabilities are from ConvKit's. */
	private static void reference(ConvKitRuntime runtime, BeatClassifier classifier, BeatDataset data, double networkS, PythonReference reference,
		PrintStream out) throws IOException
	{
		float[] convKit = classifier.probabilities(data);
		EcgReference.Result torch = EcgReference.run(reference, runtime, classifier.model(), data, 5);
		out.printf(Locale.ROOT, "  %s, the same network, parameters and beats: %.3f s = %.0f beats/s (%s; %s threads; its process's peak RSS %s MB)%n",
			reference.label(), torch.seconds(), data.size() / torch.seconds(), PythonReference.layouts(torch.info()), torch.info().get("threads"),
			torch.info().get("peak_rss_mb"));
		out.printf(Locale.ROOT, "  outputs: max |ConvKit - PyTorch| over %d x 5 probabilities = %.2g%n", data.size(),
			Float32Files.maxAbsDifference(convKit, torch.probabilities()));
		out.println(Benchmark.ratio("ecg network batch " + BeatClassifier.BATCH, runtime, networkS, torch.seconds()));
	}
}
