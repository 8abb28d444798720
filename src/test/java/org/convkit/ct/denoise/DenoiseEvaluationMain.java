package org.convkit.ct.denoise;

import org.convkit.core.io.SharedData;
import org.convkit.ct.io.NiftiFiles;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.train.VolumeTrainer;

import java.nio.file.Path;

/**
 * The CT denoising evaluation on example_ct: {@code java ... DenoiseEvaluationMain [sigma ...]}
 * (default 25 and 50 HU) with the denoiser's defaults. Options (system properties, for experiments
 * only): {@code ct.steps}, {@code ct.width}, {@code ct.fraction}, {@code ct.lr}, {@code ct.patch}, {@code ct.batch}, {@code ct.norm}.
 */
public final class DenoiseEvaluationMain {

	public static void main(String[] args) throws Exception {
		Path file = args.length > 0 && args[0].endsWith(".nii.gz") ? Path.of(args[0]) : SharedData.resolve("ct/totalsegmentator/example_ct.nii.gz");
		org.convkit.ct.Volume v = NiftiFiles.read(file);
		UNet3d.Config network = Noise2Void.NETWORK.withBaseWidth(Integer.getInteger("ct.width", Noise2Void.NETWORK.baseWidth()));
		if (System.getProperty("ct.norm") != null) network = network.withNormalization(UNet3d.Normalization.parse(System.getProperty("ct.norm")));
		VolumeTrainer.Config training = Noise2Void.TRAINING;
		int steps = Integer.getInteger("ct.steps", training.epochs() * training.stepsPerEpoch());
		training = training.withEpochs(training.epochs(), Math.max(1, steps / training.epochs()));
		training = training.withPatch(Integer.getInteger("ct.patch", training.patchXY()), Integer.getInteger("ct.patch", training.patchZ()),
			Integer.getInteger("ct.batch", training.batchSize()));
		training = training.withLearningRate(Float.parseFloat(System.getProperty("ct.lr", String.valueOf(training.learningRate()))));
		Noise2Void objective = new Noise2Void(Double.parseDouble(System.getProperty("ct.fraction", String.valueOf(Noise2Void.DEFAULT_FRACTION))),
			Noise2Void.DEFAULT_RADIUS);
		System.out.println(file + ": " + v.voxels().dimension(0) + "x" + v.voxels().dimension(1) + "x" + v.voxels().dimension(2) + ", spacing "
			+ java.util.Arrays.toString(v.geometry().spacing()) + "; " + network.describe() + ", " + training + ", " + objective.describe());
		double[] sigmas = {25, 50};
		int from = args.length > 0 && args[0].endsWith(".nii.gz") ? 1 : 0;
		if (args.length > from) {
			sigmas = new double[args.length - from];
			for (int i = from; i < args.length; i++) sigmas[i - from] = Double.parseDouble(args[i]);
		}
		for (double sigma : sigmas) {
			DenoiseEvaluation.Report r = DenoiseEvaluation.run(v.voxels(), v.geometry().spacing(), sigma, DenoiseEvaluation.SEED, network, training, objective, System.out::println);
			System.out.println(r.format());
		}
	}
}
