package org.convkit.cli;

import org.convkit.core.io.SharedData;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ct.CtFiles;
import org.convkit.ct.Volume;
import org.convkit.ct.denoise.DenoiseEvaluation;
import org.convkit.ct.segment.SegmentEvaluation;
import org.convkit.ecg.beats.BeatCrossValidation;
import org.convkit.face.FacePipeline;
import org.convkit.face.eval.FaceEvaluation;
import org.convkit.face.eval.OrlEvaluation;
import org.convkit.face.eval.OrlFaces;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code convkit evaluate faces [ORL_FOLDER]}: verification, closed-set and open-set recognition on
 * the ORL faces, by ConvKit's pipelines and, where the folder holds the images they were computed
 * on (ORL s1..s20), by face-api.js's (its committed descriptors) on the same pairs.
 * {@code convkit evaluate ecg [key=value ...]}: the beat classifier's patient-wise cross-validation
 * inside MIT-BIH DS1 (see BeatCrossValidation for the options).
 * {@code convkit evaluate faces-train [key=value ...]}: triplet-loss training, fine-tuning and the pair
 * classifier on ORL, persons split (see FaceTrainingEvaluation).
 * {@code convkit evaluate ct-denoise VOLUME [sigma=50]}: the self-supervised CT denoiser against
 * Gaussian and median filters on a volume with added noise.
 * {@code convkit evaluate ct-segment [CT LABELS] [key=value ...]}: the CT segmenter trained on slabs
 * and scored on the slabs held apart, beside a threshold baseline (see SegmentEvaluation).
 */
final class EvaluateTool {

	private EvaluateTool() {}

	static final String CT_DENOISE_USAGE = "'ct-denoise VOLUME [sigma=50]' (VOLUME: " + CtFiles.EXPECTED + ")";

	/** One {@code evaluate} subcommand: its usage line and what runs it (with every argument, the name first). */
	private record Evaluation(String usage, Runner runner) {}

	private interface Runner {
		int run(String[] args) throws IOException;
	}

	/** The subcommands by name, in the order the usage lists them. */
	private static final Map<String, Evaluation> EVALUATIONS = new java.util.LinkedHashMap<>();
	static {
		EVALUATIONS.put("faces", new Evaluation("'faces [ORL_FOLDER]' (default: faces in the data folder, CONVKIT_DATA)", args -> {
			if (args.length > 2) return Main.usage("evaluate: expected 'faces [ORL_FOLDER]'");
			faces(args.length == 2 ? Path.of(args[1]) : SharedData.resolve("faces"));
			return 0;
		}));
		// triplet-loss embeddings, fine-tuning and the pair classifier on ORL, persons split
		EVALUATIONS.put("faces-train", new Evaluation("'faces-train [key=value ...]'", args -> {
			org.convkit.face.eval.FaceTrainingEvaluation.main(rest(args));
			return 0;
		}));
		// the beat classifier trained on half the patients and tested on the others (see BeatCrossValidation)
		EVALUATIONS.put("ecg", new Evaluation("'ecg [key=value ...]'", args -> {
			BeatCrossValidation.main(rest(args));
			return 0;
		}));
		// the CT segmenter trained on slabs, Dice on the slabs held apart, beside a threshold baseline
		EVALUATIONS.put("ct-segment", new Evaluation("'ct-segment [CT LABELS] [key=value ...]'", args -> {
			SegmentEvaluation.main(rest(args));
			return 0;
		}));
		EVALUATIONS.put("ct-denoise", new Evaluation(CT_DENOISE_USAGE, EvaluateTool::ctDenoise));
	}

	static int run(String[] args) throws IOException {
		System.setProperty("java.awt.headless", "true");
		Evaluation evaluation = args.length == 0 ? null : EVALUATIONS.get(args[0]);
		if (evaluation == null) {
			List<String> usages = EVALUATIONS.values().stream().map(Evaluation::usage).toList();
			return Main.usage("evaluate: expected " + String.join(", ", usages.subList(0, usages.size() - 1)) + " or " + usages.get(usages.size() - 1));
		}
		return evaluation.runner().run(args);
	}

	private static String[] rest(String[] args) {
		return java.util.Arrays.copyOfRange(args, 1, args.length);
	}

	/**
	 * Noise of sigma HU added to a CT volume with a fixed seed, the denoiser trained with its
	 * defaults on the noisy volume only, PSNR and SSIM against the clean volume next to the best
	 * 3-D Gaussian and median filters (see DenoiseEvaluation).
	 */
	static int ctDenoise(String[] args) throws IOException {
		if (args.length < 2 || args.length > 3) return Main.usage("evaluate: expected " + CT_DENOISE_USAGE);
		double sigma = 50;
		if (args.length == 3) {
			if (!args[2].startsWith("sigma=")) return Main.usage("evaluate ct-denoise: expected sigma=<HU> after the volume, got '" + args[2] + "'");
			try {
				sigma = Double.parseDouble(args[2].substring("sigma=".length()));
			}
			catch (NumberFormatException e) {
				sigma = Double.NaN;
			}
			if (!(sigma > 0)) throw new IllegalArgumentException("sigma: expected a noise level > 0 (HU), got '" + args[2].substring(6) + "'");
		}
		Volume volume = CtFiles.read(Path.of(args[1]), null);
		if (volume.voxels().numDimensions() != 3)
			throw new IllegalArgumentException(args[1] + ": expected a single-channel 3-D volume, got " + volume.voxels().numDimensions() + " dimensions");
		System.out.printf(Locale.ROOT, "%s: %s voxels of %s mm%n", args[1], java.util.Arrays.toString(volume.voxels().dimensionsAsLongArray()),
			java.util.Arrays.toString(volume.geometry().spacing()));
		System.out.print(DenoiseEvaluation.run(volume.voxels(), volume.geometry().spacing(), sigma, DenoiseEvaluation.SEED, System.out::println).format());
		return 0;
	}

	static final String REFERENCE_NOT_SHOWN = "face-api reference: not shown, it was measured on %s, not on %s (%d persons, %d images)";

	/**
	 * ConvKit's figures on the folder, each labelled with the images it is for; face-api.js's
	 * reference figures only where they were measured on the same images (the committed descriptors
	 * of ORL s1..s20), else a line saying why they are not shown.
	 */
	static void faces(Path folder) throws IOException {
		OrlFaces orl = OrlFaces.open(folder);
		String images = String.format(Locale.ROOT, "%s (%d persons, %d images)", folder, orl.persons().size(), orl.size());
		ConvKitRuntime runtime = ConvKitRuntime.get();
		record Pipeline(String title, FacePipeline.Options options) {}
		for (Pipeline pipeline : List.of(
			new Pipeline("ConvKit face_mode=detect input_size=128 min_score=0.3 (detect, landmarks, aligned chip)",
				new FacePipeline.Options(FacePipeline.Mode.DETECT, 0.3, 128)),
			new Pipeline("ConvKit face_mode=cropped (landmarks on the whole image, aligned chip)",
				new FacePipeline.Options(FacePipeline.Mode.CROPPED, 0.3, 128)),
			new Pipeline("ConvKit face_mode=cropped_resize (whole image resized)",
				new FacePipeline.Options(FacePipeline.Mode.CROPPED_RESIZE, 0.3, 128))))
		{
			long start = System.nanoTime();
			Map<String, List<float[]>> encodings = OrlEvaluation.encode(orl, runtime, pipeline.options());
			System.out.printf("%n== %s on %s (%.1f s)%n", pipeline.title(), images, (System.nanoTime() - start) / 1e9);
			System.out.print(FaceEvaluation.of(encodings).report());
		}
		if (!OrlEvaluation.faceApiCovers(orl)) {
			System.out.printf("%n" + REFERENCE_NOT_SHOWN + "%n", OrlEvaluation.FACE_API_IMAGES, folder, orl.persons().size(), orl.size());
			return;
		}
		for (String pipeline : List.of("detect", "whole_image")) {
			System.out.printf("%n== face-api.js 1.7.15 pipeline %s on %s (reference descriptors; the same images as above)%n", pipeline, OrlEvaluation.FACE_API_IMAGES);
			System.out.print(FaceEvaluation.of(OrlEvaluation.faceApi(pipeline)).report());
		}
	}
}
