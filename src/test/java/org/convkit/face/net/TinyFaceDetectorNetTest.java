package org.convkit.face.net;

import com.google.gson.JsonObject;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.core.tensor.Tensors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TinyFaceDetectorNetTest {

	/** The raw output on a 224x224 input (no resizing) equals face-api's forward(input, 224). */
	@Test
	void rawOutputMatchesFaceApi() throws Exception {
		JsonObject golden = FaceNetGolden.load().getAsJsonObject("raw").getAsJsonObject("detector_224");
		int size = golden.get("inputSize").getAsInt();
		int grid = (int) TinyFaceDetectorNet.gridSize(size);
		assertEquals(7, grid);
		var image = FaceNetGolden.pattern(size, size);
		float[] nchw = ConvKitRuntime.get().infer(TinyFaceDetectorNet.INSTANCE, session -> {
			var output = session.forward(Tensors.toNDArray(image, session.manager()).expandDims(0));
			assertArrayEquals(new long[] { 1, 25, grid, grid }, output.getShape().getShape());
			return output.toFloatArray();
		});
		float[] expected = FaceNetGolden.floats(golden.getAsJsonArray("values")); // NHWC [grid, grid, 25]
		float[] actual = new float[expected.length];
		for (int r = 0; r < grid; r++)
			for (int c = 0; c < grid; c++)
				for (int k = 0; k < 25; k++) actual[(r * grid + c) * 25 + k] = nchw[(k * grid + r) * grid + c];
		double worst = FaceNetGolden.assertClose(expected, actual, 1e-4, "detector output");
		System.out.println("TinyFaceDetectorNet vs face-api, 224x224: max relative difference " + worst);
	}

	@Test
	void gridSizeFollowsTheLayers() {
		assertEquals(13, TinyFaceDetectorNet.gridSize(416));
		assertEquals(19, TinyFaceDetectorNet.gridSize(608));
		assertEquals(1, TinyFaceDetectorNet.gridSize(32));
	}
}
