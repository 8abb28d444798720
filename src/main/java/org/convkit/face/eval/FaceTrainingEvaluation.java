package org.convkit.face.eval;

import org.convkit.core.io.SharedData;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.face.FaceEncoder;
import org.convkit.face.FacePipeline;
import org.convkit.face.LabelledFaces;
import org.convkit.face.PairClassifier;
import org.convkit.face.PairClassifierTrainer;
import org.convkit.face.PairRule;
import org.convkit.face.net.FaceRecognitionNet;
import org.convkit.face.train.EmbeddingModel;
import org.convkit.face.train.EmbeddingTrainer;
import org.convkit.face.train.TripletMining;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code convkit evaluate faces-train [key=value ...]}: the learning half of Faces on ORL, persons
 * split, never images: embeddings trained with the triplet loss on the training persons (the last
 * {@code validation} of them held out for early stopping and tau) and every figure measured on the
 * test persons, never seen in training nor in choosing anything. Prints, on the test persons: the
 * pretrained network; the scratch network with each mining over several seeds; the fine-tuned
 * network; the pair classifier on the pretrained encodings against the distance rule.
 * Options: {@code folder} (default: faces in the data folder), {@code train=1-10}, {@code test=11-20}
 * (person numbers of s1, s2, ...), {@code validation=2}, {@code epochs=30}, {@code patience=10},
 * {@code finetune_epochs=10}, {@code seeds=1,2,3}, {@code parts=pretrained,scratch,finetune,classifier}.
 */
public final class FaceTrainingEvaluation {

	/** How ORL's small faces are found, as in {@code convkit evaluate faces}. */
	public static final FacePipeline.Options ORL_OPTIONS = new FacePipeline.Options(FacePipeline.Mode.DETECT, 0.3, 128);
	/** The true-accept rate the open-set false-accept rate is compared at. */
	static final double TARGET_TAR = 0.95;

	private FaceTrainingEvaluation() {}

	public static void main(String[] args) throws IOException {
		Map<String, String> o = new LinkedHashMap<>(Map.of("train", "1-10", "test", "11-20", "validation", "2", "epochs", "30", "patience", "10",
			"finetune_epochs", "10", "seeds", "1,2,3", "parts", "pretrained,scratch,finetune,classifier"));
		for (String arg : args) {
			int eq = arg.indexOf('=');
			if (eq < 0) throw new IllegalArgumentException("evaluate faces-train: expected key=value, got '" + arg + "'");
			o.put(arg.substring(0, eq), arg.substring(eq + 1));
		}
		Path folder = o.containsKey("folder") ? Path.of(o.get("folder")) : SharedData.resolve("faces");
		List<String> parts = List.of(o.get("parts").split(","));
		long t0 = System.nanoTime();
		LabelledFaces all = LabelledFaces.read(folder, ConvKitRuntime.get(), ORL_OPTIONS, 4);
		System.out.printf(Locale.ROOT, "%d faces of %d persons read from %s in %.1f s (face_mode=detect input_size=128 min_score=0.3)%n", all.size(),
			all.names().size(), folder, (System.nanoTime() - t0) / 1e9);
		all.skipped().forEach(s -> System.out.println("  skipped: " + s));
		List<String> train = range(o.get("train")), test = range(o.get("test"));
		int v = Integer.parseInt(o.get("validation"));
		LabelledFaces training = all.persons(train.subList(0, train.size() - v)), validation = v == 0 ? null : all.persons(train.subList(train.size() - v, train.size()));
		LabelledFaces testing = all.persons(test);
		System.out.printf("training persons %s, validation persons %s (early stopping, tau), test persons %s (figures below)%n", training.names(),
			validation == null ? "none" : validation.names(), testing.names());
		System.out.printf("%-48s %7s %7s %9s %9s %8s %8s %10s%n", "model", "auc", "eer", "acc10", "sd", "tau", "acc@tau", "FAR@TAR95");
		Map<String, List<float[]>> pretrainedTest = testing.encode(new FaceEncoder(ConvKitRuntime.get()));
		if (parts.contains("pretrained")) row("pretrained (face-api.js 128-D), tau 0.6", pretrainedTest, testing, PairRule.distance(0.6), 0.6);
		if (parts.contains("scratch")) {
			for (TripletMining mining : TripletMining.values()) {
				double[] auc = new double[0], acc = new double[0];
				for (String seed : o.get("seeds").split(",")) {
					EmbeddingTrainer.Config config = new EmbeddingTrainer.Config(EmbeddingModel.Architecture.SCRATCH, mining, 0.2, 8, 4,
						Integer.parseInt(o.get("epochs")), EmbeddingTrainer.SCRATCH_LEARNING_RATE, "adam", Long.parseLong(seed), 0,
						Integer.parseInt(o.get("patience")));
					long start = System.nanoTime();
					EmbeddingTrainer.Result r = new EmbeddingTrainer(config).train(training, validation, null);
					double[] f = row(String.format(Locale.ROOT, "scratch %s seed %s (epoch %d/%d, %.0f s)", mining.key(), seed, r.bestEpoch(), r.log().size(),
						(System.nanoTime() - start) / 1e9), testing.encode(new FaceEncoder(ConvKitRuntime.get(), r.model())), testing,
						PairRule.distance(r.model().tau()), r.model().tau());
					auc = append(auc, f[0]);
					acc = append(acc, f[1]);
				}
				System.out.printf(Locale.ROOT, "  scratch %s over %d seeds: auc %.4f (%.4f-%.4f), acc10 %.4f%n", mining.key(), auc.length,
					Arrays.stream(auc).average().orElse(Double.NaN), Arrays.stream(auc).min().orElse(Double.NaN), Arrays.stream(auc).max().orElse(Double.NaN),
					Arrays.stream(acc).average().orElse(Double.NaN));
			}
		}
		if (parts.contains("finetune")) {
			EmbeddingTrainer.Config config = new EmbeddingTrainer.Config(EmbeddingModel.Architecture.FINETUNE, TripletMining.SEMI_HARD, 0.2, 8, 4,
				Integer.parseInt(o.get("finetune_epochs")), EmbeddingTrainer.FINETUNE_LEARNING_RATE, "adam", 1, 7, Integer.parseInt(o.get("patience")));
			long start = System.nanoTime();
			EmbeddingTrainer.Result r = new EmbeddingTrainer(config).train(training, validation, log -> System.out.println("    " + log));
			row(String.format(Locale.ROOT, "finetune semi_hard freeze_units 7 (epoch %d/%d, %.0f s)", r.bestEpoch(), r.log().size(), (System.nanoTime() - start) / 1e9),
				testing.encode(new FaceEncoder(ConvKitRuntime.get(), r.model())), testing, PairRule.distance(r.model().tau()), r.model().tau());
		}
		if (parts.contains("classifier")) {
			Map<String, List<float[]>> pretrainedTrain = all.persons(train).encode(new FaceEncoder(ConvKitRuntime.get()));
			for (PairClassifier.Form form : PairClassifier.Form.values()) {
				PairClassifier own = PairClassifierTrainer.train(pretrainedTrain, form, FaceRecognitionNet.INSTANCE.id(), 1);
				row(String.format(Locale.ROOT, "pair classifier %s (penalty %.0f), y_hat >= %.3f", form.key(), own.training().get("penalty").getAsDouble(),
					own.probabilityThreshold()), pretrainedTest, testing, own, own.threshold());
			}
		}
	}

	/** Prints a model's figures on the test persons: {auc, 10-fold accuracy}. */
	private static double[] row(String label, Map<String, List<float[]>> encodings, LabelledFaces persons, PairRule rule, double threshold) {
		VerificationEvaluation e = VerificationEvaluation.of(VerificationEvaluation.allPairs(encodings, null, rule), threshold);
		double far = rule instanceof PairClassifier ? Double.NaN : openSetFarAtTar(encodings, TARGET_TAR);
		System.out.printf(Locale.ROOT, "%-48s %7.4f %7.4f %9.4f %9.4f %8.4f %8.4f %10.4f%n", label, e.auc(), e.eer(), e.accuracy10Fold(), e.accuracy10FoldSd(),
			rule instanceof PairClassifier c ? c.probabilityThreshold() : threshold, e.accuracyAtThreshold(), far);
		return new double[] { e.auc(), e.accuracy10Fold() };
	}

	/**
	 * The lowest one-shot open-set false-accept rate (mean over the enrolled image) among the
	 * distance thresholds whose true-accept rate is at least {@code tar} ({@link FaceEvaluation}:
	 * the first half of the persons enrolled, the second half strangers); NaN if none reaches it.
	 */
	public static double openSetFarAtTar(Map<String, List<float[]>> encodings, double tar) {
		Map<String, List<float[]>> padded = LabelledFaces.padded(encodings);
		double best = Double.NaN;
		for (int i = 1; i <= 400; i++) {
			FaceEvaluation e = FaceEvaluation.of(padded, i * 0.005);
			if (e.openSet().meanTrueAcceptRate() >= tar && (Double.isNaN(best) || e.openSet().meanFalseAcceptRate() < best)) best = e.openSet().meanFalseAcceptRate();
		}
		return best;
	}

	private static List<String> range(String spec) {
		String[] ends = spec.split("-");
		List<String> names = new ArrayList<>();
		for (int i = Integer.parseInt(ends[0]); i <= Integer.parseInt(ends[ends.length - 1]); i++) names.add("s" + i);
		return names;
	}

	private static double[] append(double[] a, double v) {
		double[] b = Arrays.copyOf(a, a.length + 1);
		b[a.length] = v;
		return b;
	}
}
