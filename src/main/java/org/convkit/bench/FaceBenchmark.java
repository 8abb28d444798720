package org.convkit.bench;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ColorProcessor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.face.FaceEncoder;
import org.convkit.face.FaceImages;
import org.convkit.face.FacePipeline;
import org.convkit.ij.ImagePlusImgs;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * {@code convkit bench faces}: descriptors per second for batches of aligned chips, and faces per
 * second end to end (detect, landmarks, align, describe) on a stack, next to face-api.js (Node,
 * wasm) on the same inputs in the same run, as ratios; the descriptor network in PyTorch
 * ({@link FaceReference}: same network, parameters and chips, descriptors compared); and a triplet-loss
 * training step, scratch and fine-tuned, against the same step in PyTorch ({@link FaceTrainingBenchmark}).
 */
public final class FaceBenchmark implements Benchmark {

	private static final int[] BATCHES = { 1, 8, 32 };
	private static final String PHOTO = "/org/convkit/demo/faces/group-of-three.jpg";
	private static final int FRAMES = 4;

	@Override
	public String name() {
		return "faces";
	}

	@Override
	public void run(PrintStream out) throws IOException {
		ConvKitRuntime runtime = ConvKitRuntime.get();
		out.println(Benchmark.header(this, runtime));
		Optional<String> node = NodeReference.unavailable();
		Map<Integer, Double> faceApi = new HashMap<>();
		if (node.isEmpty()) {
			for (String line : NodeReference.run("descriptors.cjs", "bench", "1,8,32", "8")) {
				String[] words = line.split("[ :]+");
				if (line.startsWith("batch ")) faceApi.put(Integer.parseInt(words[1]), Double.parseDouble(words[2]));
			}
		}
		FaceEncoder encoder = new FaceEncoder(runtime);
		List<RandomAccessibleInterval<FloatType>> chips = randomChips(BATCHES[BATCHES.length - 1]);
		Map<Integer, Double> convKit = new HashMap<>();
		out.println("  descriptors of aligned 150x150 chips (FaceRecognitionNet):");
		for (int batch : BATCHES) {
			List<RandomAccessibleInterval<FloatType>> some = chips.subList(0, batch);
			double seconds = Timing.medianSeconds(1, Math.max(3, 32 / batch), () -> encoder.encode(some));
			convKit.put(batch, seconds);
			double rate = batch / seconds;
			Double reference = faceApi.get(batch);
			out.printf(Locale.ROOT, "    batch %2d: ConvKit %6.1f descriptors/s%s%n", batch, rate,
				reference == null ? "" : String.format(Locale.ROOT, "   face-api wasm %6.1f/s   ratio %.2fx", reference, rate / reference));
		}
		Optional<PythonReference> torch = PythonReference.find(runtime, out);
		if (torch.isPresent()) reference(runtime, encoder, chips, convKit, torch.get(), out);
		FaceTrainingBenchmark.run(runtime, torch, out);
		endToEnd(runtime, out, node);
		node.ifPresent(why -> out.println("  face-api.js reference: skipped, " + why));
		out.println("  peak resident memory of this process: " + ProcessMemory.peakRss());
	}

	/** The same network, parameters and chips in PyTorch: descriptors per second and how far its descriptors are from ConvKit's. */
	private static void reference(ConvKitRuntime runtime, FaceEncoder encoder, List<RandomAccessibleInterval<FloatType>> chips,
		Map<Integer, Double> convKit, PythonReference reference, PrintStream out) throws IOException
	{
		FaceReference.Result torch = FaceReference.run(reference, runtime, chips, BATCHES);
		for (int batch : BATCHES) {
			out.printf(Locale.ROOT, "    batch %2d: %s %6.1f descriptors/s (%s; %s threads)%n", batch, reference.label(), batch / torch.seconds().get(batch),
				torch.layouts().get(batch), torch.info().get("threads"));
		}
		float[][] descriptors = encoder.encode(chips);
		float[] flat = new float[descriptors.length * FaceEncoder.DESCRIPTOR_SIZE];
		for (int i = 0; i < descriptors.length; i++) System.arraycopy(descriptors[i], 0, flat, i * FaceEncoder.DESCRIPTOR_SIZE, FaceEncoder.DESCRIPTOR_SIZE);
		out.printf(Locale.ROOT, "    outputs: max |ConvKit - PyTorch| over %d descriptors = %.2g; its process's peak RSS %s MB%n", descriptors.length,
			Float32Files.maxAbsDifference(flat, torch.descriptors()), torch.info().get("peak_rss_mb"));
		for (int batch : BATCHES) out.println(Benchmark.ratio("faces descriptors batch " + batch, runtime, convKit.get(batch), torch.seconds().get(batch)));
	}

	private static void endToEnd(ConvKitRuntime runtime, PrintStream out, Optional<String> node) throws IOException {
		ImagePlus photo = photo();
		List<RandomAccessibleInterval<FloatType>> planes = new ArrayList<>();
		for (int i = 0; i < FRAMES; i++) {
			planes.addAll(FaceImages.rgbPlanes(ImagePlusImgs.wrap(photo), 0, 255));
		}
		FacePipeline pipeline = new FacePipeline(runtime);
		int[] faces = new int[1];
		double seconds = Timing.medianSeconds(1, 3, () -> faces[0] = pipeline.faces(planes, FacePipeline.Options.DEFAULT).size());
		double rate = faces[0] / seconds;
		String reference = "";
		if (node.isEmpty()) {
			Path frames = Files.createTempFile("convkit-frames", ".rgb");
			try {
				Files.write(frames, rgbBytes(photo, FRAMES));
				String[] words = NodeReference.run("pipeline_bench.cjs", frames.toAbsolutePath().toString(), "" + photo.getWidth(),
					"" + photo.getHeight(), "" + FRAMES).get(0).split(" ");
				double faceApiRate = Double.parseDouble(words[5]);
				reference = String.format(Locale.ROOT, "   face-api wasm %5.2f faces/s (%s faces)   ratio %.2fx", faceApiRate, words[1], rate / faceApiRate);
			}
			finally {
				Files.deleteIfExists(frames);
			}
		}
		out.printf(Locale.ROOT, "  end to end, %d frames of %dx%d with 3 faces (detect 416, landmarks, align, describe):%n", FRAMES,
			photo.getWidth(), photo.getHeight());
		out.printf(Locale.ROOT, "    ConvKit %5.2f faces/s (%d faces, %.2f s)%s%n", rate, faces[0], seconds, reference);
	}

	private static List<RandomAccessibleInterval<FloatType>> randomChips(int count) {
		Random random = new Random(count);
		List<RandomAccessibleInterval<FloatType>> chips = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ArrayImg<FloatType, FloatArray> chip = ArrayImgs.floats(FaceEncoder.CHIP_SIZE, FaceEncoder.CHIP_SIZE, 3);
			chip.forEach(pixel -> pixel.set(random.nextInt(256)));
			chips.add(chip);
		}
		return chips;
	}

	private static ImagePlus photo() throws IOException {
		Path file = Files.createTempFile("convkit-bench", ".jpg");
		try (InputStream in = FaceBenchmark.class.getResourceAsStream(PHOTO)) {
			if (in == null) throw new IOException(PHOTO + " is missing from the jar");
			Files.write(file, in.readAllBytes());
			ImagePlus photo = IJ.openImage(file.toString());
			if (photo == null) throw new IOException("cannot read " + PHOTO);
			return photo;
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

	/** The photo as raw R, G, B bytes, repeated {@code frames} times. */
	private static byte[] rgbBytes(ImagePlus photo, int frames) {
		ColorProcessor rgb = photo.getProcessor().convertToColorProcessor();
		int n = rgb.getPixelCount();
		byte[] bytes = new byte[n * 3 * frames];
		int[] pixels = (int[]) rgb.getPixels();
		for (int f = 0; f < frames; f++)
			for (int i = 0; i < n; i++) {
				int base = (f * n + i) * 3;
				bytes[base] = (byte) (pixels[i] >> 16);
				bytes[base + 1] = (byte) (pixels[i] >> 8);
				bytes[base + 2] = (byte) pixels[i];
			}
		return bytes;
	}
}
