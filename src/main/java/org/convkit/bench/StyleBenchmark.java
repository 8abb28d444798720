package org.convkit.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.style.Adam;
import org.convkit.style.FeatureNetworks;
import org.convkit.style.LossWeights;
import org.convkit.style.SequentialFeatures;
import org.convkit.style.StyleObjective;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * {@code convkit bench style}: seconds per style-transfer iteration (forward and backward through
 * the random feature network to the pixels, Gatys losses at the default layers, one Adam step) at
 * 256x256 and 512x512, next to the same network, weights, inputs and losses in PyTorch itself
 * (the reference {@link PythonReference} finds), whose J at the start is printed too as a check that both compute the
 * same thing. Then two iterations at 1024x1024 and the process's peak resident memory.
 */
public final class StyleBenchmark implements Benchmark {

	private static final int[] SIZES = { 256, 512 };
	private static final int LARGE = 1024;

	@Override
	public String name() {
		return "style";
	}

	@Override
	public void run(PrintStream out) throws IOException {
		ConvKitRuntime runtime = ConvKitRuntime.get();
		out.println(Benchmark.header(this, runtime));
		SequentialFeatures network = (SequentialFeatures) FeatureNetworks.get(runtime, "random", null);
		out.println("  network: " + network.description() + "; losses: default layers, alpha 1, beta 3e6; Adam step 0.05");
		Optional<PythonReference> reference = PythonReference.find(runtime, out);
		Path folder = Files.createTempDirectory("convkit-style-bench");
		try {
			Path weights = folder.resolve("weights.f32");
			Float32Files.write(weights, network.weightArrays().toArray(float[][]::new));
			for (int size : SIZES) {
				float[] content = pattern(size, 1), style = pattern(size, 2);
				double[] convKit = iterate(runtime, network, content, style, size, 5);
				out.printf(Locale.ROOT, "  %dx%d  ConvKit  %.3f s/iteration  (J at G=C %.6g)%n", size, size, convKit[0], convKit[1]);
				if (reference.isEmpty()) continue;
				Path c = folder.resolve("content.f32"), s = folder.resolve("style.f32");
				Float32Files.write(c, content);
				Float32Files.write(s, style);
				Map<String, String> f = PythonReference.line(reference.get().run("style_reference.py", weights.toString(), c.toString(), s.toString(),
					"" + size, "" + size, "5"), "median_seconds");
				double torch = Double.parseDouble(f.get("median_seconds"));
				out.printf(Locale.ROOT, "  %dx%d  %s (%s threads)  %.3f s/iteration  (%s; J at G=C %s; its process's peak RSS %s MB)%n", size, size,
					reference.get().label(), f.get("threads"), torch, PythonReference.layouts(f), f.get("j0"), f.get("peak_rss_mb"));
				out.printf(Locale.ROOT, "  %dx%d  J ratio ConvKit / PyTorch %.5f%n", size, size, convKit[1] / Double.parseDouble(f.get("j0")));
				out.println(Benchmark.ratio("style " + size + "x" + size, runtime, convKit[0], torch));
			}
			double[] large = iterate(runtime, network, pattern(LARGE, 1), pattern(LARGE, 2), LARGE, 2);
			out.printf(Locale.ROOT, "  %dx%d  ConvKit  %.3f s/iteration; peak resident memory of this process %s%n", LARGE, LARGE, large[0], ProcessMemory.peakRss());
		}
		finally {
			TempFolders.delete(folder);
		}
	}

	/** Median seconds per iteration after one warm-up, and J at the start (G = C). */
	private static double[] iterate(ConvKitRuntime runtime, SequentialFeatures network, float[] content, float[] style, int size, int runs) {
		try (NDManager manager = runtime.newManager()) {
			Shape shape = new Shape(1, 3, size, size);
			NDArray c = manager.create(content, shape), s = manager.create(style, shape);
			try (StyleObjective objective = new StyleObjective(network, LossWeights.defaults(), c, s, manager); Adam adam = new Adam(c, 0.05)) {
				double j0 = adam.step(objective).total();
				double seconds = Timing.medianSeconds(0, runs, () -> adam.step(objective));
				return new double[] { seconds, j0 };
			}
		}
	}

	/** A smooth random RGB pattern, (3, size, size), 0..1. */
	private static float[] pattern(int size, long seed) {
		Random random = new Random(seed);
		double[][] f = new double[3][4];
		for (double[] row : f) for (int k = 0; k < 4; k++) row[k] = random.nextDouble() * 0.2;
		float[] v = new float[3 * size * size];
		for (int c = 0; c < 3; c++)
			for (int y = 0; y < size; y++)
				for (int x = 0; x < size; x++)
					v[(c * size + y) * size + x] = (float) (0.5 + 0.25 * Math.sin(x * f[c][0] + y * f[c][1]) + 0.2 * Math.cos(x * f[c][2] - y * f[c][3]) + 0.05 * random.nextGaussian());
		return v;
	}
}
