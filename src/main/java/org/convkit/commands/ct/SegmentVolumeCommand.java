package org.convkit.commands.ct;

import ij.ImagePlus;
import ij.measure.ResultsTable;

import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

import org.convkit.commands.ConvKitCommand;
import org.convkit.ct.Volume;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;
import org.convkit.ct.segment.LabelStatistics;
import org.convkit.ct.segment.Segmenter;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

/**
 * Plugins &gt; ConvKit &gt; CT &gt; Segment Volume: a label volume from a model of Train Segmenter,
 * on the input's grid (calibration and geometry kept; resampled through the model's working spacing
 * when they differ), tiled so the network's memory is bounded by the tile, and a table per label:
 * voxel count, volume in mL from the voxel size, bounding box. Optionally the class probabilities.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>CT>Segment Volume")
public class SegmentVolumeCommand extends ConvKitCommand {

	static final String NO_MODEL = "model: expected the folder of a model saved by Train Segmenter";

	@Parameter(description = "The CT volume to segment (one channel)")
	private ImagePlus image;

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "Folder of a model saved by Train Segmenter")
	private File model;

	@Parameter(min = "0", max = "1024", description = "Tile edge in voxels, overlap included (0: the model's default); smaller tiles use less memory")
	private int tile_size = 0;

	@Parameter(description = "Also output the class probabilities (one channel per class, background first)")
	private boolean probabilities = false;

	@Parameter(type = ItemIO.OUTPUT, label = "Segmentation")
	private ImagePlus segmentation;

	@Parameter(type = ItemIO.OUTPUT, label = "Probabilities")
	private ImagePlus probability_map;

	@Parameter(type = ItemIO.OUTPUT, label = "Volumes")
	private ResultsTable volumes;

	@Parameter(type = ItemIO.OUTPUT, label = "Summary")
	private String summary;

	@Override
	protected void execute() throws IOException {
		if (model == null || model.getPath().isBlank()) throw new IllegalArgumentException(NO_MODEL);
		Volume volume = CtImages.toVolume(image, "image");
		if (volume.frames() > 1) throw new IllegalArgumentException("image: '" + image.getTitle() + "' has " + volume.frames() + " frames; expected one volume");
		VolumeModel m = VolumeModel.open(model.toPath(), VolumeModel.Task.SEGMENT, 1);
		long tile = tile_size == 0 ? m.tile() : tile_size;
		UNet3d.checkTile(m.config(), tile, tile, tile);
		double[] spacing = volume.geometry().spacing();
		Segmenter.Segmentation s = Segmenter.segment(volume.voxels(), spacing, m, tile, 1, probabilities, model.toString());
		int[] values = s.classes().values();
		segmentation = SegmentationImages.labelImage(s.labels(), volume, image.getTitle() + "-labels", Arrays.stream(values).max().orElse(1));
		if (s.probabilities() != null) probability_map = SegmentationImages.probabilityImage(s.probabilities(), volume, s.classes(), image.getTitle() + "-probabilities");
		volumes = table(LabelStatistics.of(s.labels(), spacing, values));
		StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "segmented '%s' (%s, %s mm voxels) with %s (trained at %s mm)", image.getTitle(),
			volume.dimensionsText(), TrainSegmenterCommand.spacingText(spacing), model, TrainSegmenterCommand.spacingText(m.spacing())));
		for (LabelStatistics.Label l : LabelStatistics.of(s.labels(), spacing, values))
			text.append(String.format(Locale.ROOT, "\nlabel %d: %d voxels, %.2f mL", l.value(), l.voxels(), l.millilitres()));
		summary = text.toString();
	}

	/** One row per label: value, voxels, mL, bounding box (voxel indices, inclusive; empty for an absent label). */
	static ResultsTable table(java.util.List<LabelStatistics.Label> labels) {
		ResultsTable t = new ResultsTable();
		for (LabelStatistics.Label l : labels) {
			t.incrementCounter();
			t.addValue("label", l.value());
			t.addValue("voxels", l.voxels());
			t.addValue("volume_mL", l.millilitres());
			String[] axes = {"x", "y", "z"};
			for (int d = 0; d < 3; d++) t.addValue("min_" + axes[d], l.min() == null ? Double.NaN : l.min()[d]);
			for (int d = 0; d < 3; d++) t.addValue("max_" + axes[d], l.max() == null ? Double.NaN : l.max()[d]);
		}
		return t;
	}
}
