package org.convkit.demo;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.convkit.commands.ct.CtImages;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.core.io.AtomicFiles;
import org.convkit.core.io.SharedData;
import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.convkit.ct.VolumeGeometry;
import org.convkit.ct.WindowPreset;
import org.convkit.ct.denoise.ImageQuality;
import org.convkit.ct.io.NiftiFiles;
import org.convkit.ij.io.ImageFiles;
import org.scijava.Context;

import net.imglib2.Cursor;
import net.imglib2.FinalInterval;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * The CT part: a 64 x 64 x 32 crop of example_ct (from ../shared/data/ct when present; otherwise a
 * synthetic abdomen phantom) with Gaussian noise of 50 HU added, Train Denoiser run on the noisy
 * crop itself for a short while (60 steps, about 30 s of CPU on 2 cores), Denoise Volume, and the middle slice
 * noisy and denoised side by side in a soft-tissue window, with both PSNRs against the clean crop.
 */
final class CtDemo implements DemoPart {

	private static final Path CT = SharedData.resolve("ct/totalsegmentator/example_ct.nii.gz");
	private static final int W = 64, H = 64, D = 32;
	private static final double SIGMA = 50;
	/** Pixels per voxel in the picture. */
	private static final int ZOOM = 4;

	@Override
	public String title() {
		return "CT: a noisy slice and the same slice denoised by a 3-D U-Net trained on the noisy volume itself (Noise2Void)";
	}

	@Override
	public List<Item> run(Context context, Path folder) throws IOException {
		CommandExecutor executor = new CommandExecutor(context);
		boolean real = Files.isRegularFile(CT);
		DemoPart.data(real ? "a 64x64x32 crop of " + CT : "a synthetic CT phantom: " + SharedData.missing(CT));
		Volume clean = real ? crop(NiftiFiles.read(CT)) : phantom();
		Volume noisy = withNoise(clean, SIGMA, 1);
		ImagePlus input = CtImages.toImagePlus(noisy, "ct-noisy", WindowPreset.SOFT_TISSUE);
		Path model = folder.resolve("ct-denoiser");
		long start = System.nanoTime();
		Map<String, Object> trained = DemoPart.command(executor, "Train Denoiser", Map.of("image", input, "model", model.toFile(), "epochs", 4,
			"steps_per_epoch", 15, "patch_size", 32, "patch_depth", 24, "batch_size", 2, "tile_size", 128, "overwrite", true)); // the demo remakes its model; one tile covers the crop
		ImagePlus denoised = (ImagePlus) DemoPart.command(executor, "Denoise Volume", Map.of("image", input, "model", model.toFile())).get("denoised");
		double seconds = (System.nanoTime() - start) / 1e9;
		DemoPart.command(executor, "Save NIfTI", Map.of("image", denoised, "file", folder.resolve("ct-denoised.nii.gz").toFile(), "overwrite", true));
		double range = ImageQuality.range(clean.voxels());
		double before = ImageQuality.psnr(clean.voxels(), noisy.voxels(), range);
		double after = ImageQuality.psnr(clean.voxels(), CtImages.toVolume(denoised, "denoised").voxels(), range);
		int slice = D / 2;
		ImageFiles.savePng(sideBySide(input, denoised, slice), folder.resolve("ct-noisy-denoised.png"));
		String summary = (String) trained.get("summary");
		AtomicFiles.writeString(folder.resolve("ct-summary.txt"), summary + "\n");
		String source = real ? "a 64x64x32 crop of example_ct (3 mm voxels)" : "a synthetic phantom (example_ct not found at " + CT + ")";
		return List.of(
			new Item("ct-noisy-denoised.png", String.format(Locale.ROOT, "Slice %d of %s with %.0f HU Gaussian noise (left) and denoised (right), "
				+ "soft-tissue window; PSNR against the clean crop %.2f dB noisy, %.2f dB denoised after a %.0f s training and denoising (a short "
				+ "demo run: `convkit evaluate ct-denoise` trains at the defaults)", slice + 1, source, SIGMA, before, after, seconds)),
			new Item("ct-denoised.nii.gz", "ct-denoised.nii.gz: the denoised crop as NIfTI, on the crop's grid"),
			new Item("ct-summary.txt", "ct-summary.txt: " + summary));
	}

	/** 64 x 64 x 32 voxels from the middle of the volume. */
	private static Volume crop(Volume v) {
		long x0 = (v.width() - W) / 2, y0 = (v.height() - H) / 2, z0 = (v.depth() - D) / 2;
		RandomAccessibleInterval<FloatType> part = Views.interval(v.voxels(), new FinalInterval(new long[] {x0, y0, z0},
			new long[] {x0 + W - 1, y0 + H - 1, z0 + D - 1}));
		PlanarImg<FloatType, FloatArray> voxels = Volume.allocate(W, H, D);
		copy(part, voxels, 0, null);
		VolumeGeometry g = v.geometry();
		VolumeGeometry moved = new VolumeGeometry(g.spacing(), g.position(x0, y0, z0), g.direction());
		return new Volume(voxels, moved, ValueKind.HOUNSFIELD, v.source() + " (crop)", List.of());
	}

	/** An abdomen-like slice pattern: air, a body ellipse of soft tissue, fat rim, a vertebra, two kidneys and a small lesion. */
	private static Volume phantom() {
		PlanarImg<FloatType, FloatArray> voxels = Volume.allocate(W, H, D);
		for (int z = 0; z < D; z++) {
			float[] p = voxels.getPlane(z).getCurrentStorageArray();
			for (int y = 0; y < H; y++) {
				for (int x = 0; x < W; x++) {
					double u = (x - 31.5) / 28, v = (y - 31.5) / 22, r = u * u + v * v;
					float hu = r > 1 ? -1000 : r > 0.8 ? -100 : 40;
					if (sq(x - 32, y - 44) < 30) hu = 700;
					if (sq(x - 18, y - 36) < 25 - z / 4 || sq(x - 46, y - 36) < 25 - z / 4) hu = 150;
					if (sq(x - 30, y - 22) < 6 && z > 10 && z < 20) hu = 90;
					p[y * W + x] = hu;
				}
			}
		}
		return new Volume(voxels, VolumeGeometry.aligned(new double[] {3, 3, 3}, new double[] {0, 0, 0}), ValueKind.HOUNSFIELD, "synthetic phantom", List.of());
	}

	private static int sq(int dx, int dy) {
		return dx * dx + dy * dy;
	}

	private static Volume withNoise(Volume clean, double sigma, long seed) {
		PlanarImg<FloatType, FloatArray> voxels = Volume.allocate(clean.voxels().dimensionsAsLongArray());
		copy(clean.voxels(), voxels, sigma, new Random(seed));
		return new Volume(voxels, clean.geometry(), clean.kind(), clean.source() + String.format(Locale.ROOT, " + %.0f HU noise", sigma), List.of());
	}

	private static void copy(RandomAccessibleInterval<? extends RealType<?>> from, PlanarImg<FloatType, FloatArray> to, double sigma, Random random) {
		Cursor<? extends RealType<?>> in = Views.flatIterable(from).cursor();
		Cursor<FloatType> out = Views.flatIterable(to).cursor();
		while (in.hasNext()) out.next().set((float) (in.next().getRealDouble() + (random == null ? 0 : sigma * random.nextGaussian())));
	}

	/** Two slices in a soft-tissue window, side by side with a gap, enlarged. */
	private static ImagePlus sideBySide(ImagePlus left, ImagePlus right, int slice) {
		int gap = 2;
		ByteProcessor both = new ByteProcessor(2 * W * ZOOM + gap * ZOOM, H * ZOOM);
		both.setValue(255);
		both.fill();
		int x = 0;
		for (ImagePlus image : List.of(left, right)) {
			FloatProcessor plane = (FloatProcessor) image.getStack().getProcessor(slice + 1).duplicate();
			plane.setMinAndMax(WindowPreset.SOFT_TISSUE.min(), WindowPreset.SOFT_TISSUE.max());
			ImageProcessor grey = plane.convertToByteProcessor(true);
			grey.setInterpolationMethod(ImageProcessor.NONE);
			both.insert(grey.resize(W * ZOOM, H * ZOOM), x, 0);
			x += (W + gap) * ZOOM;
		}
		return new ImagePlus("ct-noisy-denoised", both);
	}
}
