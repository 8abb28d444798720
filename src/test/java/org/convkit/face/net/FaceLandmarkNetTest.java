package org.convkit.face.net;

import com.google.gson.JsonObject;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.core.tensor.Tensors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FaceLandmarkNetTest {

	/** The raw 136 outputs on a 112x112 input equal face-api's FaceLandmark68Net.runNet. */
	@Test
	void rawOutputMatchesFaceApi() throws Exception {
		JsonObject golden = FaceNetGolden.load().getAsJsonObject("raw").getAsJsonObject("landmarks_112");
		var image = FaceNetGolden.pattern(112, 112);
		float[] actual = ConvKitRuntime.get().infer(FaceLandmarkNet.INSTANCE, session -> {
			var output = session.forward(Tensors.toNDArray(image, session.manager()).expandDims(0));
			assertArrayEquals(new long[] { 1, 136 }, output.getShape().getShape());
			return output.toFloatArray();
		});
		double worst = FaceNetGolden.assertClose(FaceNetGolden.floats(golden.getAsJsonArray("values")), actual, 1e-4, "landmark output");
		System.out.println("FaceLandmarkNet vs face-api, 112x112: max difference " + worst);
	}

	/** Several faces in one batch give each face's own result. */
	@Test
	void batchEqualsSingle() throws Exception {
		var a = FaceNetGolden.pattern(112, 112);
		var b = net.imglib2.view.Views.zeroMin(net.imglib2.view.Views.invertAxis(a, 0));
		float[][] results = ConvKitRuntime.get().infer(FaceLandmarkNet.INSTANCE, session -> {
			float[] single = session.forward(Tensors.toNDArray(b, session.manager()).expandDims(0)).toFloatArray();
			float[] batch = session.forward(Tensors.stack(java.util.List.of(a, b), session.manager())).toFloatArray();
			return new float[][] { single, java.util.Arrays.copyOfRange(batch, 136, 272) };
		});
		FaceNetGolden.assertClose(results[0], results[1], 1e-5, "batch item 1");
	}
}
