package org.convkit.commands.ct;

import ij.ImagePlus;
import ij.measure.ResultsTable;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;

import org.convkit.commands.ConvKitCommand;
import org.convkit.commands.ModelFolders;
import org.convkit.core.runtime.MemoryGuard;
import org.convkit.ct.denoise.Noise2Void;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;
import org.convkit.ct.train.TrainingMemory;
import org.convkit.ct.train.VolumeTrainer;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Plugins &gt; ConvKit &gt; CT &gt; Train Denoiser: trains a self-supervised denoiser (Noise2Void,
 * {@link Noise2Void}) on the noisy volume itself: no clean data. A 2-D + time stack is one volume
 * with time as the third axis; a volume with several frames gives one training volume per frame.
 * The model is saved into a folder (its two files written atomically, only once training succeeded)
 * for Denoise Volume and Run 3D Model.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>CT>Train Denoiser")
public class TrainDenoiserCommand extends ConvKitCommand {

	static final String NO_MODEL = "model: expected a folder to save the trained model in";
	static final String CHANNELS = "image: '%s' has %d channels; the denoiser learns one channel (split them first, Image > Color > Split Channels)";
	static final String TOO_SMALL = "image: '%s' is %s; training needs at least %d voxels along x, y and the third axis";
	/** The smallest volume edge: two 16-voxel patches' worth of context and a validation slab. */
	static final int MIN_EDGE = 16;

	@Parameter(description = "The noisy volume (or 2-D + time stack) to learn from; one channel")
	private ImagePlus image;

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "Folder to save the model in (created if needed); its "
		+ VolumeModel.PARAMETERS + " and " + VolumeModel.PROPERTIES + " are written once training succeeds, other files stay")
	private File model;

	@Parameter(min = "1", max = "1000", description = "Epochs (a validation pass after each; the best epoch is kept)")
	private int epochs = Noise2Void.TRAINING.epochs();

	@Parameter(min = "1", max = "100000", description = "Training steps per epoch (each a batch of random patches)")
	private int steps_per_epoch = Noise2Void.TRAINING.stepsPerEpoch();

	@Parameter(min = "8", max = "256", description = "Patch edge in x and y (voxels; rounded down to a multiple of 4 and to the volume)")
	private int patch_size = Noise2Void.TRAINING.patchXY();

	@Parameter(min = "8", max = "256", description = "Patch edge along the third axis (z, or t for a 2-D + time stack)")
	private int patch_depth = Noise2Void.TRAINING.patchZ();

	@Parameter(min = "1", max = "64", description = "Patches per training step")
	private int batch_size = Noise2Void.TRAINING.batchSize();

	@Parameter(min = "0.000001", max = "1", description = "Adam learning rate at the start (decays to 0 along a cosine); short runs learn faster at 2e-3")
	private double learning_rate = Noise2Void.TRAINING.learningRate();

	@Parameter(min = "16", max = "1024", description = "Tile edge that Denoise Volume uses by default with this model (halo included)")
	private int tile_size = (int) Noise2Void.DEFAULT_TILE;

	@Parameter(description = "Random seed (patches, masks, augmentation, initialisation)")
	private long seed = Noise2Void.TRAINING.seed();

	@Parameter(description = "Save into a model folder that is not empty, replacing its model files")
	private boolean overwrite = false;

	@Parameter
	private StatusService status;

	@Parameter
	private LogService log;

	@Parameter(type = ItemIO.OUTPUT, label = "Training")
	private ResultsTable training;

	@Parameter(type = ItemIO.OUTPUT, label = "Summary")
	private String summary;

	@Override
	protected void execute() throws IOException {
		if (model == null || model.getPath().isBlank()) throw new IllegalArgumentException(NO_MODEL);
		VolumeStacks volume = VolumeStacks.of(image, "image");
		if (volume.channels() != 1) throw new IllegalArgumentException(String.format(CHANNELS, image.getTitle(), volume.channels()));
		UNet3d.Config network = Noise2Void.NETWORK;
		UNet3d.checkTile(network, tile_size);
		List<RandomAccessibleInterval<FloatType>> volumes = new ArrayList<>();
		for (int r = 0; r < volume.runs(); r++) volumes.add(volume.input(r));
		RandomAccessibleInterval<FloatType> first = volumes.get(0);
		if (Math.min(first.dimension(0), Math.min(first.dimension(1), first.dimension(2))) < MIN_EDGE)
			throw new IllegalArgumentException(String.format(TOO_SMALL, image.getTitle(), volume.describe(), MIN_EDGE));
		Path folder = model.toPath();
		ModelFolders.check("model", folder, overwrite, CtImages.inputFiles(image), List.of(VolumeModel.PARAMETERS, VolumeModel.PROPERTIES));
		VolumeTrainer.Config config = Noise2Void.TRAINING.withEpochs(epochs, steps_per_epoch).withSeed(seed).withPatch(patch_size, patch_depth, batch_size)
			.withLearningRate((float) learning_rate);
		long voxels = 0;
		for (RandomAccessibleInterval<FloatType> v : volumes) voxels += v.size();
		// the trainer cuts patches down to the volume: the estimate counts what it will use
		int xy = (int) Math.min(patch_size, Math.min(first.dimension(0), first.dimension(1))), z = (int) Math.min(patch_depth, first.dimension(2));
		VolumeTrainer.Config used = config.withPatch(xy, z, batch_size);
		MemoryGuard.check("patch_size", String.format(Locale.ROOT, "training a denoiser on %s with %d patches of %dx%dx%d per step", volume.describe(),
			batch_size, xy, xy, z), TrainingMemory.nativeBytes(network, used), TrainingMemory.heapBytes(voxels, used),
			(physical, heap) -> "use smaller patches or batch_size");

		training = new ResultsTable();
		TrainingProgress progress = new TrainingProgress("Train Denoiser", training, status, log, this::isCanceled);
		VolumeTrainer.Result result;
		try {
			result = Noise2Void.train(volumes, volume.spacing(), network, config, new Noise2Void(), progress);
		}
		catch (CancellationException e) {
			if (!isCanceled()) cancel(progress.canceledMessage());
			return;
		}
		finally {
			if (status != null) status.clearStatus();
		}
		VolumeModel trained = CtModels.describe(result.model().withTile(tile_size), volume.kind(), volume.timeAsDepth(), image.getTitle());
		try {
			Files.createDirectories(folder);
			trained.save(folder);
		}
		catch (IOException e) {
			throw new IOException("model: saving to " + folder + " failed: " + e.getMessage(), e);
		}
		summary = String.format(Locale.ROOT, "trained a denoiser on '%s' (%s) for %d epochs of %d steps in %.0f s (%.0f voxels/s); best epoch %d%s; "
			+ "saved to %s", image.getTitle(), volume.describe(), epochs, steps_per_epoch, result.seconds(), result.voxelsPerSecond(), result.bestEpoch(),
			result.validationLosses().isEmpty() ? "" : String.format(Locale.ROOT, " (validation loss %.4f)", result.validationLosses().get(result.bestEpoch() - 1)),
			folder);
	}
}
