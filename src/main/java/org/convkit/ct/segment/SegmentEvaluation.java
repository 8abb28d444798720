package org.convkit.ct.segment;

import org.convkit.core.io.SharedData;
import org.convkit.ct.CtFiles;
import org.convkit.ct.Volume;
import org.convkit.ct.net.VolumeModel;
import org.convkit.ct.train.VolumeTrainer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import net.imglib2.FinalInterval;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * {@code convkit evaluate ct-segment [CT LABELS] [key=value ...]}: trains the segmenter (its
 * defaults) on slabs of one volume and scores it on the slabs held apart, next to the threshold
 * baseline ({@link ThresholdBaseline}) learned from the same slabs.
 * <p>
 * The volume is cut along z into slabs of {@code slab} slices (a shorter last one joins its
 * neighbour); fold 1 trains on the even slabs and segments the odd ones, fold 2 the reverse, so
 * every slab is segmented by a model that never saw its labels (the image around it is used, as it
 * would be when segmenting the rest of a volume). Dice, HD95 and volumes are computed once over the
 * pooled held-apart predictions. Defaults: {@code example_ct_sm.nii.gz} with {@code
 * example_seg.nii.gz} (TotalSegmentator, 3 mm) and the labels spleen 1, right and left kidney 2 and
 * 3, liver 5 and aorta 52.
 * <p>
 * Options: {@code labels=5,1,2,3,52}, {@code slab=8}, {@code epochs}, {@code steps} (per epoch),
 * {@code seed}.
 */
public final class SegmentEvaluation {

	private SegmentEvaluation() {}

	public static void main(String[] args) throws IOException {
		List<Path> files = new ArrayList<>();
		String labelText = "5,1,2,3,52";
		int slab = 8, epochs = Segmenter.DEFAULT_EPOCHS, steps = Segmenter.DEFAULT_STEPS;
		long seed = Segmenter.TRAINING.seed();
		for (String a : args) {
			int eq = a.indexOf('=');
			if (eq < 0) {
				files.add(Path.of(a));
				continue;
			}
			String key = a.substring(0, eq), value = a.substring(eq + 1);
			switch (key) {
				case "labels" -> labelText = value;
				case "slab" -> slab = Integer.parseInt(value);
				case "epochs" -> epochs = Integer.parseInt(value);
				case "steps" -> steps = Integer.parseInt(value);
				case "seed" -> seed = Long.parseLong(value);
				default -> throw new IllegalArgumentException(key + ": unknown option; expected labels, slab, epochs, steps or seed");
			}
		}
		if (files.size() != 0 && files.size() != 2) throw new IllegalArgumentException("expected CT and LABELS files, or neither (the TotalSegmentator example)");
		Path ct = files.isEmpty() ? SharedData.resolve("ct/totalsegmentator/example_ct_sm.nii.gz") : files.get(0);
		Path seg = files.isEmpty() ? SharedData.resolve("ct/totalsegmentator/example_seg.nii.gz") : files.get(1);
		Volume image = CtFiles.read(ct, ""), labels = CtFiles.read(seg, "");
		if (!Arrays.equals(image.voxels().dimensionsAsLongArray(), labels.voxels().dimensionsAsLongArray()))
			throw new IllegalArgumentException(seg.getFileName() + ": " + labels.dimensionsText() + " voxels, but " + ct.getFileName() + " is " + image.dimensionsText());
		LabelClasses classes = LabelClasses.of(labels.voxels(), LabelClasses.parse(labelText), seg.getFileName().toString());
		VolumeTrainer.Config training = Segmenter.TRAINING.withEpochs(epochs, steps).withSeed(seed);
		System.out.printf(Locale.ROOT, "%s (%s, %s) with %s; labels %s; slabs of %d slices, 2 folds; %s, %s%n", ct.getFileName(), image.dimensionsText(),
			image.geometry().describe(), seg.getFileName(), classes.text(), slab, Segmenter.NETWORK.describe(), training);
		evaluate(image, labels, classes, slab, training).forEach(System.out::println);
	}

	/** The report's lines. */
	static List<String> evaluate(Volume image, Volume labels, LabelClasses classes, int slab, VolumeTrainer.Config training) throws IOException {
		int nx = (int) image.width(), ny = (int) image.height(), nz = (int) image.depth(), plane = nx * ny;
		double[] spacing = image.geometry().spacing();
		List<int[]> slabs = slabs(nz, slab);
		float[] values = SegmentationMetrics.flat(image.voxels()), reference = SegmentationMetrics.flat(labels.voxels());
		ArrayImg<FloatType, FloatArray> predicted = ArrayImgs.floats(nx, ny, nz), baseline = ArrayImgs.floats(nx, ny, nz);
		float[] pred = predicted.update(null).getCurrentStorageArray(), base = baseline.update(null).getCurrentStorageArray();
		ArrayImg<FloatType, FloatArray> classIndices = classes.classIndices(labels.voxels());
		List<String> lines = new ArrayList<>();
		for (int f = 0; f < 2; f++) {
			final int fold = f;
			List<RandomAccessibleInterval<FloatType>> trainImages = new ArrayList<>(), trainLabels = new ArrayList<>();
			boolean[] learn = new boolean[values.length];
			List<int[]> test = new ArrayList<>();
			for (int s = 0; s < slabs.size(); s++) {
				int[] z = slabs.get(s);
				if (s % 2 == fold) {
					test.add(z);
					continue;
				}
				FinalInterval interval = new FinalInterval(new long[] {0, 0, z[0]}, new long[] {nx - 1, ny - 1, z[1] - 1});
				trainImages.add(Views.zeroMin(Views.interval(image.voxels(), interval)));
				trainLabels.add(Views.zeroMin(Views.interval(classIndices, interval)));
				Arrays.fill(learn, z[0] * plane, z[1] * plane, true);
			}
			long t0 = System.nanoTime();
			VolumeTrainer.Result r = Segmenter.train(trainImages, trainLabels, classes, spacing, Segmenter.NETWORK, training, p -> {
				if (p.step() % training.stepsPerEpoch() == 0) System.out.println("  fold " + (fold + 1) + ": " + p);
			});
			VolumeModel model = r.model();
			Segmenter.Segmentation s = Segmenter.segment(image.voxels(), spacing, model, model.tile(), 1, false, "fold " + (fold + 1));
			float[] labelsOut = s.labels().update(null).getCurrentStorageArray();
			float[] thresholded = ThresholdBaseline.segment(values, reference, learn, nx, ny, nz, classes.values());
			for (int[] z : test) {
				System.arraycopy(labelsOut, z[0] * plane, pred, z[0] * plane, (z[1] - z[0]) * plane);
				System.arraycopy(thresholded, z[0] * plane, base, z[0] * plane, (z[1] - z[0]) * plane);
			}
			lines.add(String.format(Locale.ROOT, "fold %d: trained on slices %s, segmented %s: %.0f s (%.0f training voxels/s)", fold + 1, text(slabs, 1 - fold),
				text(slabs, fold), (System.nanoTime() - t0) / 1e9, r.voxelsPerSecond()));
		}
		ArrayImg<FloatType, FloatArray> truth = ArrayImgs.floats(reference, nx, ny, nz);
		List<SegmentationMetrics.Label> net = SegmentationMetrics.compare(predicted, truth, spacing, classes.values());
		List<SegmentationMetrics.Label> thr = SegmentationMetrics.compare(baseline, truth, spacing, classes.values());
		lines.add("label  reference_mL  |  U-Net: Dice  HD95_mm  volume_diff_mL  |  baseline (HU window + largest component): Dice  HD95_mm  volume_diff_mL");
		double sumNet = 0, sumThr = 0;
		for (int i = 0; i < net.size(); i++) {
			SegmentationMetrics.Label a = net.get(i), b = thr.get(i);
			lines.add(String.format(Locale.ROOT, "%5d  %12.1f  |  %11.3f  %7.1f  %14.1f  |  %45.3f  %7.1f  %14.1f", a.value(), a.referenceMl(), a.dice(), a.hd95(),
				a.volumeDifferenceMl(), b.dice(), b.hd95(), b.volumeDifferenceMl()));
			sumNet += a.dice();
			sumThr += b.dice();
		}
		lines.add(String.format(Locale.ROOT, "mean Dice on the held-apart slabs: U-Net %.3f, baseline %.3f", sumNet / net.size(), sumThr / thr.size()));
		return lines;
	}

	/** Slabs [z0, z1) of {@code thickness} slices; a shorter last slab joins the one before. */
	static List<int[]> slabs(int nz, int thickness) {
		List<int[]> slabs = new ArrayList<>();
		for (int z = 0; z < nz; z += thickness) slabs.add(new int[] {z, Math.min(nz, z + thickness)});
		if (slabs.size() > 1 && slabs.get(slabs.size() - 1)[1] - slabs.get(slabs.size() - 1)[0] < thickness) {
			int[] last = slabs.remove(slabs.size() - 1);
			slabs.get(slabs.size() - 1)[1] = last[1];
		}
		if (slabs.size() < 2) throw new IllegalArgumentException("slab: " + nz + " slices make fewer than 2 slabs of " + thickness);
		return slabs;
	}

	private static String text(List<int[]> slabs, int parity) {
		List<String> parts = new ArrayList<>();
		for (int s = parity; s < slabs.size(); s += 2) parts.add(slabs.get(s)[0] + "-" + (slabs.get(s)[1] - 1));
		return String.join(", ", parts);
	}
}
