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
 * short training with the default network and objective (40 steps of 2 patches of 32 x 32 x 24
 * instead of 100 of 4 of 48^3). Measured (MXNet, 2 busy cores, about 1 CPU-minute): noisy 33.71 dB,
 * best Gaussian (sigma 0.5 voxels) 35.79 dB, best median 31.26 dB, denoiser 36.43 dB: +0.65 dB
 * over the best baseline, the Gaussian chosen with the clean volume in hand. Margins of about 0.3
 * dB for thread-count rounding. Skipped without the shared data.
 */
class DenoiseRealDataTest {

	@Test
	void beatsTheBestBaselineOnARealCrop() throws Exception {
		Path file = SharedData.resolve("ct/totalsegmentator/example_ct.nii.gz");
		assumeTrue(Files.isRegularFile(file), SharedData.missing(file));
		org.convkit.ct.Volume v = NiftiFiles.read(file);
		var crop = Views.zeroMin(Views.interval(v.voxels(), new FinalInterval(new long[] {37, 26, 40}, new long[] {84, 73, 71})));
		UNet3d.Config network = Noise2Void.NETWORK;
		VolumeTrainer.Config training = Noise2Void.TRAINING.withPatch(32, 32, 2).withEpochs(4, 10);
		DenoiseEvaluation.Report r = DenoiseEvaluation.run(crop, v.geometry().spacing(), 50, DenoiseEvaluation.SEED, network, training, new Noise2Void(), null);
		System.out.println(r.format());
		double noisy = r.rows().get(0).psnr(), gaussian = r.rows().get(1).psnr(), median = r.rows().get(2).psnr(), denoised = r.rows().get(3).psnr();
		assertTrue(denoised > noisy + 2.3, "the denoiser should gain over its input (measured +2.72 dB)\n" + r.format());
		assertTrue(denoised > median + 4.5, "the denoiser should beat the median filter (measured +5.17 dB)\n" + r.format());
		assertTrue(r.gain() > 0.3, "the denoiser should beat the best baseline, here the Gaussian at " + gaussian + " dB (measured +0.65 dB)\n" + r.format());
	}
}
