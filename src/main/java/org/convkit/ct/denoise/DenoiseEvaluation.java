package org.convkit.ct.denoise;

import org.convkit.ct.net.UNet3d;
import org.convkit.ct.train.VolumeTrainer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * How much the Noise2Void denoiser gains over classical filters on a CT volume with known truth.
 * <p>
 * Gaussian noise of sigma (HU) is added to a clean volume with a fixed seed; the denoiser is
 * trained on the noisy volume only (its defaults unless given other settings). PSNR and SSIM
 * (see {@link ImageQuality}: 3-D SSIM, Gaussian window sigma 1.5 voxels) are computed against the
 * clean volume with the data range L = the clean volume's max - min (HU), for the noisy input, a
 * 3-D Gaussian filter and a 3-D median filter, each at the setting (sigma 0.25..3 voxels in steps of
 * 0.25, radius 1..3) with the best PSNR against the clean volume (an oracle choice that favours
 * the baselines), and the denoiser. The gain is the denoiser's PSNR minus the best baseline's.
 */
public final class DenoiseEvaluation {

	public static final double[] GAUSSIAN_SIGMAS = {0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3};
	public static final int[] MEDIAN_RADII = {1, 2, 3};
	/** The noise seed of {@code convkit evaluate ct-denoise}. */
	public static final long SEED = 7;

	/** One method's figures against the clean volume; {@code seconds}: its run time. */
	public record Row(String method, String setting, double psnr, double ssim, double seconds) {}

	/** The table and the gain over the best baseline (dB PSNR). */
	public record Report(double sigma, long seed, double range, List<Row> rows, double gain, double voxelsPerSecond, double seconds) {
		public String format() {
			StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
				"CT denoising, Gaussian noise sigma %.0f HU (seed %d); PSNR/SSIM against the clean volume, data range %.0f HU (clean max - min), 3-D SSIM%n",
				sigma, seed, range));
			s.append(String.format(Locale.ROOT, "%-16s %-24s %9s %8s %9s%n", "method", "setting", "PSNR dB", "SSIM", "time s"));
			for (Row r : rows)
				s.append(String.format(Locale.ROOT, "%-16s %-24s %9.2f %8.4f %9.1f%n", r.method, r.setting, r.psnr, r.ssim, r.seconds));
			s.append(String.format(Locale.ROOT, "gain over the best baseline: %+.2f dB PSNR%n", gain));
			s.append(String.format(Locale.ROOT, "training %.0f voxels/s; whole evaluation %.0f s%n", voxelsPerSecond, seconds));
			return s.toString();
		}
	}

	private DenoiseEvaluation() {}

	/** The noisy volume: clean + N(0, sigma^2) per voxel, seeded. */
	public static ArrayImg<FloatType, FloatArray> addNoise(RandomAccessibleInterval<? extends RealType<?>> clean, double sigma, long seed) {
		ArrayImg<FloatType, FloatArray> noisy = Volumes.copy(clean);
		float[] v = Volumes.data(noisy);
		Random random = new Random(seed);
		for (int i = 0; i < v.length; i++) v[i] += (float) (sigma * random.nextGaussian());
		return noisy;
	}

	/** With the denoiser's defaults. */
	public static Report run(RandomAccessibleInterval<? extends RealType<?>> clean, double[] spacing, double sigma, long seed, Consumer<String> log)
		throws IOException
	{
		return run(clean, spacing, sigma, seed, Noise2Void.NETWORK, Noise2Void.TRAINING, new Noise2Void(), log);
	}

	public static Report run(RandomAccessibleInterval<? extends RealType<?>> clean, double[] spacing, double sigma, long seed, UNet3d.Config network,
		VolumeTrainer.Config training, Noise2Void objective, Consumer<String> log) throws IOException
	{
		long t0 = System.nanoTime();
		Consumer<String> out = log == null ? s -> {} : log;
		ArrayImg<FloatType, FloatArray> truth = Volumes.copy(clean);
		double range = ImageQuality.range(truth);
		ArrayImg<FloatType, FloatArray> noisy = addNoise(truth, sigma, seed);
		List<Row> rows = new ArrayList<>();
		rows.add(row("noisy", "-", truth, noisy, range, 0));
		Row bestGaussian = best("gaussian (best)", Arrays.stream(GAUSSIAN_SIGMAS)
			.mapToObj(g -> new Setting("sigma " + g + " voxels", () -> Filters3d.gaussian(noisy, g))).toList(), truth, range);
		rows.add(bestGaussian);
		out.accept("gaussian: " + bestGaussian);
		Row bestMedian = best("median (best)", Arrays.stream(MEDIAN_RADII)
			.mapToObj(r -> new Setting("radius " + r + " (" + (2 * r + 1) + "^3)", () -> Filters3d.median(noisy, r))).toList(), truth, range);
		rows.add(bestMedian);
		out.accept("median: " + bestMedian);
		long t = System.nanoTime();
		VolumeTrainer.Result trained = Noise2Void.train(List.of(noisy), spacing, network, training, objective, p -> {
			if (!Double.isNaN(p.validationLoss()) || p.step() == 1) out.accept(p.toString());
		});
		ArrayImg<FloatType, FloatArray> denoised = Noise2Void.denoise(noisy, trained.model());
		double seconds = (System.nanoTime() - t) / 1e9;
		Row n2v = row("noise2void", "best epoch " + trained.bestEpoch() + "/" + training.epochs(), truth, denoised, range, seconds);
		rows.add(n2v);
		out.accept("noise2void: " + n2v + " (training " + String.format(Locale.ROOT, "%.0f s", trained.seconds()) + ")");
		double gain = n2v.psnr - Math.max(bestGaussian.psnr, bestMedian.psnr);
		return new Report(sigma, seed, range, rows, gain, trained.voxelsPerSecond(), (System.nanoTime() - t0) / 1e9);
	}

	/** A baseline's setting: its label and the filtered volume it gives. */
	private record Setting(String label, Supplier<ArrayImg<FloatType, FloatArray>> filtered) {}

	/**
	 * The setting with the best PSNR against the clean volume (an oracle's choice, which favours the
	 * baseline); SSIM only for a new best, as it costs more than the filter.
	 */
	private static Row best(String method, List<Setting> settings, ArrayImg<FloatType, FloatArray> truth, double range) {
		Row best = null;
		for (Setting setting : settings) {
			long t = System.nanoTime();
			ArrayImg<FloatType, FloatArray> filtered = setting.filtered().get();
			double p = ImageQuality.psnr(truth, filtered, range);
			if (best == null || p > best.psnr) {
				best = new Row(method, setting.label(), p, ImageQuality.ssim(truth, filtered, range), (System.nanoTime() - t) / 1e9);
			}
		}
		return best;
	}

	private static Row row(String method, String setting, ArrayImg<FloatType, FloatArray> truth, ArrayImg<FloatType, FloatArray> x, double range,
		double seconds)
	{
		return new Row(method, setting, ImageQuality.psnr(truth, x, range), ImageQuality.ssim(truth, x, range), seconds);
	}

	static ArrayImg<FloatType, FloatArray> zeros(long... dims) {
		return ArrayImgs.floats(dims);
	}
}
