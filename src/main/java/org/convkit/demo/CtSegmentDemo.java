package org.convkit.demo;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.convkit.ct.io.NiftiFiles;
import org.convkit.ct.segment.SegmentationMetrics;
import org.convkit.ij.io.ImageFiles;
import org.scijava.Context;

import net.imglib2.FinalInterval;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * The CT segmentation part: Train Segmenter on the first two thirds of the slices of
 * example_ct_sm with its TotalSegmentator labels (liver 5, spleen 1; from ../shared/data/ct when
 * present, otherwise a synthetic phantom with two labelled organs), a short training, then Segment
 * Volume on the whole volume; a slice of the held-apart third with the reference and the segmentation
 * as coloured overlays side by side, the Dice there, and Segment Volume's volumes table.
 */
final class CtSegmentDemo implements DemoPart {

	private static final Path CT = SharedData.resolve("ct/totalsegmentator/example_ct_sm.nii.gz");
	private static final Path SEG = SharedData.resolve("ct/totalsegmentator/example_seg.nii.gz");
	private static final int[] LABELS = {5, 1};
	/** Overlay colours per label of {@link #LABELS}. */
	private static final int[] COLOURS = {0xE0602A, 0x3A8FE0};
	private static final int ZOOM = 3;

	@Override
	public String title() {
		return "CT: a 3-D U-Net trained on two thirds of a volume's slices segments the rest (liver and spleen), with the volumes in mL";
	}

	@Override
	public List<Item> run(Context context, Path folder) throws IOException {
		CommandExecutor executor = new CommandExecutor(context);
		boolean real = Files.isRegularFile(CT) && Files.isRegularFile(SEG);
		DemoPart.data(real ? CT + " with " + SEG : "a synthetic CT phantom with labels: " + SharedData.missing(Files.isRegularFile(CT) ? SEG : CT));
		Volume image = real ? NiftiFiles.read(CT) : phantom(false), labels = real ? NiftiFiles.read(SEG) : phantom(true);
		int nz = (int) image.depth(), train = nz * 2 / 3;
		ImagePlus whole = CtImages.toImagePlus(image, "ct", WindowPreset.SOFT_TISSUE);
		Path model = folder.resolve("ct-segmenter");
		long start = System.nanoTime();
		Map<String, Object> trained = DemoPart.command(executor, "Train Segmenter", Map.of("image", CtImages.toImagePlus(slices(image, train), "ct-top",
			WindowPreset.SOFT_TISSUE), "labels", CtImages.toImagePlus(slices(labels, train), "ct-top-seg", null), "label_values", "5,1", "model",
			model.toFile(), "epochs", 6, "steps_per_epoch", 20, "patch_z", 16, "overwrite", true)); // the demo remakes its model
		Map<String, Object> segmented = DemoPart.command(executor, "Segment Volume", Map.of("image", whole, "model", model.toFile()));
		double seconds = (System.nanoTime() - start) / 1e9;
		ImagePlus result = (ImagePlus) segmented.get("segmentation");
		ResultsTable volumes = (ResultsTable) segmented.get("volumes");
		AtomicFiles.writeString(folder.resolve("ct-segment-volumes.csv"), csv(volumes));
		List<SegmentationMetrics.Label> dice = SegmentationMetrics.compare(rest(CtImages.toVolume(result, "segmentation").voxels(), train),
			rest(labels.voxels(), train), image.geometry().spacing(), LABELS);
		int slice = (train + nz) / 2;
		ImageFiles.savePng(overlays(whole, labels, result, slice), folder.resolve("ct-segmentation.png"));
		String summary = (String) trained.get("summary") + "\n" + segmented.get("summary");
		AtomicFiles.writeString(folder.resolve("ct-segment-summary.txt"), summary + "\n");
		List<String> scores = new ArrayList<>();
		for (int i = 0; i < LABELS.length; i++) scores.add(String.format(Locale.ROOT, "%s %.3f", i == 0 ? "liver" : "spleen", dice.get(i).dice()));
		String source = real ? "example_ct_sm (3 mm voxels, TotalSegmentator labels)" : "a synthetic phantom (example_ct_sm or example_seg not found)";
		return List.of(
			new Item("ct-segmentation.png", String.format(Locale.ROOT, "Slice %d of %s, held apart from training (trained on slices 1-%d): reference "
				+ "labels (left) and the segmentation (right), liver orange, spleen blue; Dice on the held-apart slices %s after a %.0f s training and "
				+ "segmentation (a short demo run; README: CT segmentation has the defaults' figures)", slice + 1, source, train, String.join(", ", scores),
				seconds)),
			new Item("ct-segment-volumes.csv", "ct-segment-volumes.csv: Segment Volume's table for the whole volume (voxels, mL, bounding box per label)"),
			new Item("ct-segment-summary.txt", "ct-segment-summary.txt: " + summary.replace('\n', ' ')));
	}

	private static final String[] COLUMNS = {"label", "voxels", "volume_mL", "min_x", "min_y", "min_z", "max_x", "max_y", "max_z"};

	/** Segment Volume's table as CSV. */
	private static String csv(ResultsTable table) {
		StringBuilder text = new StringBuilder(String.join(",", COLUMNS)).append('\n');
		for (int row = 0; row < table.size(); row++) {
			List<String> cells = new ArrayList<>();
			for (String c : COLUMNS) {
				double v = table.getValue(c, row);
				cells.add(Double.isNaN(v) ? "" : c.equals("volume_mL") ? String.format(Locale.ROOT, "%.3f", v) : String.valueOf((long) v));
			}
			text.append(String.join(",", cells)).append('\n');
		}
		return text.toString();
	}

	/** The first {@code n} slices, on their own grid. */
	private static Volume slices(Volume v, int n) {
		PlanarImg<FloatType, FloatArray> voxels = Volume.allocate(v.width(), v.height(), n);
		for (int z = 0; z < n; z++) {
			float[] to = voxels.getPlane(z).getCurrentStorageArray();
			int i = 0;
			for (FloatType t : Views.flatIterable(Views.hyperSlice(v.voxels(), 2, z))) to[i++] = t.get();
		}
		return new Volume(voxels, v.geometry(), v.kind(), v.source() + " (first " + n + " slices)", List.of());
	}

	/** The slices from {@code z0} on. */
	private static RandomAccessibleInterval<FloatType> rest(RandomAccessibleInterval<FloatType> v, int z0) {
		return Views.zeroMin(Views.interval(v, new FinalInterval(new long[] {0, 0, z0}, new long[] {v.dimension(0) - 1, v.dimension(1) - 1, v.dimension(2) - 1})));
	}

	/** The slice in a soft-tissue window with the reference's labels (left) and the segmentation's (right) as coloured overlays. */
	private static ImagePlus overlays(ImagePlus image, Volume reference, ImagePlus segmentation, int slice) {
		int w = image.getWidth(), h = image.getHeight(), gap = 2;
		FloatProcessor plane = (FloatProcessor) image.getStack().getProcessor(slice + 1).duplicate();
		plane.setMinAndMax(WindowPreset.SOFT_TISSUE.min(), WindowPreset.SOFT_TISSUE.max());
		ImageProcessor grey = plane.convertToByteProcessor(true);
		float[] ref = new float[w * h];
		int i = 0;
		for (FloatType t : Views.flatIterable(Views.hyperSlice(reference.voxels(), 2, slice))) ref[i++] = t.get();
		float[] seg = (float[]) segmentation.getStack().getProcessor(slice + 1).getPixels();
		ColorProcessor both = new ColorProcessor((2 * w + gap) * ZOOM, h * ZOOM);
		both.setColor(0xFFFFFF);
		both.fill();
		int x = 0;
		for (float[] labels : List.of(ref, seg)) {
			ColorProcessor one = new ColorProcessor(w, h);
			for (int p = 0; p < w * h; p++) {
				int g = grey.get(p), rgb = g << 16 | g << 8 | g;
				for (int k = 0; k < LABELS.length; k++) if (labels[p] == LABELS[k]) rgb = blend(rgb, COLOURS[k]);
				one.set(p, rgb);
			}
			one.setInterpolationMethod(ImageProcessor.NONE);
			both.insert(one.resize(w * ZOOM, h * ZOOM), x, 0);
			x += (w + gap) * ZOOM;
		}
		return new ImagePlus("ct-segmentation", both);
	}

	/** Half the grey, half the label's colour. */
	private static int blend(int rgb, int colour) {
		int r = ((rgb >> 16 & 255) + (colour >> 16 & 255)) / 2, g = ((rgb >> 8 & 255) + (colour >> 8 & 255)) / 2, b = ((rgb & 255) + (colour & 255)) / 2;
		return r << 16 | g << 8 | b;
	}

	/** A 96x80x30 abdomen-like phantom at 3 mm: a "liver" (label 5, 60 HU) on the left of the image, a "spleen" (label 1, 45 HU) on the right, 15 HU noise; or its labels. */
	private static Volume phantom(boolean labels) {
		int w = 96, h = 80, d = 30;
		PlanarImg<FloatType, FloatArray> voxels = Volume.allocate(w, h, d);
		Random random = new Random(4);
		for (int z = 0; z < d; z++) {
			float[] p = voxels.getPlane(z).getCurrentStorageArray();
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					double body = sq((x - 47.5) / 44) + sq((y - 39.5) / 34);
					boolean liver = sq((x - 30) / 18.0) + sq((y - 38) / 20.0) + sq((z - 12) / 22.0) < 1;
					boolean spleen = sq((x - 70) / 9.0) + sq((y - 46) / 11.0) + sq((z - 16) / 12.0) < 1;
					float hu = body > 1 ? -1000 : body > 0.85 ? -100 : liver ? 60 : spleen ? 45 : 20;
					p[y * w + x] = labels ? (liver ? 5 : spleen ? 1 : 0) : (float) Math.round(hu + 15 * random.nextGaussian());
				}
		}
		return new Volume(voxels, VolumeGeometry.aligned(new double[] {3, 3, 3}, new double[] {0, 0, 0}), labels ? ValueKind.LABELS : ValueKind.HOUNSFIELD,
			"synthetic phantom", List.of());
	}

	private static double sq(double v) {
		return v * v;
	}
}
