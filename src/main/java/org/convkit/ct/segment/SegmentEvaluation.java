package org.convkit.ct.segment;

import org.convkit.core.io.SharedData;
import org.convkit.ct.CtFiles;
import org.convkit.ct.SliceRanges;
import org.convkit.ct.Volume;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;
import org.convkit.ct.train.VolumeTrainer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import net.imglib2.img.array.ArrayImgs;

/**
 * {@code convkit evaluate ct-segment [CT LABELS] [key=value ...]}: trains the segmenter (its
 * defaults) on part of one volume and scores it on the contiguous part held apart, next to the
 * threshold baseline ({@link ThresholdBaseline}) learned from the same part, as the issue's
 * measurement on other patients will be made ("trained on part of a volume and applied to the rest").
 * <p>
 * Two folds: fold 1 holds apart the last {@code held} fraction of the slices and trains on the
 * slices before them, fold 2 holds apart as many first slices and trains on the slices after them.
 * The whole volume is segmented (the image around the held-apart part is used, as it would be when
 * segmenting the rest of a volume), and Dice, HD95 and volumes are computed per fold on its
 * held-apart slices and once over both held-apart parts pooled. Defaults: {@code
 * example_ct_sm.nii.gz} with {@code example_seg.nii.gz} (TotalSegmentator, 3 mm) and the labels
 * spleen 1, right and left kidney 2 and 3, liver 5 and aorta 52.
 * <p>
 * Options: {@code labels=5,1,2,3,52}, {@code held=0.333}, {@code epochs}, {@code steps} (per epoch),
 * {@code seed}, and the recipe's {@code patch_xy}, {@code patch_z}, {@code depth}, {@code width},
 * {@code augment} (true: flips and in-plane rotations as well as intensity jitter), {@code tilt}
 * (degrees either way about z) and {@code zoom} (scale fraction), {@code scale} and {@code shift}
 * (intensity jitter), {@code noise} (Gaussian noise std, normalised units), {@code weight_decay},
 * {@code patience} (early stopping, epochs), {@code validation} (the fraction of each training part's
 * last slices held out for validation; 0: none, the last epoch kept), {@code warm_up} (the fraction of the epochs none of
 * which is kept as the best) and {@code members} (an ensemble of that many networks,
 * seeds {@code seed}, {@code seed+1}, ...; each member's Dice is reported too), {@code spacing}
 * (the working spacing in mm to train at, as Train Segmenter's; default the image's own).
 * The U-Net's Dice is reported as the network predicts and as Segment Volume gives it (the largest
 * component of each label that is one piece in the training labels, {@link Segmenter#ONE_PIECE}).
 */
public final class SegmentEvaluation {

	private SegmentEvaluation() {}

	public static void main(String[] args) throws IOException {
		List<Path> files = new ArrayList<>();
		String labelText = "5,1,2,3,52";
		double held = 1 / 3.0;
		VolumeTrainer.Config training = Segmenter.TRAINING;
		UNet3d.Config network = Segmenter.NETWORK;
		int members = Segmenter.DEFAULT_MEMBERS;
		double[] working = null;
		for (String a : args) {
			int eq = a.indexOf('=');
			if (eq < 0) {
				files.add(Path.of(a));
				continue;
			}
			String key = a.substring(0, eq), value = a.substring(eq + 1);
			switch (key) {
				case "labels" -> labelText = value;
				case "held" -> held = Double.parseDouble(value);
				case "epochs" -> training = training.withEpochs(Integer.parseInt(value), training.stepsPerEpoch());
				case "steps" -> training = training.withEpochs(training.epochs(), Integer.parseInt(value));
				case "seed" -> training = training.withSeed(Long.parseLong(value));
				case "patch_xy" -> training = training.withPatch(Integer.parseInt(value), training.patchZ(), training.batchSize());
				case "patch_z" -> training = training.withPatch(training.patchXY(), Integer.parseInt(value), training.batchSize());
				case "augment" -> training = training.withGeometricAugmentation(Boolean.parseBoolean(value));
				case "tilt" -> training = training.withTiltAndZoom(Double.parseDouble(value), training.zoomJitter());
				case "zoom" -> training = training.withTiltAndZoom(training.tiltDegrees(), Double.parseDouble(value));
				case "scale" -> training = training.withIntensityJitter(Double.parseDouble(value), training.shiftJitter());
				case "shift" -> training = training.withIntensityJitter(training.scaleJitter(), Double.parseDouble(value));
				case "noise" -> training = training.withNoise(Double.parseDouble(value));
				case "weight_decay" -> training = training.withWeightDecay(Float.parseFloat(value));
				case "patience" -> training = training.withPatience(Integer.parseInt(value));
				case "validation" -> training = training.withValidationFraction(Double.parseDouble(value));
				case "members" -> members = Integer.parseInt(value);
				case "spacing" -> working = new double[] {Double.parseDouble(value), Double.parseDouble(value), Double.parseDouble(value)};
				case "warm_up" -> training = training.withWarmUp(Double.parseDouble(value));
				case "depth" -> network = network.withDepth(Integer.parseInt(value));
				case "width" -> network = network.withBaseWidth(Integer.parseInt(value));
				default -> throw new IllegalArgumentException(key + ": unknown option; expected labels, held, epochs, steps, seed, patch_xy, patch_z, augment, tilt, "
					+ "zoom, scale, shift, noise, weight_decay, patience, warm_up, validation, members, spacing, depth or width");
			}
		}
		if (!(held > 0 && held <= 0.5)) throw new IllegalArgumentException("held: expected a fraction of the slices in (0, 0.5], got " + held);
		if (files.size() != 0 && files.size() != 2) throw new IllegalArgumentException("expected CT and LABELS files, or neither (the TotalSegmentator example)");
		Path ct = files.isEmpty() ? SharedData.resolve("ct/totalsegmentator/example_ct_sm.nii.gz") : files.get(0);
		Path seg = files.isEmpty() ? SharedData.resolve("ct/totalsegmentator/example_seg.nii.gz") : files.get(1);
		Volume image = CtFiles.read(ct, ""), labels = CtFiles.read(seg, "");
		if (!Arrays.equals(image.voxels().dimensionsAsLongArray(), labels.voxels().dimensionsAsLongArray()))
			throw new IllegalArgumentException(seg.getFileName() + ": " + labels.dimensionsText() + " voxels, but " + ct.getFileName() + " is " + image.dimensionsText());
		LabelClasses classes = LabelClasses.of(labels.voxels(), LabelClasses.parse(labelText), seg.getFileName().toString());
		System.out.printf(Locale.ROOT, "%s (%s, %s) with %s; labels %s; held apart: %.3f of the slices at each end, 2 folds; %s, %d member(s), %s%s%n",
			ct.getFileName(), image.dimensionsText(), image.geometry().describe(), seg.getFileName(), classes.text(), held,
			network.withChannels(1, classes.classes()).describe(), members, training, working == null ? "" : ", trained at " + working[0] + " mm");
		evaluate(image, labels, classes, held, network, training, members, working).forEach(System.out::println);
	}

	/** The report's lines. */
	static List<String> evaluate(Volume image, Volume labels, LabelClasses classes, double held, UNet3d.Config network, VolumeTrainer.Config training,
		int members, double[] working) throws IOException
	{
		int nx = (int) image.width(), ny = (int) image.height(), nz = (int) image.depth(), plane = nx * ny;
		int cut = (int) Math.round(nz * held);
		if (cut < 1 || nz - cut < 2 * network.stride())
			throw new IllegalArgumentException("held: " + nz + " slices leave too few to hold apart " + cut + " and train on the rest");
		double[] spacing = image.geometry().spacing();
		float[] values = SegmentationMetrics.flat(image.voxels()), reference = SegmentationMetrics.flat(labels.voxels());
		float[] pred = new float[values.length], kept = new float[values.length], base = new float[values.length], truth = new float[values.length];
		float[][] memberPred = new float[members > 1 ? members : 0][values.length];
		List<String> lines = new ArrayList<>();
		for (int fold = 0; fold < 2; fold++) {
			// [train0, train1) learnt, [test0, test1) held apart: the end after the training part, then the one before it
			int test0 = fold == 0 ? nz - cut : 0, test1 = fold == 0 ? nz : cut, train0 = fold == 0 ? 0 : cut, train1 = fold == 0 ? nz - cut : nz;
			boolean[] learn = new boolean[values.length];
			Arrays.fill(learn, train0 * plane, train1 * plane, true);
			long t0 = System.nanoTime();
			final int f = fold + 1;
			// as Train Segmenter with labelled_slices: the user's path
			VolumeTrainer.Result r = Segmenter.train(image.voxels(), labels.voxels(), spacing, classes, working, network, training, members,
				SliceRanges.slab(train0, train1), "fold " + f, new VolumeTrainer.Listener() {
					private String member = "";

					@Override
					public void progress(VolumeTrainer.Progress p) {
						if (p.step() % training.stepsPerEpoch() == 0) System.out.println("  fold " + f + member + ": " + p);
					}

					@Override
					public void member(int index, int of) {
						member = of > 1 ? ", member " + index : "";
					}
				});
			double seconds = (System.nanoTime() - t0) / 1e9;
			VolumeModel model = r.model();
			Segmenter.Segmentation s = Segmenter.segment(image.voxels(), spacing, model, model.tile(), 1, false, "fold " + f, false);
			float[] labelsOut = s.labels().update(null).getCurrentStorageArray();
			// as Segment Volume gives it: the largest component of each label that is one piece in the training labels
			float[] largest = labelsOut.clone();
			int[] onePiece = Segmenter.onePieceValues(model);
			Segmenter.keepOnePiece(largest, nx, ny, nz, onePiece);
			float[] thresholded = ThresholdBaseline.segment(values, reference, learn, nx, ny, nz, classes.values());
			int from = test0 * plane, n = (test1 - test0) * plane;
			List<String> memberDice = new ArrayList<>();
			for (int m = 0; m < memberPred.length; m++) {
				float[] one = Segmenter.segment(image.voxels(), spacing, model.member(m), model.tile(), 1, false, "fold " + f, false).labels().update(null)
					.getCurrentStorageArray();
				System.arraycopy(one, from, memberPred[m], from, n);
				memberDice.add("member " + (m + 1) + ": " + diceText(scores(one, reference, test0, test1, nx, ny, spacing, classes)));
			}
			System.arraycopy(labelsOut, from, pred, from, n);
			System.arraycopy(largest, from, kept, from, n);
			System.arraycopy(thresholded, from, base, from, n);
			System.arraycopy(reference, from, truth, from, n);
			List<SegmentationMetrics.Label> foldScores = scores(labelsOut, reference, test0, test1, nx, ny, spacing, classes);
			List<SegmentationMetrics.Label> foldKept = scores(largest, reference, test0, test1, nx, ny, spacing, classes);
			lines.add(String.format(Locale.ROOT, "fold %d: trained on slices %d-%d, segmented %d-%d: %.0f s training and segmenting (%.0f training voxels/s, "
				+ "%s); Dice %s; one piece (%s): %s", f, train0, train1 - 1, test0, test1 - 1, seconds, r.voxelsPerSecond(), Segmenter.trainingText(model),
				diceText(foldScores), Arrays.toString(onePiece), diceText(foldKept)));
			for (String m : memberDice) lines.add("  fold " + f + ", " + m);
		}
		List<SegmentationMetrics.Label> net = scores(pred, truth, 0, nz, nx, ny, spacing, classes);
		List<SegmentationMetrics.Label> onePieces = scores(kept, truth, 0, nz, nx, ny, spacing, classes);
		List<SegmentationMetrics.Label> thr = scores(base, truth, 0, nz, nx, ny, spacing, classes);
		lines.add("both held-apart parts pooled:");
		lines.add("label  reference_mL  |  U-Net: Dice  HD95_mm  volume_diff_mL  |  Segment Volume (one piece): Dice  HD95_mm  volume_diff_mL  |  "
			+ "baseline (HU window + largest component): Dice  HD95_mm  volume_diff_mL");
		double sumNet = 0, sumKept = 0, sumThr = 0;
		for (int i = 0; i < net.size(); i++) {
			SegmentationMetrics.Label a = net.get(i), c = onePieces.get(i), b = thr.get(i);
			lines.add(String.format(Locale.ROOT, "%5d  %12.1f  |  %11.3f  %7.1f  %14.1f  |  %32.3f  %7.1f  %14.1f  |  %45.3f  %7.1f  %14.1f", a.value(),
				a.referenceMl(), a.dice(), a.hd95(), a.volumeDifferenceMl(), c.dice(), c.hd95(), c.volumeDifferenceMl(), b.dice(), b.hd95(),
				b.volumeDifferenceMl()));
			sumNet += a.dice();
			sumKept += c.dice();
			sumThr += b.dice();
		}
		for (int m = 0; m < memberPred.length; m++)
			lines.add("pooled, member " + (m + 1) + " alone (U-Net): " + diceText(scores(memberPred[m], truth, 0, nz, nx, ny, spacing, classes)));
		lines.add(String.format(Locale.ROOT, "mean Dice on the held-apart parts: U-Net %.3f, Segment Volume (one piece) %.3f, baseline %.3f", sumNet / net.size(),
			sumKept / onePieces.size(), sumThr / thr.size()));
		return lines;
	}

	/** The scores of {@code labels} against {@code truth} (both nx x ny x nz, flat) on slices [{@code z0}, {@code z1}). */
	private static List<SegmentationMetrics.Label> scores(float[] labels, float[] truth, int z0, int z1, int nx, int ny, double[] spacing,
		LabelClasses classes)
	{
		int plane = nx * ny, from = z0 * plane, to = z1 * plane;
		boolean whole = from == 0 && to == labels.length;
		return SegmentationMetrics.compare(ArrayImgs.floats(whole ? labels : Arrays.copyOfRange(labels, from, to), nx, ny, z1 - z0),
			ArrayImgs.floats(whole ? truth : Arrays.copyOfRange(truth, from, to), nx, ny, z1 - z0), spacing, classes.values());
	}

	/** "5: 0.912, 1: 0.801, ..." ("-" for a label absent from both). */
	private static String diceText(List<SegmentationMetrics.Label> scores) {
		List<String> parts = new ArrayList<>();
		for (SegmentationMetrics.Label l : scores)
			parts.add(l.value() + ": " + (l.referenceMl() == 0 && l.predictedMl() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", l.dice())));
		return String.join(", ", parts);
	}
}
