package org.convkit.core.runtime;

import ai.djl.engine.Engine;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.filter.ConvolutionFilter;
import org.convkit.filter.ConvolutionFilterModel;
import org.convkit.filter.FilterKind;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The same network on MXNet and on PyTorch gives the same numbers: the code is engine-neutral.
 * Runs when the PyTorch engine is on the class path ({@code mvn -Ppytorch}; .ci/run does).
 */
class EngineParityTest {

	@Test
	void mxnetAndPytorchAgree() throws Exception {
		Assumptions.assumeTrue(Engine.hasEngine("PyTorch"), "PyTorch engine not on the class path: build with -Ppytorch to run this test");
		var image = ArrayImgs.floats(37, 29, 1, 11, 1);
		Random random = new Random(5);
		image.forEach(pixel -> pixel.set(random.nextFloat()));
		ConvolutionFilterModel model = new ConvolutionFilterModel(FilterKind.LAPLACIAN_OF_GAUSSIAN, 1.3, 3);
		float[] mxnet, pytorch;
		try (ConvKitRuntime runtime = ConvKitRuntime.open(new RuntimeOptions("MXNet", false))) {
			mxnet = flat(new ConvolutionFilter(runtime, model, 24).apply(image));
		}
		try (ConvKitRuntime runtime = ConvKitRuntime.open(new RuntimeOptions("pytorch", false))) {
			assertEquals("PyTorch", runtime.engine().getEngineName());
			pytorch = flat(new ConvolutionFilter(runtime, model, 24).apply(image));
		}
		assertEquals(mxnet.length, pytorch.length);
		for (int i = 0; i < mxnet.length; i++) assertEquals(mxnet[i], pytorch[i], 1e-4, "voxel " + i);
	}

	private static float[] flat(PlanarImg<FloatType, FloatArray> image) {
		float[] values = new float[(int) image.size()];
		int i = 0;
		for (FloatType pixel : image) values[i++] = pixel.get();
		return values;
	}
}
