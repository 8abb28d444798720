package org.convkit.ct.segment;

import org.convkit.core.runtime.MemoryGuard;
import org.convkit.ct.SliceRanges;
import org.convkit.ct.net.Intensity;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;
import org.convkit.ct.train.VolumeTrainer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.converter.Converters;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * 3-D U-Net segmentation: training from a label volume ({@link SegmentationObjective} on
 * {@link VolumeTrainer}) and segmenting volumes with a saved model.
 * <p>
 * Working spacing: training resamples the volume (linear) and its labels (nearest) to a working
 * spacing, stored in the model's descriptor; segmentation resamples a volume of another spacing to
 * it, and the class probabilities back (linear) before taking the most probable class per voxel, so
 * a model trained at 3 mm applies to a 1.5 mm volume. The label values travel in the descriptor
 * ({@value #LABEL_VALUES}).
 * <p>
 * Defaults, chosen by principle and compute budget, not on one volume:
 * <ul>
 * <li>U-Net depth 2, 8 base channels, no normalisation: receptive radius 26 voxels (78 mm at 3 mm),
 * context for an organ; exact tiling; 8 channels keep a training step affordable on 2 CPU cores
 * (as for the denoiser).</li>
 * <li>Patches 64 x 64 x 32, batch 2 (wide in-plane, where CT has more voxels), class-balanced
 * sampling; intensity scale +-10% and shift +-0.1 std. No flips or rotations: a CT volume's
 * orientation is known from its geometry, and where an organ lies (liver right, spleen left, the
 * aorta before the spine) is what tells apart structures of the same density, and the left from the
 * right kidney; mirrored patches would teach the network that either side is both.</li>
 * <li>Adam 2e-3 with cosine decay, {@value #DEFAULT_EPOCHS} epochs of {@value #DEFAULT_STEPS}
 * steps: 131 M training voxels, what the budget (a 128x128x96 volume in under 20 minutes on
 * 2 cores) affords with room for a loaded machine; the best epoch on the validation slab is kept,
 * which guards the longer run against over-fitting a few labelled slices; no epoch of the first
 * quarter is kept (an untrained network can score best on a thin validation slab), and a network
 * stops {@value #DEFAULT_PATIENCE} epochs after its best (best epochs were 6-9 of 20).</li>
 * <li>An ensemble of {@value #DEFAULT_MEMBERS} networks (seeds 42, 43), their class probabilities
 * averaged: with a few labelled slices the seed decides much (a structure 0.05 in one seed, 0.87
 * in the next), and the mean of two is above either on the held-apart liver; early stopping pays
 * for the second network (the budget's worst case, both networks training all epochs, is 1000
 * steps).</li>
 * <li>Intensities as nnU-Net normalises CT: clipped to the 0.5th..99.5th percentile of the labelled
 * (foreground) voxels, then z-scored with their mean and std, all stored with the model so HU
 * volumes of other scanners are normalised alike. A z-score over the whole volume, air included,
 * left 40 HU of organ contrast at 0.08 std and the phantom did not train; over the foreground it is
 * about 1 std. Validation on the last 10% of slices.</li>
 * <li>Each label that is one connected piece in the training labels ({@link #ONE_PIECE}: an organ,
 * a vessel) keeps only its largest predicted component: the other pieces are false positives away
 * from it. Labels of scattered structures are left as predicted.</li>
 * </ul>
 */
public final class Segmenter {

	public static final String LABEL_VALUES = "recipe.label_values";
	/** Descriptor key: the label values that are one piece in the training labels; segmentation keeps their largest component. */
	public static final String ONE_PIECE = "recipe.one_piece";
	/**
	 * A label is one piece when its largest 6-connected component holds at least this fraction of its
	 * training voxels in every training volume (a few stray voxels of labelling noise allowed).
	 */
	static final double ONE_PIECE_FRACTION = 0.95;
	/** Descriptor key: the intensity range "low,high" voxels are clipped to before the z-score. */
	public static final String CLIP = "recipe.clip";
	/** Recipe keys of an ensemble: each member's seed, best epoch and epochs trained, comma-separated. */
	public static final String MEMBER_SEEDS = "recipe.member_seeds", MEMBER_BEST_EPOCHS = "recipe.member_best_epochs",
		MEMBER_EPOCHS = "recipe.member_epochs_trained";
	/** Recipe key: the slices of the label volume that were learnt from (Fiji's numbers, e.g. "1-20,41-60"); absent: all. */
	public static final String LABELLED_SLICES = "recipe.labelled_slices";
	public static final int MAX_MEMBERS = 16;
	public static final int DEFAULT_EPOCHS = 20, DEFAULT_STEPS = 25, DEFAULT_MEMBERS = 2, DEFAULT_PATIENCE = 4;
	public static final long DEFAULT_TILE = 112;
	/**
	 * The least core a model's tile keeps (the default network's core in the default tile): a deeper
	 * network's halo grows to 64 voxels at depth 3, and its smallest tile (136) would keep a core of
	 * 8, so a 122x101x30 volume took 832 tiles of 136^3 and did not finish in 10 minutes.
	 */
	static final long MIN_CORE = DEFAULT_TILE - 2 * UNet3d.halo(UNet3d.Config.DEFAULT);
	public static final UNet3d.Config NETWORK = UNet3d.Config.DEFAULT.withBaseWidth(8);
	public static final VolumeTrainer.Config TRAINING = new VolumeTrainer.Config(64, 32, 2, DEFAULT_EPOCHS, DEFAULT_STEPS, 2e-3f, 42, 0.1, false, false,
		0.1, 0.1).withPatience(DEFAULT_PATIENCE).withWarmUp(0.25);

	static final String BAD_MEMBERS = "members: expected 1 to %d networks in the ensemble, got %d";
	static final String TOO_SMALL = "image: %s (%s voxels at the working spacing) is too small to train on; each side needs at least %d voxels";
	static final String NOT_SEGMENTER = "model: %s holds no label values (" + LABEL_VALUES + "); it was not written by Train Segmenter";
	static final String CLASS_MISMATCH = "model: %s has %d outputs but %d classes (background and %s)";

	private Segmenter() {}

	/**
	 * Trains a segmenter on one volume.
	 *
	 * @param image the volume (x, y, z), any values (HU for CT)
	 * @param labels its label volume, the same dimensions (label values; those not in {@code classes}: background)
	 * @param spacing the voxel spacing of both, mm
	 * @param workingSpacing the spacing to train at (null: {@code spacing})
	 * @param name the image's name, for errors
	 */
	public static VolumeTrainer.Result train(RandomAccessibleInterval<? extends RealType<?>> image, RandomAccessibleInterval<? extends RealType<?>> labels,
		double[] spacing, LabelClasses classes, double[] workingSpacing, UNet3d.Config network, VolumeTrainer.Config training, String name,
		VolumeTrainer.Listener listener)
	{
		return train(image, labels, spacing, classes, workingSpacing, network, training, 1, null, name, listener);
	}

	/**
	 * The same, an ensemble of {@code members} networks (see {@link #train(List, List, LabelClasses,
	 * double[], UNet3d.Config, VolumeTrainer.Config, int, VolumeTrainer.Listener)}), learning only
	 * from the {@code labelled} slices (null: all): each of their slabs is a training volume of its
	 * own with its own validation slices, and the slices between them, labelled or not, play no part.
	 * The slabs are recorded in the recipe ({@value #LABELLED_SLICES}).
	 */
	public static VolumeTrainer.Result train(RandomAccessibleInterval<? extends RealType<?>> image, RandomAccessibleInterval<? extends RealType<?>> labels,
		double[] spacing, LabelClasses classes, double[] workingSpacing, UNet3d.Config network, VolumeTrainer.Config training, int members,
		SliceRanges labelled, String name, VolumeTrainer.Listener listener)
	{
		double[] working = workingSpacing == null ? spacing.clone() : workingSpacing.clone();
		List<? extends RandomAccessibleInterval<? extends RealType<?>>> images = SliceRanges.slabs(labelled, image), labelSlabs = SliceRanges.slabs(labelled, labels);
		List<RandomAccessibleInterval<? extends RealType<?>>> imgs = new ArrayList<>();
		List<RandomAccessibleInterval<FloatType>> clss = new ArrayList<>();
		int min = 2 * network.stride();
		for (int k = 0; k < images.size(); k++) {
			RandomAccessibleInterval<? extends RealType<?>> img = images.get(k);
			RandomAccessibleInterval<FloatType> cls = classes.classIndices(labelSlabs.get(k));
			if (Resampling.needed(spacing, working)) {
				img = Resampling.linear(img, spacing, working);
				cls = Resampling.nearest(cls, spacing, working);
			}
			String part = labelled == null ? name : name + " slices " + labelled.text(k);
			for (int d = 0; d < 3; d++)
				if (img.dimension(d) < min)
					throw new IllegalArgumentException(String.format(Locale.ROOT, TOO_SMALL, part, dims(img), min));
			imgs.add(img);
			clss.add(cls);
		}
		VolumeTrainer.Result r = train(imgs, clss, classes, working, network, training, members, listener);
		if (labelled == null) return r;
		Properties recipe = r.model().recipe();
		recipe.setProperty(LABELLED_SLICES, labelled.text());
		return new VolumeTrainer.Result(r.model().withRecipe(recipe), r.validationLosses(), r.bestEpoch(), r.voxelsPerSecond(), r.seconds());
	}

	/**
	 * Trains on several volumes (e.g. the training slabs of one volume) already at the working spacing,
	 * with class-index volumes ({@link LabelClasses#classIndices}).
	 */
	public static VolumeTrainer.Result train(List<? extends RandomAccessibleInterval<? extends RealType<?>>> images,
		List<? extends RandomAccessibleInterval<? extends RealType<?>>> classIndices, LabelClasses classes, double[] spacing, UNet3d.Config network,
		VolumeTrainer.Config training, VolumeTrainer.Listener listener)
	{
		return train(images, classIndices, classes, spacing, network, training, 1, listener);
	}

	/**
	 * Trains an ensemble of {@code members} networks on the same data and normalisation, member k
	 * (from 1) with seed {@code training.seed() + k - 1} (so member 1 is the single network of that
	 * seed); segmentation averages their class probabilities. The result's model holds all members
	 * ({@link VolumeModel#ensemble}); its validation losses and best epoch are the first member's,
	 * its time the sum; each member's seed, best epoch and epochs trained are in the recipe
	 * ({@value #MEMBER_SEEDS}, {@value #MEMBER_BEST_EPOCHS}, {@value #MEMBER_EPOCHS}).
	 */
	public static VolumeTrainer.Result train(List<? extends RandomAccessibleInterval<? extends RealType<?>>> images,
		List<? extends RandomAccessibleInterval<? extends RealType<?>>> classIndices, LabelClasses classes, double[] spacing, UNet3d.Config network,
		VolumeTrainer.Config training, int members, VolumeTrainer.Listener listener)
	{
		if (members < 1 || members > MAX_MEMBERS) throw new IllegalArgumentException(String.format(Locale.ROOT, BAD_MEMBERS, MAX_MEMBERS, members));
		UNet3d.Config net = network.withChannels(1, classes.classes());
		double[] clip = foregroundRange(images, classIndices);
		List<RandomAccessibleInterval<FloatType>> clipped = new ArrayList<>();
		for (RandomAccessibleInterval<? extends RealType<?>> v : images) clipped.add(clip(v, clip));
		Intensity intensity = zscore(clipped, classIndices);
		long tile = tile(net);
		VolumeTrainer.Result first = null;
		List<VolumeModel> models = new ArrayList<>();
		List<String> seeds = new ArrayList<>(), bests = new ArrayList<>(), trained = new ArrayList<>();
		double seconds = 0, voxels = 0;
		for (int k = 0; k < members; k++) {
			if (listener != null) listener.member(k + 1, members);
			VolumeTrainer.Config member = training.withSeed(training.seed() + k);
			VolumeTrainer.Result r = new VolumeTrainer(net, member, new SegmentationObjective(classes.classes())).train(clipped, classIndices, intensity,
				VolumeModel.Task.SEGMENT, tile, spacing, listener);
			if (first == null) first = r;
			models.add(r.model());
			seeds.add(String.valueOf(member.seed()));
			bests.add(String.valueOf(r.bestEpoch()));
			trained.add(r.model().recipe().getProperty(VolumeTrainer.EPOCHS_TRAINED));
			seconds += r.seconds();
			voxels += r.voxelsPerSecond() * r.seconds();
		}
		Properties recipe = first.model().recipe();
		recipe.setProperty(LABEL_VALUES, classes.text());
		recipe.setProperty(CLIP, clip[0] + "," + clip[1]);
		recipe.setProperty(ONE_PIECE, onePiece(classIndices, classes));
		if (members > 1) {
			recipe.setProperty(MEMBER_SEEDS, String.join(",", seeds));
			recipe.setProperty(MEMBER_BEST_EPOCHS, String.join(",", bests));
			recipe.setProperty(MEMBER_EPOCHS, String.join(",", trained));
		}
		return new VolumeTrainer.Result(VolumeModel.ensemble(models, recipe), first.validationLosses(), first.bestEpoch(), voxels / seconds, seconds);
	}

	/** "best epoch 7 of 11 trained" or, for an ensemble, "3 members (seeds 42,43,44), best epochs 7,9,8 of 11,13,12 trained". */
	public static String trainingText(VolumeModel model) {
		Properties r = model.recipe();
		if (model.members() == 1)
			return "best epoch " + r.getProperty("recipe.best_epoch", "?") + " of " + r.getProperty(VolumeTrainer.EPOCHS_TRAINED, "?") + " trained";
		return model.members() + " members (seeds " + r.getProperty(MEMBER_SEEDS, "?") + "), best epochs " + r.getProperty(MEMBER_BEST_EPOCHS, "?") + " of "
			+ r.getProperty(MEMBER_EPOCHS, "?") + " trained";
	}

	/** The tile a model of this network is saved with: the default, or a larger one that keeps {@link #MIN_CORE} for a deeper network. */
	static long tile(UNet3d.Config net) {
		long stride = net.stride(), core = (MIN_CORE + stride - 1) / stride * stride;
		return Math.max(DEFAULT_TILE, 2 * UNet3d.halo(net) + core);
	}

	/**
	 * The label values that are one connected piece in every training volume they occur in (see
	 * {@link #ONE_PIECE_FRACTION}), comma-separated: an organ or a vessel, whose other predicted
	 * pieces segmentation removes; a label of scattered structures (lesions, both kidneys as one
	 * value) is left as predicted. Learnt from the user's labels, not assumed, as nnU-Net decides its
	 * largest-component post-processing per label.
	 */
	static String onePiece(List<? extends RandomAccessibleInterval<? extends RealType<?>>> classIndices, LabelClasses classes) {
		boolean[] whole = new boolean[classes.classes()];
		Arrays.fill(whole, true);
		for (RandomAccessibleInterval<? extends RealType<?>> c : classIndices) {
			float[] flat = SegmentationMetrics.flat(c);
			int nx = (int) c.dimension(0), ny = (int) c.dimension(1), nz = (int) c.dimension(2);
			for (int k = 1; k < whole.length; k++) if (LargestComponent.fraction(flat, nx, ny, nz, k) < ONE_PIECE_FRACTION) whole[k] = false;
		}
		List<String> values = new ArrayList<>();
		for (int k = 1; k < whole.length; k++) if (whole[k]) values.add(String.valueOf(classes.value(k)));
		return String.join(",", values);
	}

	/** The label values a model keeps one piece of (none for a model saved before the rule). */
	static int[] onePieceValues(VolumeModel model) {
		String text = model.recipe().getProperty(ONE_PIECE, "");
		return text.isBlank() ? new int[0] : Arrays.stream(text.split(",")).mapToInt(v -> Integer.parseInt(v.trim())).toArray();
	}

	/** The 0.5th and 99.5th percentiles of the foreground voxels (class &gt; 0) of all volumes. */
	static double[] foregroundRange(List<? extends RandomAccessibleInterval<? extends RealType<?>>> images,
		List<? extends RandomAccessibleInterval<? extends RealType<?>>> classIndices)
	{
		float[] values = foreground(images, classIndices);
		if (values.length == 0) throw new IllegalArgumentException("labels: no labelled voxel in the training volumes");
		Arrays.sort(values);
		double low = values[(int) Math.floor(0.005 * (values.length - 1))], high = values[(int) Math.ceil(0.995 * (values.length - 1))];
		return high > low ? new double[] {low, high} : new double[] {low - 1, high + 1};
	}

	private static float[] foreground(List<? extends RandomAccessibleInterval<? extends RealType<?>>> images,
		List<? extends RandomAccessibleInterval<? extends RealType<?>>> classIndices)
	{
		long n = 0;
		for (RandomAccessibleInterval<? extends RealType<?>> c : classIndices) for (RealType<?> t : Views.iterable(c)) if (t.getRealDouble() > 0) n++;
		float[] values = new float[Math.toIntExact(n)];
		int i = 0;
		for (int k = 0; k < images.size(); k++) {
			var image = Views.flatIterable(images.get(k)).cursor();
			for (RealType<?> c : Views.flatIterable(classIndices.get(k))) {
				float v = image.next().getRealFloat();
				if (c.getRealDouble() > 0) values[i++] = v;
			}
		}
		return values;
	}

	/** Mean and std of the foreground voxels. */
	private static Intensity zscore(List<? extends RandomAccessibleInterval<? extends RealType<?>>> images,
		List<? extends RandomAccessibleInterval<? extends RealType<?>>> classIndices)
	{
		double sum = 0, sq = 0;
		float[] values = foreground(images, classIndices);
		for (float x : values) {
			sum += x;
			sq += (double) x * x;
		}
		double mean = sum / values.length, std = Math.sqrt(Math.max(0, sq / values.length - mean * mean));
		return new Intensity(Intensity.Mode.ZSCORE, mean, std > 0 ? std : 1);
	}

	/** The volume's values clamped to {@code range} (a view). */
	static RandomAccessibleInterval<FloatType> clip(RandomAccessibleInterval<? extends RealType<?>> v, double[] range) {
		float low = (float) range[0], high = (float) range[1];
		return Converters.convert(v, (a, b) -> b.set(Math.max(low, Math.min(high, a.getRealFloat()))), new FloatType());
	}

	/** The clip range a model was trained with (none: no clipping). */
	static double[] clipRange(VolumeModel model) {
		String text = model.recipe().getProperty(CLIP);
		if (text == null || text.isBlank()) return new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
		String[] parts = text.split(",");
		return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
	}

	/** The label values a segmentation model predicts, checked against its outputs. */
	public static LabelClasses classes(VolumeModel model, String source) {
		String text = model.recipe().getProperty(LABEL_VALUES);
		if (text == null || text.isBlank()) throw new IllegalArgumentException(String.format(NOT_SEGMENTER, source));
		LabelClasses classes = LabelClasses.parse(text);
		if (classes.classes() != model.config().outChannels())
			throw new IllegalArgumentException(String.format(Locale.ROOT, CLASS_MISMATCH, source, model.config().outChannels(), classes.classes(), classes.text()));
		return classes;
	}

	/**
	 * A segmentation: label values per voxel (x, y, z) and, on request, the class probabilities (x, y,
	 * z, class; class 0 the background), both on the input's grid.
	 */
	public record Segmentation(ArrayImg<FloatType, FloatArray> labels, ArrayImg<FloatType, FloatArray> probabilities, LabelClasses classes) {}

	/**
	 * Segments a volume with a model of {@link VolumeModel.Task#SEGMENT}, tiled (memory bounded by
	 * the tile for the network; the result holds one float per voxel, plus one per voxel and class for
	 * probabilities).
	 *
	 * @param spacing the volume's voxel spacing, mm
	 * @param source the model's folder, for errors
	 */
	public static Segmentation segment(RandomAccessibleInterval<? extends RealType<?>> volume, double[] spacing, VolumeModel model, long tile, int batch,
		boolean probabilities, String source) throws IOException
	{
		return segment(volume, spacing, model, tile, batch, probabilities, source, true);
	}

	/** @param onePiece whether to keep only the largest component of the model's one-piece labels ({@link #ONE_PIECE}) */
	static Segmentation segment(RandomAccessibleInterval<? extends RealType<?>> volume, double[] spacing, VolumeModel model, long tile, int batch,
		boolean probabilities, String source, boolean onePiece) throws IOException
	{
		model.check(source, VolumeModel.Task.SEGMENT, 1);
		LabelClasses classes = classes(model, source);
		int k = classes.classes();
		long[] dims = volume.dimensionsAsLongArray();
		long voxels = dims[0] * dims[1] * dims[2];
		boolean resample = Resampling.needed(spacing, model.spacing());
		long[] working = resample ? Resampling.size(dims, spacing, model.spacing()) : dims;
		long workingVoxels = working[0] * working[1] * working[2];
		// beside the tiles (checked by VolumeModel.apply): the scores at the working spacing, the
		// resampled input, and on the input's grid the labels, the best probability, one channel and the probabilities
		long heap = 4L * ((model.members() > 1 ? 2 : 1) * k * workingVoxels + (resample ? workingVoxels : 0) + 3 * voxels + (probabilities ? k * voxels : 0));
		MemoryGuard.check("image", "segmenting " + dims[0] + "x" + dims[1] + "x" + dims[2] + " voxels into " + k + " classes", 0, heap);
		RandomAccessibleInterval<? extends RealType<?>> input = resample ? Resampling.linear(volume, spacing, model.spacing()) : volume;
		ArrayImg<FloatType, FloatArray> scores = probabilities(clip(input, clipRange(model)), model, tile, batch, (int) workingVoxels, k);
		ArrayImg<FloatType, FloatArray> probs = probabilities ? ArrayImgs.floats(dims[0], dims[1], dims[2], k) : null;
		ArrayImg<FloatType, FloatArray> labels = ArrayImgs.floats(dims);
		float[] label = labels.update(null).getCurrentStorageArray(), best = new float[(int) voxels];
		Arrays.fill(best, -1);
		double[] factor = new double[3];
		for (int d = 0; d < 3; d++) factor[d] = spacing[d] / model.spacing()[d];
		for (int c = 0; c < k; c++) {
			RandomAccessibleInterval<FloatType> channel = Views.hyperSlice(scores, 3, c);
			float[] p = resample ? Resampling.linear(channel, dims, factor).update(null).getCurrentStorageArray()
				: Arrays.copyOfRange(scores.update(null).getCurrentStorageArray(), (int) (c * voxels), (int) ((c + 1) * voxels));
			float value = classes.value(c);
			for (int i = 0; i < p.length; i++) {
				if (p[i] > best[i]) {
					best[i] = p[i];
					label[i] = value;
				}
			}
			if (probs != null) System.arraycopy(p, 0, probs.update(null).getCurrentStorageArray(), (int) (c * voxels), p.length);
		}
		if (onePiece) keepOnePiece(label, (int) dims[0], (int) dims[1], (int) dims[2], onePieceValues(model));
		return new Segmentation(labels, probs, classes);
	}

	/**
	 * Class probabilities (x, y, z, class) of a volume already at the model's spacing and clipped:
	 * the softmax of the network's scores, for an ensemble the mean of its members' (one member's
	 * inference at a time).
	 */
	static ArrayImg<FloatType, FloatArray> probabilities(RandomAccessibleInterval<FloatType> input, VolumeModel model, long tile, int batch, int voxels,
		int k) throws IOException
	{
		return model.meanOverMembers(input, tile, batch, scores -> softmax(scores, voxels, k));
	}

	/** Sets to background, in place, the voxels of each of {@code values} outside its largest component. */
	static void keepOnePiece(float[] labels, int nx, int ny, int nz, int[] values) {
		if (values.length == 0) return;
		float[] kept = LargestComponent.perLabel(labels, nx, ny, nz, values);
		for (int value : values) for (int i = 0; i < labels.length; i++) if (labels[i] == value) labels[i] = kept[i];
	}

	/** Class scores, channel-major ({@code k} blocks of {@code voxels}), to probabilities in place. */
	static void softmax(float[] scores, int voxels, int k) {
		for (int i = 0; i < voxels; i++) {
			float max = Float.NEGATIVE_INFINITY;
			for (int c = 0; c < k; c++) max = Math.max(max, scores[c * voxels + i]);
			double sum = 0;
			for (int c = 0; c < k; c++) sum += scores[c * voxels + i] = (float) Math.exp(scores[c * voxels + i] - max);
			for (int c = 0; c < k; c++) scores[c * voxels + i] /= sum;
		}
	}

	private static String dims(RandomAccessibleInterval<?> v) {
		List<String> s = new ArrayList<>();
		for (long d : v.dimensionsAsLongArray()) s.add(String.valueOf(d));
		return String.join("x", s);
	}
}
