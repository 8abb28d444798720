package org.convkit.cli;

import org.convkit.core.io.SharedData;
import org.convkit.core.runtime.ConvKitRuntime;
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
 * {@code convkit evaluate ct-segment [CT LABELS] [key=value ...]}: the CT segmenter trained on slabs
 * and scored on the slabs held apart, beside a threshold baseline (see SegmentEvaluation).
 */
final class EvaluateTool {

	private EvaluateTool() {}

	static int run(String[] args) throws IOException {
		System.setProperty("java.awt.headless", "true");
		if (args.length >= 1 && args[0].equals("ecg")) {
			// Patient-wise cross-validation of the beat classifier inside MIT-BIH DS1; key=value options.
			BeatCrossValidation.main(java.util.Arrays.copyOfRange(args, 1, args.length));
			return 0;
		}
		if (args.length >= 1 && args[0].equals("ct-segment")) {
			// The CT segmenter trained on slabs of a volume, Dice on the slabs held apart, beside a threshold baseline.
			SegmentEvaluation.main(java.util.Arrays.copyOfRange(args, 1, args.length));
			return 0;
		}
		if (args.length < 1 || !args[0].equals("faces") || args.length > 2) {
			return Main.usage("evaluate: expected 'faces [ORL_FOLDER]' (default: faces in the data folder, CONVKIT_DATA), 'ecg [key=value ...]' "
				+ "or 'ct-segment [CT LABELS] [key=value ...]'");
		}
		faces(args.length == 2 ? Path.of(args[1]) : SharedData.resolve("faces"));
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
