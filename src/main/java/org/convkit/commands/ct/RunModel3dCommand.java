package org.convkit.commands.ct;

import ai.djl.engine.EngineException;
import ij.ImagePlus;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.convkit.commands.ConvKitCommand;
import org.convkit.core.runtime.ConvKitService;
import org.convkit.ct.ValueKind;
import org.convkit.ct.net.ClassMaps;
import org.convkit.ct.net.Intensity;
import org.convkit.ct.net.ModelFile;
import org.convkit.ct.net.TiledVolumeInference;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;
import org.convkit.ij.ImagePlusImgs;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Plugins &gt; ConvKit &gt; CT &gt; Run 3D Model: applies a 3-D network to a volume, a 2-D + time stack
 * (time as the third axis) or a multi-channel volume, tile by tile: a ConvKit model folder (Train
 * Denoiser, ConvKit's CT training), a TorchScript file under the PyTorch engine or an MXNet
 * symbol/params pair under the MXNet engine. The result keeps the input's calibration and geometry:
 * the network's values, a probability map (softmax over its output channels, sigmoid for one) or a
 * label image (the most probable class).
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>CT>Run 3D Model")
public class RunModel3dCommand extends ConvKitCommand {

	static final String NO_MODEL = "model: expected a ConvKit model folder, a TorchScript file (.pt) or an MXNet NAME-symbol.json";
	static final String NOT_FOUND = "model: %s not found";
	static final String NOT_HU = "normalisation: hu_window expects CT values in HU, but '%s' holds %s; choose z_score or none";
	static final String BAD_WINDOW = "window_low: expected less than window_high, got %s and %s";
	static final String SMALL_OVERLAP = "overlap: %d voxels per side is less than the receptive field of %s needs (%d per side); "
		+ "tiles would not match whole-volume inference: use at least %d, or -1 for the model's own";
	static final String VALUES_ONLY = "output: %s is a denoising model, its output is a volume in the input's units: choose values (or auto)";
	static final String FAILED = "model: %s failed on tiles of %dx%dx%d with %d channel(s) (%s); check the number of input channels it expects and "
		+ "the tile sizes it accepts (tile_size)";
	static final String CANCELED = "canceled after %d of %d frames";
	static final String HU_WINDOW = "hu_window", Z_SCORE = "z_score", NONE = "none", AUTO = "auto";
	static final String PROBABILITIES = "probabilities", LABELS = "labels", VALUES = "values";
	/** Tile and overlap of model files, whose receptive field ConvKit does not know. */
	static final int FILE_TILE = 64, FILE_OVERLAP = 16;

	@Parameter
	private ConvKitService convKit;

	@Parameter(description = "The volume, 2-D + time stack or multi-channel volume")
	private ImagePlus image;

	@Parameter(style = FileWidget.OPEN_STYLE, description = "A ConvKit model folder, a TorchScript file (.pt; PyTorch engine) or an MXNet "
		+ "NAME-symbol.json / NAME-0000.params pair (MXNet engine)")
	private File model;

	@Parameter(choices = { AUTO, HU_WINDOW, Z_SCORE, NONE }, description = "Intensity normalisation of the input: auto (a ConvKit model's own, none for "
		+ "model files), hu_window (window_low..window_high HU to 0..1), z_score (the volume's mean and std), none")
	private String normalisation = AUTO;

	@Parameter(description = "hu_window: lowest HU (mapped to 0)")
	private double window_low = -1000;

	@Parameter(description = "hu_window: highest HU (mapped to 1)")
	private double window_high = 1000;

	@Parameter(choices = { AUTO, PROBABILITIES, LABELS, VALUES }, description = "auto (values for a denoising model, else probabilities), "
		+ "probabilities (softmax over the output channels, sigmoid for one), labels (most probable class; for one channel, 1 above 0.5), "
		+ "values (the network's output as it is)")
	private String output = AUTO;

	@Parameter(min = "0", max = "1024", description = "Tile edge in voxels, overlap included; 0: the model's default (64 for model files)")
	private int tile_size = 0;

	@Parameter(min = "-1", max = "512", description = "Context per side of each tile in voxels; -1: a ConvKit model's receptive field (16 for model files)")
	private int overlap = -1;

	@Parameter(min = "1", max = "64", description = "Tiles per network call")
	private int batch_size = 1;

	@Parameter
	private StatusService status;

	@Parameter(type = ItemIO.OUTPUT, label = "Result")
	private ImagePlus result;

	@Parameter(type = ItemIO.OUTPUT, label = "Info")
	private String info;

	@Override
	protected void execute() throws IOException {
		VolumeStacks volume = VolumeStacks.of(image, "image");
		if (model == null || model.getPath().isBlank()) throw new IllegalArgumentException(NO_MODEL);
		Path path = model.toPath();
		if (!Files.exists(path)) throw new IllegalArgumentException(String.format(NOT_FOUND, path));
		Intensity intensity = intensity(volume);
		boolean convkitModel = Files.isDirectory(path);
		List<ArrayImg<FloatType, FloatArray>> scores = new ArrayList<>();
		String what, out = output;
		long tile, halo;
		boolean denoiser;
		if (convkitModel) {
			VolumeModel m = CtModels.open(path);
			m.check(path.toString(), m.task(), volume.channels());
			CtModels.checkValues(m, path, volume);
			denoiser = m.task() == VolumeModel.Task.DENOISE;
			if (denoiser && (out.equals(PROBABILITIES) || out.equals(LABELS))) throw new IllegalArgumentException(String.format(VALUES_ONLY, path));
			tile = tile_size == 0 ? m.tile() : tile_size;
			UNet3d.checkTile(m.config(), tile);
			halo = m.overlap();
			if (overlap >= 0 && overlap < halo)
				throw new IllegalArgumentException(String.format(Locale.ROOT, SMALL_OVERLAP, overlap, path, halo, halo));
			if (intensity != null) m = m.withIntensity(intensity).withTile(tile);
			what = m.toString();
			for (int r = 0; r < volume.runs(); r++) {
				if (stop(r, volume.runs())) return;
				ArrayImg<FloatType, FloatArray> o = m.apply(volume.input(r), tile, batch_size);
				scores.add(o.numDimensions() == 3 ? ArrayImgs.floats(o.update(null).getCurrentStorageArray(), o.dimension(0), o.dimension(1), o.dimension(2), 1) : o);
			}
		}
		else {
			ModelFile file = ModelFile.of(path);
			file.checkEngine(convKit.runtime().engine().getEngineName());
			denoiser = false;
			tile = tile_size == 0 ? FILE_TILE : tile_size;
			halo = overlap < 0 ? FILE_OVERLAP : overlap;
			what = file.toString();
			for (int r = 0; r < volume.runs(); r++) {
				if (stop(r, volume.runs())) return;
				try {
					scores.add(TiledVolumeInference.apply(file.spec(), volume.input(r), intensity == null ? Intensity.NONE : intensity, tile, halo, batch_size));
				}
				catch (EngineException e) {
					throw new IllegalArgumentException(String.format(Locale.ROOT, FAILED, path, tile, tile, tile, volume.channels(), firstLine(e)), e);
				}
			}
		}
		if (status != null) status.clearStatus();
		if (out.equals(AUTO)) out = denoiser ? VALUES : PROBABILITIES;
		List<RandomAccessibleInterval<FloatType>> maps = new ArrayList<>();
		for (ArrayImg<FloatType, FloatArray> s : scores) {
			maps.add(switch (out) {
				case PROBABILITIES -> ClassMaps.probabilities(s);
				case LABELS -> ClassMaps.labels(s);
				default -> s;
			});
		}
		ValueKind kind = out.equals(LABELS) ? ValueKind.LABELS : denoiser ? volume.kind() : ValueKind.INTENSITY;
		result = volume.result(maps, ImagePlusImgs.baseTitle(image) + "-" + out, kind, denoiser ? CtImages.window(CtImages.AUTO, kind) : null);
		if (out.equals(PROBABILITIES)) result.setDisplayRange(0, 1);
		info = String.format(Locale.ROOT, "%s of '%s' (%s) by %s; normalisation %s; tile %d, overlap %d, %d output channel(s)", out, image.getTitle(),
			volume.describe(), what, intensity == null ? (convkitModel ? "the model's" : "none") : intensity, tile, halo,
			scores.get(0).dimension(3));
		result.setProperty("Info", info);
	}

	/** The normalisation asked for, or null for auto (a ConvKit model's own; none for files). */
	private Intensity intensity(VolumeStacks volume) {
		return switch (normalisation == null ? AUTO : normalisation) {
			case HU_WINDOW -> {
				if (volume.kind() != ValueKind.HOUNSFIELD) {
					throw new IllegalArgumentException(String.format(NOT_HU, image.getTitle(),
						volume.kind() == ValueKind.LABELS ? "labels" : "intensities without a HU calibration"));
				}
				if (!(window_low < window_high)) throw new IllegalArgumentException(String.format(Locale.ROOT, BAD_WINDOW, window_low, window_high));
				yield Intensity.window(window_low, window_high);
			}
			case Z_SCORE -> Intensity.zscore(volume.input(0));
			case NONE -> Intensity.NONE;
			default -> null;
		};
	}

	/** Between frames: cancels (with where it stopped) when asked to, else shows progress. */
	private boolean stop(int run, int runs) {
		if (isCanceled() || Thread.currentThread().isInterrupted()) {
			if (!isCanceled()) cancel(String.format(Locale.ROOT, CANCELED, run, runs));
			return true;
		}
		if (status != null) status.showStatus(run, runs, "Run 3D Model: frame " + (run + 1) + " of " + runs);
		return false;
	}

	private static String firstLine(Exception e) {
		String m = e.getMessage() == null ? e.toString() : e.getMessage();
		int nl = m.indexOf('\n');
		return nl < 0 ? m : m.substring(0, nl);
	}
}
