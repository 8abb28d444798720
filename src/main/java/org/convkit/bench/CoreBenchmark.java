package org.convkit.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.core.tensor.Tensors;
import org.convkit.filter.ConvolutionFilter;
import org.convkit.filter.ConvolutionFilterModel;
import org.convkit.filter.FilterKind;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * {@code convkit bench core}: what the shared runtime costs around a network. Copies between
 * ImgLib2 and NDArrays, the fixed cost of one inference call, and a single-channel Conv3d over a
 * volume, whole and tiled, next to the same kernel on the same volume in PyTorch (the reference
 * {@link PythonReference} finds), outputs compared.
 */
public final class CoreBenchmark implements Benchmark {

	private static final int DEPTH = 64, HEIGHT = 128, WIDTH = 128;
	private static final double SIGMA = 1.0; // radius 3: a 7x7x7 kernel

	@Override
	public String name() {
		return "core";
	}

	@Override
	public void run(PrintStream out) throws IOException {
		ConvKitRuntime runtime = ConvKitRuntime.get();
		out.println(Benchmark.header(this, runtime));
		copies(runtime, out);
		callOverhead(runtime, out);
		convolution(runtime, out);
		out.println("  peak resident memory of this process: " + ProcessMemory.peakRss());
	}

	private static void copies(ConvKitRuntime runtime, PrintStream out) {
		PlanarImg<UnsignedShortType, ?> volume = PlanarImgs.unsignedShorts(WIDTH * 2, HEIGHT * 2, DEPTH);
		Random random = new Random(1);
		volume.forEach(pixel -> pixel.set(random.nextInt(4096)));
		double megabytes = volume.size() * 4 / 1e6;
		try (NDManager manager = runtime.newManager()) {
			double in = Timing.medianSeconds(2, 7, () -> Tensors.toNDArray(volume, manager).close());
			NDArray array = Tensors.toNDArray(volume, manager);
			double back = Timing.medianSeconds(2, 7, () -> Tensors.toImg(array));
			out.printf(Locale.ROOT, "  copy 16-bit ImgLib2 %dx%dx%d -> float NDArray: %7.0f MB/s (%.1f ms)%n",
				WIDTH * 2, HEIGHT * 2, DEPTH, megabytes / in, in * 1e3);
			out.printf(Locale.ROOT, "  copy float NDArray -> ImgLib2 ArrayImg:          %7.0f MB/s (%.1f ms)%n", megabytes / back, back * 1e3);
		}
	}

	private static void callOverhead(ConvKitRuntime runtime, PrintStream out) throws IOException {
		ConvolutionFilterModel small = new ConvolutionFilterModel(FilterKind.GAUSSIAN, 0.5, 2);
		float[] pixels = new float[16 * 16];
		double seconds = Timing.medianSeconds(200, 1000, () -> runtime.infer(small, session ->
			session.forward(session.manager().create(pixels, new Shape(1, 1, 16, 16))).toFloatArray()));
		out.printf(Locale.ROOT, "  one inference call (16x16 Conv2d 3x3, session + copy in/out): %.0f us%n", seconds * 1e6);
	}

	private static void convolution(ConvKitRuntime runtime, PrintStream out) throws IOException {
		ConvolutionFilterModel model = new ConvolutionFilterModel(FilterKind.GAUSSIAN, SIGMA, 3);
		int kernel = 2 * model.radius() + 1;
		PlanarImg<FloatType, FloatArray> volume = PlanarImgs.floats(WIDTH, HEIGHT, 1, DEPTH, 1);
		Random random = new Random(2);
		volume.forEach(pixel -> pixel.set(random.nextFloat()));
		double voxels = (double) WIDTH * HEIGHT * DEPTH;
		double flops = 2.0 * kernel * kernel * kernel * voxels;
		out.printf(Locale.ROOT, "  Conv3d %dx%dx%d kernel on %dx%dx%d, 1 channel (%.1f GFLOP a pass):%n",
			kernel, kernel, kernel, WIDTH, HEIGHT, DEPTH, flops / 1e9);
		double whole = 0;
		PlanarImg<FloatType, FloatArray> result = null;
		for (int tile : List.of(WIDTH + 2 * model.radius(), 64, 32)) {
			ConvolutionFilter filter = new ConvolutionFilter(runtime, model, tile);
			double seconds = Timing.medianSeconds(1, 3, () -> filter.apply(volume));
			if (whole == 0) {
				whole = seconds;
				result = filter.apply(volume);
			}
			String label = tile > WIDTH ? "ConvKit, whole volume" : "ConvKit, tiles " + tile + "^3";
			out.printf(Locale.ROOT, "    %-26s %6.3f s  %6.2f Mvoxel/s  %5.1f GFLOP/s%n", label, seconds, voxels / seconds / 1e6, flops / seconds / 1e9);
		}
		Optional<PythonReference> reference = PythonReference.find(runtime, out);
		if (reference.isPresent()) reference(runtime, model, volume, result, whole, reference.get(), out);
	}

	/** The same kernel on the same volume in PyTorch (mirrored borders, as ConvKit's tiling): time and output compared. */
	private static void reference(ConvKitRuntime runtime, ConvolutionFilterModel model, PlanarImg<FloatType, FloatArray> volume,
		PlanarImg<FloatType, FloatArray> result, double whole, PythonReference reference, PrintStream out) throws IOException
	{
		int kernel = 2 * model.radius() + 1;
		double voxels = (double) WIDTH * HEIGHT * DEPTH, flops = 2.0 * kernel * kernel * kernel * voxels;
		Path folder = Files.createTempDirectory("convkit-conv3d-reference");
		try {
			ParameterFile.write(runtime.model(model).getBlock(), folder);
			Path in = folder.resolve("volume.f32"), filtered = folder.resolve("filtered.f32");
			Float32Files.write(in, floats(volume));
			Map<String, String> torch = PythonReference.line(reference.run("conv3d_reference.py", folder.toString(), in.toString(), "" + DEPTH, "" + HEIGHT,
				"" + WIDTH, "3", filtered.toString()), "median_seconds");
			double seconds = Double.parseDouble(torch.get("median_seconds"));
			out.printf(Locale.ROOT, "    %-26s %6.3f s  %6.2f Mvoxel/s  %5.1f GFLOP/s (mirror padding + Conv3d; peak RSS %s MB)%n",
				reference.label() + " (" + torch.get("threads") + " threads)", seconds, voxels / seconds / 1e6, flops / seconds / 1e9, torch.get("peak_rss_mb"));
			float[] convKit = floats(result), torchOut = Float32Files.read(filtered);
			out.printf(Locale.ROOT, "    outputs: max |ConvKit - PyTorch| over the volume = %.2g (values up to %.3g)%n",
				Float32Files.maxAbsDifference(convKit, torchOut), Float32Files.maxAbsDifference(convKit, new float[convKit.length]));
			out.println(Benchmark.ratio("conv3d " + kernel + "^3 " + WIDTH + "x" + HEIGHT + "x" + DEPTH + " whole", runtime, whole, seconds));
		}
		finally {
			TempFolders.delete(folder);
		}
	}

	/** The values in flat order (x fastest), which for a volume [x, y, 1, z, 1] is (z, y, x). */
	private static float[] floats(PlanarImg<FloatType, FloatArray> image) {
		float[] values = new float[(int) image.size()];
		int i = 0;
		for (FloatType v : Views.flatIterable(image)) values[i++] = v.get();
		return values;
	}
}
