package org.convkit.ct.denoise;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.convkit.core.io.SharedData;
import org.convkit.ct.io.NiftiFiles;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.train.VolumeTrainer;

import java.nio.file.Files;
import java.nio.file.Path;

import net.imglib2.FinalInterval;
import net.imglib2.view.Views;
import org.junit.jupiter.api.Test;

/**
 * The denoiser on a small real CT crop (48 x 48 x 32 of example_ct, 3 mm, sigma 50 HU) after a
 * short training (40 steps of 2 patches of 32 x 32 x 24). Measured (MXNet, 2 cores): noisy 33.71 dB,
 * best Gaussian (sigma 0.5 voxels) 35.79 dB, best median 31.26 dB, denoiser 35.15 dB: it gains
 * 1.44 dB over the input and beats the median filter, but stays 0.64 dB below the best Gaussian
 * filter. The brief's goal (beating the best baseline) is not reached yet; this test guards what
 * is reached, with margins of about half a dB. Skipped without the shared data.
 */
class DenoiseRealDataTest {

	@Test
	void gainsOverTheNoisyInputAndTheMedianOnARealCrop() throws Exception {
		Path file = SharedData.resolve("ct/totalsegmentator/example_ct.nii.gz");
		assumeTrue(Files.isRegularFile(file), SharedData.missing(file));
		org.convkit.ct.Volume v = NiftiFiles.read(file);
		var crop = Views.zeroMin(Views.interval(v.voxels(), new FinalInterval(new long[] {37, 26, 40}, new long[] {84, 73, 71})));
		UNet3d.Config network = Noise2Void.NETWORK;
		VolumeTrainer.Config training = Noise2Void.TRAINING.withPatch(32, 32, 2).withEpochs(4, 10).withLearningRate(2e-3f);
		DenoiseEvaluation.Report r = DenoiseEvaluation.run(crop, v.geometry().spacing(), 50, 7, network, training, new Noise2Void(), null);
		System.out.println(r.format());
		double noisy = r.rows().get(0).psnr(), median = r.rows().get(2).psnr(), denoised = r.rows().get(3).psnr();
		assertTrue(denoised > noisy + 1.0, "the denoiser should gain over its input (measured +1.44 dB)\n" + r.format());
		assertTrue(denoised > median + 3.0, "the denoiser should beat the median filter (measured +3.9 dB)\n" + r.format());
		assertTrue(r.gain() > -1.2, "the gap to the best baseline grew (measured -0.64 dB)\n" + r.format());
	}
}
