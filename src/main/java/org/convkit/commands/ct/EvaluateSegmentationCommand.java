package org.convkit.commands.ct;

import ij.ImagePlus;
import ij.measure.ResultsTable;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import org.convkit.commands.ConvKitCommand;
import org.convkit.ct.SliceRanges;
import org.convkit.ct.Volume;
import org.convkit.ct.segment.LabelClasses;
import org.convkit.ct.segment.SegmentationMetrics;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins &gt; ConvKit &gt; CT &gt; Evaluate Segmentation: a label volume against a reference of the
 * same grid, per label: Dice, 95th-percentile Hausdorff distance in mm, the volumes and their
 * difference in mL (see {@link SegmentationMetrics}), over the whole volume or some slices (the part held apart from training).
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>CT>Evaluate Segmentation")
public class EvaluateSegmentationCommand extends ConvKitCommand {

	@Parameter(description = "The segmentation to score (label values, e.g. from Segment Volume)")
	private ImagePlus segmentation;

	@Parameter(description = "The reference label volume: the same size and geometry")
	private ImagePlus reference;

	@Parameter(required = false, description = "Label values to score, comma-separated; empty: every non-zero value of the reference")
	private String label_values = "";

	@Parameter(required = false, description = "Score only these slices, numbered as in Fiji (e.g. 21-30: the part held apart from training); empty: every slice")
	private String slices = "";

	@Parameter(type = ItemIO.OUTPUT, label = "Scores")
	private ResultsTable scores;

	@Parameter(type = ItemIO.OUTPUT, label = "Summary")
	private String summary;

	@Override
	protected void execute() throws IOException {
		Volume predicted = CtImages.toVolume(segmentation, "segmentation");
		Volume truth = CtImages.toVolume(reference, "reference");
		SegmentationImages.checkSameGrid(segmentation, predicted, reference, truth, "reference");
		SliceRanges scored = SliceRanges.parse(slices, "slices", truth.depth(), "'" + reference.getTitle() + "'");
		LabelClasses classes = LabelClasses.of(SliceRanges.slabs(scored, truth.voxels()), LabelClasses.parse(label_values),
			SliceRanges.name("'" + reference.getTitle() + "'", scored));
		List<SegmentationMetrics.Label> result = SegmentationMetrics.compare(predicted.voxels(), truth.voxels(), truth.geometry().spacing(), classes.values(),
			scored);
		scores = new ResultsTable();
		StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "'%s' against '%s'%s:", segmentation.getTitle(), reference.getTitle(),
			scored == null ? "" : " on " + scored));
		for (SegmentationMetrics.Label l : result) {
			scores.incrementCounter();
			scores.addValue("label", l.value());
			scores.addValue("dice", l.dice());
			scores.addValue("hd95_mm", l.hd95());
			scores.addValue("volume_mL", l.predictedMl());
			scores.addValue("reference_mL", l.referenceMl());
			scores.addValue("volume_difference_mL", l.volumeDifferenceMl());
			text.append(String.format(Locale.ROOT, "%nlabel %d: Dice %.3f, HD95 %.1f mm, %.2f mL (reference %.2f mL)", l.value(), l.dice(), l.hd95(),
				l.predictedMl(), l.referenceMl()));
		}
		summary = text.toString();
	}
}
