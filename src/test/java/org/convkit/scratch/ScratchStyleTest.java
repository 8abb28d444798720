package org.convkit.scratch;

import ij.IJ;
import ij.ImagePlus;
import org.convkit.commands.style.StyleImages;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.style.*;
import org.junit.jupiter.api.Test;
import java.util.List;

class ScratchStyleTest {
	@Test
	void run() throws Exception {
		ConvKitRuntime rt = ConvKitRuntime.get();
		FeatureNetwork net = FeatureNetworks.get(rt, "random", null);
		var content = StyleImages.planes(IJ.openImage("../shared/data/style/photos/chelsea.png"), "c");
		var style = StyleImages.planes(IJ.openImage("../shared/data/style/paintings/starry_night.jpg"), "s").get(0);
		int size = Integer.parseInt(System.getenv().getOrDefault("SIZE","256")), it = Integer.parseInt(System.getenv().getOrDefault("IT","40"));
		double beta = Double.parseDouble(System.getenv().getOrDefault("BETA","1e4"));
		String opt = System.getenv().getOrDefault("OPT","adam");
		StyleOptions o = StyleOptions.defaults().withIterations(it).withSize(size)
			.withWeights(LossWeights.parse(1, beta, "conv4_2", LossWeights.DEFAULT_STYLE_LAYERS, System.getenv().getOrDefault("LAMBDAS", LossWeights.DEFAULT_LAMBDAS), Double.parseDouble(System.getenv().getOrDefault("TV","0"))))
			.withOptimizer(StyleOptions.parse(StyleOptions.Optimizer.class, "o", opt, StyleOptions.OPTIMIZERS), Double.parseDouble(System.getenv().getOrDefault("LR","0.02")));
		long[] t = {System.nanoTime()};
		var r = new StyleTransfer(rt, net).run(content, style, o, (f, i, n, l) -> {
			if (i % 10 == 0 || i <= 2) { System.out.println(i + " " + l + " " + (System.nanoTime() - t[0]) / 1e9 / i + " s/it"); }
		});
		System.out.println("end " + r.history().get(0).get(it));
		org.convkit.ij.io.ImageFiles.savePng(new ImagePlus("x", StyleImages.toProcessor(r.frames().get(0))), java.nio.file.Path.of("/tmp/style_" + opt + "_" + size + "_" + beta + "_" + System.getenv("LR") + System.getenv().getOrDefault("TAG","") + ".png"));
	}
}
