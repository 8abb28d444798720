package org.convkit.commands.style;

import ij.ImagePlus;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.commands.ConvKitCommand;
import org.convkit.core.runtime.ConvKitService;
import org.convkit.style.FeatureNetwork;
import org.convkit.style.FeatureNetworks;
import org.convkit.style.Losses;
import org.convkit.style.LossWeights;
import org.convkit.style.StyleOptions;
import org.convkit.style.StyleTransfer;
import org.convkit.ij.ImagePlusImgs;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.stream.IntStream;

/**
 * Plugins &gt; ConvKit &gt; Style &gt; Style Transfer: the content image (or every frame of a content
 * stack, each frame starting from the previous result) painted in the style of the style image.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Style>Style Transfer")
public class StyleTransferCommand extends ConvKitCommand {

	static final String CANCELED = "canceled at frame %d, iteration %d";

	@Parameter
	private ConvKitService convKit;

	@Parameter(required = false)
	private StatusService status;

	@Parameter(description = "The photo (or movie stack) to restyle")
	private ImagePlus content;

	@Parameter(description = "The painting whose style is transferred")
	private ImagePlus style;

	@Parameter(choices = { "auto", "vgg19", "random", "file" }, description = "Feature network: vgg19 (ImageNet, DJL model zoo), random (no download), file (VGG-19 weights file), auto (vgg19 when available without a download, else random)")
	private String network = "auto";

	@Parameter(required = false, description = "VGG-19 weights file for network=file (MXNet .params)")
	private File weights;

	@Parameter(min = "1", max = "10000", description = "Gradient steps per frame")
	private int iterations = 100;

	@Parameter(choices = { "adam", "lbfgs" }, description = "adam: fixed-rate steps; lbfgs: quasi-Newton with a line search")
	private String optimizer = "adam";

	@Parameter(min = "0.0001", max = "1", description = "Adam's step, or L-BFGS's first step, in pixel units (0..1)")
	private double learning_rate = 0.05;

	@Parameter(choices = { "content", "noise", "content_noise" }, description = "Start from the content, from noise, or from a mix")
	private String init = "content";

	@Parameter(min = "0", max = "1", description = "Noise share for init=content_noise")
	private double noise_ratio = 0.6;

	@Parameter(min = "0", description = "Weight of the content term")
	private double alpha = LossWeights.DEFAULT_ALPHA;

	@Parameter(min = "0", description = "Weight of the style term")
	private double beta = LossWeights.DEFAULT_BETA;

	@Parameter(description = "Layer of the content term")
	private String content_layer = LossWeights.DEFAULT_CONTENT_LAYER;

	@Parameter(description = "Comma-separated style layers")
	private String style_layers = LossWeights.DEFAULT_STYLE_LAYERS;

	@Parameter(description = "Comma-separated weights of the style layers")
	private String lambdas = LossWeights.DEFAULT_LAMBDAS;

	@Parameter(min = "0", description = "Weight of the total-variation term (smoothness)")
	private double tv_weight = 0;

	@Parameter(min = "0", max = "4096", description = "Longest edge of the result in pixels; 0 keeps the content's size")
	private int size = 512;

	@Parameter(description = "Keep the content's colours: transfer the style in luminance only")
	private boolean preserve_color = false;

	@Parameter(description = "Add the intermediate results as a stack, with the loss terms in the log")
	private boolean show_progress = false;

	@Parameter(min = "1", max = "10000", description = "With show_progress: every this many iterations")
	private int progress_every = 10;

	@Parameter(type = ItemIO.OUTPUT)
	private ImagePlus output;

	@Parameter(type = ItemIO.OUTPUT)
	private ImagePlus progress;

	@Parameter(type = ItemIO.OUTPUT)
	private String log;

	@Override
	protected void execute() throws IOException {
		List<ArrayImg<FloatType, FloatArray>> frames = StyleImages.planes(content, "content");
		if (style != null && style.getStackSize() > 1)
			throw new IllegalArgumentException("style: expected a single image, got a stack of " + style.getStackSize());
		ArrayImg<FloatType, FloatArray> styleImage = StyleImages.planes(style, "style").get(0);
		LossWeights lossWeights = LossWeights.parse(alpha, beta, content_layer, style_layers, lambdas, tv_weight);
		StyleOptions options = new StyleOptions(lossWeights, iterations,
			StyleOptions.parse(StyleOptions.Optimizer.class, "optimizer", optimizer, StyleOptions.OPTIMIZERS), learning_rate,
			StyleOptions.parse(StyleOptions.Init.class, "init", init, StyleOptions.INITS), noise_ratio, 1, size, preserve_color,
			show_progress ? progress_every : 0);
		FeatureNetwork features = FeatureNetworks.get(convKit.runtime(), network, weights);
		StringBuilder text = new StringBuilder("Style Transfer: network " + features.description() + "\n");
		int total = frames.size() * iterations;
		int[] at = { 0, 0 };
		StyleTransfer.Result result;
		try {
			result = new StyleTransfer(convKit.runtime(), features).run(frames, styleImage, options, (frame, iteration, n, losses) -> {
				at[0] = frame + 1;
				at[1] = iteration;
				if (isCanceled() || Thread.currentThread().isInterrupted()) throw new CancellationException();
				if (status != null) status.showProgress(frame * n + iteration, total);
				// losses are J before this step, after iteration - 1 steps: logged at 0, every, 2 x every, ... as the snapshots are
				if (show_progress && (iteration - 1) % progress_every == 0) text.append(line(frame, iteration - 1, losses));
			});
		}
		catch (CancellationException e) {
			if (!isCanceled()) cancel(String.format(Locale.ROOT, CANCELED, at[0], at[1]));
			return;
		}
		for (int f = 0; f < frames.size(); f++) {
			List<Losses> history = result.history().get(f);
			text.append(line(f, iterations, history.get(history.size() - 1)));
		}
		log = text.toString();
		List<String> labels = frames.size() == 1 ? null : IntStream.rangeClosed(1, frames.size()).mapToObj(f -> "frame " + f).toList();
		output = StyleImages.toImagePlus(result.frames(), labels, ImagePlusImgs.baseTitle(content) + "-styled");
		output.setProperty("Info", log);
		if (show_progress && !result.snapshots().isEmpty()) {
			progress = StyleImages.toImagePlus(result.snapshots().stream().map(StyleTransfer.Snapshot::image).toList(),
				result.snapshots().stream().map(s -> String.format(Locale.ROOT, "frame %d, iteration %d: %s", s.frame() + 1, s.iteration(), s.losses())).toList(),
				ImagePlusImgs.baseTitle(content) + "-progress");
		}
	}

	private static String line(int frame, int iteration, Losses losses) {
		return String.format(Locale.ROOT, "frame %d iteration %d: %s%n", frame + 1, iteration, losses);
	}
}
