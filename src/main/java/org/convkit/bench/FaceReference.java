package org.convkit.bench;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.face.FaceEncoder;
import org.convkit.face.net.FaceRecognitionNet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The face recognition network in PyTorch (face_reference.py): the same ResNet with the parameters
 * ConvKit's runtime computes with (face-api's weights, scale layers folded in), on the same chips.
 * Returns its median seconds per batch size and the chips' descriptors, to be compared with
 * {@link FaceEncoder#encode}.
 */
final class FaceReference {

	/** Median seconds of one call per batch size (the faster layout) and the layouts' times; descriptors of all chips (n x 128, row-major). */
	record Result(Map<Integer, Double> seconds, Map<Integer, String> layouts, float[] descriptors, Map<String, String> info) {}

	private FaceReference() {}

	/** @param chips [150, 150, 3] (x, y, RGB) 0..255; each batch size at most their number */
	static Result run(PythonReference reference, ConvKitRuntime runtime, List<? extends RandomAccessibleInterval<? extends RealType<?>>> chips,
		int... batches) throws IOException
	{
		Path folder = Files.createTempDirectory("convkit-face-reference");
		try {
			ParameterFile.write(runtime.model(FaceRecognitionNet.INSTANCE).getBlock(), folder);
			Path input = folder.resolve("chips.f32"), out = folder.resolve("descriptors.f32");
			Float32Files.write(input, nchw(chips));
			String sizes = IntStream.of(batches).mapToObj(Integer::toString).collect(Collectors.joining(","));
			List<String> lines = reference.run("face_reference.py", folder.toString(), input.toString(), "" + chips.size(), sizes, out.toString());
			Map<Integer, Double> seconds = new HashMap<>();
			Map<Integer, String> layouts = new HashMap<>();
			for (int b : batches) {
				Map<String, String> fields = PythonReference.line(lines, "batch " + b);
				seconds.put(b, Double.parseDouble(fields.get("seconds")));
				layouts.put(b, PythonReference.layouts(fields));
			}
			return new Result(seconds, layouts, Float32Files.read(out), PythonReference.line(lines, "threads"));
		}
		finally {
			TempFolders.delete(folder);
		}
	}

	/** The chips as the network's (n, 3, 150, 150): a [x, y, c] image's flat order is already (c, y, x). */
	private static float[] nchw(List<? extends RandomAccessibleInterval<? extends RealType<?>>> chips) {
		int size = FaceEncoder.CHIP_SIZE * FaceEncoder.CHIP_SIZE * 3;
		float[] values = new float[chips.size() * size];
		for (int i = 0; i < chips.size(); i++) {
			int at = i * size;
			for (RealType<?> v : Views.flatIterable(chips.get(i))) values[at++] = v.getRealFloat();
		}
		return values;
	}
}
