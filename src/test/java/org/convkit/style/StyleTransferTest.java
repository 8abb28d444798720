package org.convkit.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import org.convkit.core.runtime.ConvKitRuntime;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Style transfer end to end on generated 64x64 images (content: a bright disc on a dark ramp;
 * style: red and blue diagonal stripes) with the random feature network: J falls, G's Gram
 * matrices approach S's, and G keeps C's content features; plus the frame-by-frame movie mode,
 * snapshots, cancellation and colour preservation.
 */
class StyleTransferTest {

	static ArrayImg<FloatType, FloatArray> disc(int size) {
		float[] v = new float[3 * size * size];
		for (int y = 0; y < size; y++) {
			for (int x = 0; x < size; x++) {
				boolean inside = Math.hypot(x - size / 2.0, y - size / 2.0) < size / 4.0;
				for (int c = 0; c < 3; c++) v[c * size * size + y * size + x] = inside ? 0.9f - 0.2f * c : 0.1f + 0.3f * x / size;
			}
		}
		return ArrayImgs.floats(v, size, size, 3);
	}

	static ArrayImg<FloatType, FloatArray> stripes(int size) {
		float[] v = new float[3 * size * size];
		for (int y = 0; y < size; y++) {
			for (int x = 0; x < size; x++) {
				boolean red = ((x + y) / 4) % 2 == 0;
				v[y * size + x] = red ? 0.9f : 0.1f;
				v[size * size + y * size + x] = 0.15f;
				v[2 * size * size + y * size + x] = red ? 0.1f : 0.9f;
			}
		}
		return ArrayImgs.floats(v, size, size, 3);
	}

	private static FeatureNetwork random() throws IOException {
		return FeatureNetworks.get(ConvKitRuntime.get(), "random", null);
	}

	@Test
	void adamLowersJMovesGramsTowardStyleAndKeepsContent() throws IOException {
		check(StyleOptions.Optimizer.ADAM, 0.05);
	}

	@Test
	void lbfgsLowersJMovesGramsTowardStyleAndKeepsContent() throws IOException {
		check(StyleOptions.Optimizer.LBFGS, 0.05);
	}

	private void check(StyleOptions.Optimizer optimizer, double rate) throws IOException {
		ArrayImg<FloatType, FloatArray> content = disc(64), style = stripes(64);
		// beta 1e4: at 64x64 both terms matter (J_style starts near 0.6, a full content change costs about 4e4).
		LossWeights weights = LossWeights.parse(1, 1e4, "conv4_2", LossWeights.DEFAULT_STYLE_LAYERS, LossWeights.DEFAULT_LAMBDAS, 0);
		StyleOptions options = StyleOptions.defaults().withIterations(40).withOptimizer(optimizer, rate).withWeights(weights);
		StyleTransfer.Result result = new StyleTransfer(ConvKitRuntime.get(), random()).run(List.of(content), style, options, (f, i, n, l) -> {});
		List<Losses> history = result.history().get(0);
		assertEquals(41, history.size());
		Losses start = history.get(0), end = history.get(40);
		// Started from C: no content loss, all of J is style.
		assertEquals(0, start.content(), 1e-6);
		assertTrue(end.total() < 0.8 * start.total(), "J fell by more than 20%: " + start + " -> " + end);
		assertTrue(end.style() < 0.65 * start.style(), "weighted Gram distance: " + start.style() + " -> " + end.style());
		int closer = 0;
		StringBuilder layers = new StringBuilder();
		for (int l = 0; l < start.styleLayers().length; l++) {
			if (end.styleLayers()[l] < start.styleLayers()[l]) closer++;
			layers.append(options.weights().styleLayers().get(l)).append(' ').append(start.styleLayers()[l]).append(" -> ").append(end.styleLayers()[l]).append('\n');
		}
		assertEquals(5, closer, "G's Gram matrices approach S's in every layer:\n" + layers);
		// Measured (Adam, L-BFGS): conv1_1 falls to 19% and 22%, conv2_1 to 48% and 49%, the deeper ones by 4-24%.
		assertTrue(end.styleLayers()[0] < 0.4 * start.styleLayers()[0] && end.styleLayers()[1] < 0.7 * start.styleLayers()[1], layers.toString());
		// G stays near C in content features: less than half as far as S is (measured: 0.47).
		try (NDManager manager = ConvKitRuntime.get().newManager()) {
			FeatureNetwork network = random();
			List<String> layer = List.of(LossWeights.DEFAULT_CONTENT_LAYER);
			NDArray c = network.features(RgbImages.toNDArray(content, manager), layer).get(layer.get(0));
			NDArray g = network.features(RgbImages.toNDArray(result.frames().get(0), manager), layer).get(layer.get(0));
			NDArray s = network.features(RgbImages.toNDArray(style, manager), layer).get(layer.get(0));
			double toG = g.sub(c).norm().getFloat(), toS = s.sub(c).norm().getFloat();
			assertTrue(toG < 0.5 * toS, "content distance G-C " + toG + ", S-C " + toS);
		}
		// The result is an image: 0..1, the content's size.
		assertArrayEquals(new long[] { 64, 64, 3 }, result.frames().get(0).dimensionsAsLongArray());
		for (FloatType v : result.frames().get(0)) assertTrue(v.get() >= 0 && v.get() <= 1);
		assertTrue(result.network().startsWith("random multi-scale features"), result.network());
	}

	@Test
	void framesStartFromThePreviousResultAndSnapshotsAreKept() throws IOException {
		ArrayImg<FloatType, FloatArray> frame = disc(48);
		StyleOptions options = StyleOptions.defaults().withIterations(6).withSnapshotEvery(3);
		List<int[]> calls = new ArrayList<>();
		StyleTransfer.Result result = new StyleTransfer(ConvKitRuntime.get(), random())
			.run(List.of(frame, frame), stripes(48), options, (f, i, n, l) -> calls.add(new int[] { f, i, n }));
		assertEquals(2, result.frames().size());
		assertEquals(12, calls.size());
		assertArrayEquals(new int[] { 1, 6, 6 }, calls.get(11));
		// Frame 2 starts where frame 1 ended (same content), so its first J is frame 1's last.
		double end1 = result.history().get(0).get(6).total(), start2 = result.history().get(1).get(0).total();
		assertEquals(end1, start2, 1e-3 * end1);
		assertTrue(start2 < 0.8 * result.history().get(0).get(0).total());
		// Snapshots after 3 and 6 iterations of each frame.
		assertEquals(List.of("0:3", "0:6", "1:3", "1:6"), result.snapshots().stream().map(s -> s.frame() + ":" + s.iteration()).toList());
		assertEquals(result.history().get(1).get(3).total(), result.snapshots().get(2).losses().total(), 1e-6);
	}

	@Test
	void initialisationsStartWhereTheySay() throws IOException {
		double[] startContent = new double[3];
		StyleOptions.Init[] inits = { StyleOptions.Init.CONTENT, StyleOptions.Init.CONTENT_NOISE, StyleOptions.Init.NOISE };
		for (int k = 0; k < 3; k++) {
			StyleOptions options = StyleOptions.defaults().withIterations(1).withInit(inits[k], 0.3);
			startContent[k] = new StyleTransfer(ConvKitRuntime.get(), random()).run(List.of(disc(32)), stripes(32), options, (f, i, n, l) -> {})
				.history().get(0).get(0).content();
		}
		assertEquals(0, startContent[0], 1e-6);
		assertTrue(startContent[1] > 0 && startContent[1] < startContent[2], "content + 30% noise starts nearer C than noise: " + java.util.Arrays.toString(startContent));
		// Linear in the mix at the first layers, not at conv4_2; still, 30% noise costs well under half of all-noise.
		assertTrue(startContent[1] < 0.5 * startContent[2], java.util.Arrays.toString(startContent));
	}

	@Test
	void aListenerCancels() throws IOException {
		int[] seen = { 0 };
		StyleTransfer transfer = new StyleTransfer(ConvKitRuntime.get(), random());
		assertThrows(CancellationException.class, () -> transfer.run(List.of(disc(32)), stripes(32), StyleOptions.defaults().withIterations(50),
			(f, i, n, l) -> {
				seen[0] = i;
				if (i == 2) throw new CancellationException("stop");
			}));
		assertEquals(2, seen[0]);
	}

	@Test
	void colourPreservationKeepsTheContentsChroma() throws IOException {
		ArrayImg<FloatType, FloatArray> content = disc(48);
		StyleOptions options = StyleOptions.defaults().withIterations(10).withPreserveColor(true);
		ArrayImg<FloatType, FloatArray> out = new StyleTransfer(ConvKitRuntime.get(), random())
			.run(List.of(content), stripes(48), options, (f, i, n, l) -> {}).frames().get(0);
		float[] c = content.update(null).getCurrentStorageArray(), o = out.update(null).getCurrentStorageArray();
		int n = 48 * 48, compared = 0;
		double changedLuma = 0;
		for (int p = 0; p < n; p++) {
			double[] iqC = iq(c, p, n), iqO = iq(o, p, n);
			boolean clipped = false;
			for (int ch = 0; ch < 3; ch++) clipped |= o[ch * n + p] <= 0.001f || o[ch * n + p] >= 0.999f;
			if (clipped) continue;
			compared++;
			assertEquals(iqC[0], iqO[0], 0.01, "I at " + p);
			assertEquals(iqC[1], iqO[1], 0.01, "Q at " + p);
			changedLuma += Math.abs(luma(c, p, n) - luma(o, p, n));
		}
		assertTrue(compared > n / 2, compared + " unclipped pixels");
		assertTrue(changedLuma / compared > 0.01, "the style changed the luminance: mean |dY| " + changedLuma / compared);
	}

	private static double[] iq(float[] v, int p, int n) {
		double r = v[p], g = v[n + p], b = v[2 * n + p];
		return new double[] { 0.596 * r - 0.274 * g - 0.322 * b, 0.211 * r - 0.523 * g + 0.312 * b };
	}

	private static double luma(float[] v, int p, int n) {
		return 0.299 * v[p] + 0.587 * v[n + p] + 0.114 * v[2 * n + p];
	}
}
