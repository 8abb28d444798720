package org.convkit.commands.ct;

import ij.ImagePlus;
import ij.measure.ResultsTable;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;

import org.convkit.commands.ConvKitCommand;
import org.convkit.commands.ModelFolders;
import org.convkit.core.runtime.MemoryGuard;
import org.convkit.ct.SliceRanges;
import org.convkit.ct.Volume;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;
import org.convkit.ct.segment.LabelClasses;
import org.convkit.ct.segment.Segmenter;
import org.convkit.ct.train.TrainingMemory;
import org.convkit.ct.train.VolumeTrainer;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

/**
 * Plugins &gt; ConvKit &gt; CT &gt; Train Segmenter: trains a 3-D U-Net on a CT volume and its label
 * volume (same grid) to segment the chosen label values, and saves it as a model folder for Segment
 * Volume. See {@link Segmenter} for the recipe; the last slices are held out for validation (by
 * slabs, never by voxels of the same slab) and the best epoch is kept.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>CT>Train Segmenter")
public class TrainSegmenterCommand extends ConvKitCommand {

	static final String NO_MODEL = "model: expected a folder to save the trained model in";
	static final String BAD_SPACING = "spacing: expected a voxel size in mm, one number or x,y,z (e.g. 3 or 1.5,1.5,3), or empty for the image's own, got '%s'";

	@Parameter(description = "The CT volume to learn from (one channel; e.g. from Open CT Volume)")
	private ImagePlus image;

	@Parameter(description = "Its label volume: the same size and geometry, label values per voxel (0: background)")
	private ImagePlus labels;

	@Parameter(required = false, description = "The slices that are labelled, numbered as in Fiji (e.g. 1-20 or 1-20,41-60); only they are learnt from, "
		+ "the others' labels are ignored; empty: every slice")
	private String labelled_slices = "";

	@Parameter(required = false, description = "Label values to learn, comma-separated, each its own class (e.g. 5,1,2); empty: every non-zero value; others are background")
	private String label_values = "";

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "Folder to save the model in (created if needed); its " + VolumeModel.PARAMETERS + " and "
		+ VolumeModel.PROPERTIES + " are written once training succeeds, other files stay")
	private File model;

	@Parameter(required = false, description = "Working voxel size in mm to train at (one number or x,y,z), saved with the model; empty: the image's own")
	private String spacing = "";

	@Parameter(min = "1", max = "1000", description = "Epochs (validation and checkpoint after each)")
	private int epochs = Segmenter.DEFAULT_EPOCHS;

	@Parameter(min = "1", max = "100000", description = "Training steps per epoch")
	private int steps_per_epoch = Segmenter.DEFAULT_STEPS;

	@Parameter(min = "8", max = "512", description = "Patch edge in x and y (voxels)")
	private int patch_xy = Segmenter.TRAINING.patchXY();

	@Parameter(min = "8", max = "512", description = "Patch depth in z (voxels)")
	private int patch_z = Segmenter.TRAINING.patchZ();

	@Parameter(min = "1", max = "64", description = "Patches per step")
	private int batch_size = Segmenter.TRAINING.batchSize();

	@Parameter(min = "0.000001", max = "1", description = "Adam learning rate (cosine decay over the run)")
	private double learning_rate = Segmenter.TRAINING.learningRate();

	@Parameter(min = "0", max = "0.49", description = "Fraction of the slices (the last ones) held out for validation")
	private double validation_fraction = Segmenter.TRAINING.validationFraction();

	@Parameter(min = "1", max = "4", description = "U-Net depth (levels of pooling)")
	private int depth = Segmenter.NETWORK.depth();

	@Parameter(min = "2", max = "64", description = "U-Net channels at the first level (doubling per level)")
	private int base_width = Segmenter.NETWORK.baseWidth();

	@Parameter(description = "Also flip patches and rotate them in-plane (for structures whose side does not matter; CT anatomy keeps its orientation)")
	private boolean flips_and_rotations = Segmenter.TRAINING.flips();

	@Parameter(min = "0", max = "45", description = "Rotate patches about the body (z) axis by up to this many degrees either way (keeps left and right)")
	private double tilt_degrees = Segmenter.TRAINING.tiltDegrees();

	@Parameter(min = "0", max = "0.49", description = "Scale patches by up to this fraction either way (a patient's size)")
	private double zoom_jitter = Segmenter.TRAINING.zoomJitter();

	@Parameter(min = "0", max = "1", description = "Add Gaussian noise to each patch, its std drawn up to this (in units of the labelled voxels' std): other scanners' noise")
	private double noise = Segmenter.TRAINING.noise();

	@Parameter(min = "0", max = "0.1", description = "Adam weight decay (an L2 penalty on the weights; 0: none)")
	private double weight_decay = Segmenter.TRAINING.weightDecay();

	@Parameter(min = "0", max = "1000", description = "Stop after this many epochs without a better validation loss (0: train all epochs)")
	private int patience = Segmenter.TRAINING.patience();

	@Parameter(min = "1", max = "16", description = "Networks in the ensemble, each with its own seed (seed, seed+1, ...); Segment Volume averages their probabilities")
	private int members = Segmenter.DEFAULT_MEMBERS;

	@Parameter(description = "Random seed (patches, augmentation, initialisation)")
	private long seed = Segmenter.TRAINING.seed();

	@Parameter(description = "Save into a model folder that is not empty, replacing its model files")
	private boolean overwrite = false;

	@Parameter
	private LogService log;

	@Parameter(required = false)
	private StatusService status;

	@Parameter(type = ItemIO.OUTPUT, label = "Training")
	private ResultsTable training;

	@Parameter(type = ItemIO.OUTPUT, label = "Summary")
	private String summary;

	@Override
	protected void execute() throws IOException {
		if (model == null || model.getPath().isBlank()) throw new IllegalArgumentException(NO_MODEL);
		Volume volume = CtImages.toVolume(image, "image");
		Volume labelVolume = CtImages.toVolume(labels, "labels");
		SegmentationImages.checkSameGrid(image, volume, labels, labelVolume, "labels");
		SliceRanges labelled = SliceRanges.parse(labelled_slices, "labelled_slices", labelVolume.depth(), "'" + labels.getTitle() + "'");
		LabelClasses classes = LabelClasses.of(SliceRanges.slabs(labelled, labelVolume.voxels()), LabelClasses.parse(label_values),
			SliceRanges.name("'" + labels.getTitle() + "'", labelled));
		double[] working = parseSpacing(spacing, volume.geometry().spacing());
		List<Path> inputs = new ArrayList<>(CtImages.inputFiles(image));
		inputs.addAll(CtImages.inputFiles(labels));
		ModelFolders.check("model", model.toPath(), overwrite, inputs, List.of(VolumeModel.PARAMETERS, VolumeModel.PROPERTIES));
		UNet3d.Config network = Segmenter.NETWORK.withDepth(depth).withBaseWidth(base_width);
		VolumeTrainer.Config config = new VolumeTrainer.Config(patch_xy, patch_z, batch_size, epochs, steps_per_epoch, (float) learning_rate, seed,
			validation_fraction, flips_and_rotations, flips_and_rotations, Segmenter.TRAINING.scaleJitter(), Segmenter.TRAINING.shiftJitter(), tilt_degrees,
			zoom_jitter, noise, (float) weight_decay, patience, Segmenter.TRAINING.warmUp());
		checkMemory(volume, working, network, config);
		training = new ResultsTable();
		TrainingProgress progress = new TrainingProgress("Train Segmenter", training, status, log, this::isCanceled);
		VolumeTrainer.Result result;
		try {
			result = Segmenter.train(volume.voxels(), labelVolume.voxels(), volume.geometry().spacing(), classes, working, network, config, members,
				labelled, "'" + image.getTitle() + "'", progress);
		}
		catch (CancellationException e) {
			if (!isCanceled()) cancel(progress.canceledMessage());
			return;
		}
		finally {
			if (status != null) status.clearStatus();
		}
		result.model().save(model.toPath());
		summary = String.format(Locale.ROOT, "trained a %s on '%s' (%s, labels %s%s) at %s mm for up to %d epochs (%s) in %.0f s, %.0f voxels/s; saved to %s",
			result.model().config().describe(), image.getTitle(), volume.dimensionsText(), classes.text(),
			labelled == null ? "" : ", " + labelled, spacingText(working), epochs,
			Segmenter.trainingText(result.model()), result.seconds(), result.voxelsPerSecond(), model);
	}

	/**
	 * Refuses, before any work, a training that cannot fit: the image and its labels resampled to the
	 * working spacing on the heap ({@code spacing} to coarsen), then a step's patches, cut down to
	 * the resampled volume as the trainer does ({@code patch_xy} and {@code batch_size} to lower).
	 */
	private void checkMemory(Volume volume, double[] working, UNet3d.Config network, VolumeTrainer.Config config) {
		long[] dims = volume.voxels().dimensionsAsLongArray();
		double[] own = volume.geometry().spacing();
		long[] resampled = new long[3];
		for (int d = 0; d < 3; d++) resampled[d] = Math.max(1, Math.round(dims[d] * own[d] / working[d]));
		long voxels = resampled[0] * resampled[1] * resampled[2];
		String work = String.format(Locale.ROOT, "training a segmenter on %s resampled to %s mm (%dx%dx%d voxels)", volume.dimensionsText(),
			spacingText(working), resampled[0], resampled[1], resampled[2]);
		// the resampled image and labels as floats, twice (the trainer's normalised copy)
		MemoryGuard.check("spacing", work, 0, 2L * 2 * Float.BYTES * voxels, "raise spacing (a coarser working spacing)");
		int xy = (int) Math.min(config.patchXY(), Math.min(resampled[0], resampled[1])), z = (int) Math.min(config.patchZ(), resampled[2]);
		VolumeTrainer.Config used = config.withPatch(xy, z, config.batchSize());
		MemoryGuard.check("patch_xy", String.format(Locale.ROOT, "%s with %d patches of %dx%dx%d per step", work, config.batchSize(), xy, xy, z),
			TrainingMemory.nativeBytes(network, used), TrainingMemory.heapBytes(0, used), (physical, heap) -> "use smaller patches or batch_size");
	}

	/** The spacing option: blank for {@code own}, one number for all axes, or x,y,z. */
	static double[] parseSpacing(String text, double[] own) {
		if (text == null || text.isBlank()) return own.clone();
		String[] parts = text.split(",");
		if (parts.length != 1 && parts.length != 3) throw new IllegalArgumentException(String.format(BAD_SPACING, text));
		double[] s = new double[3];
		try {
			for (int d = 0; d < 3; d++) s[d] = Double.parseDouble(parts[parts.length == 1 ? 0 : d].strip());
		}
		catch (NumberFormatException e) {
			throw new IllegalArgumentException(String.format(BAD_SPACING, text), e);
		}
		for (double v : s) if (!(v > 0 && v < 1000)) throw new IllegalArgumentException(String.format(BAD_SPACING, text));
		return s;
	}

	static String spacingText(double[] s) {
		return String.format(Locale.ROOT, "%.4gx%.4gx%.4g", s[0], s[1], s[2]);
	}
}
