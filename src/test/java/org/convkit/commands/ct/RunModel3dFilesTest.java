package org.convkit.commands.ct;

import static org.junit.jupiter.api.Assertions.*;

import ij.ImagePlus;
import ij.ImageStack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.convkit.commands.HeadlessCommands;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ct.net.MxnetModelFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run 3D Model on networks saved elsewhere: an MXNet symbol/params pair (one 3x3x3 convolution,
 * 2 channels in and out) on a 2-channel volume, tiled with an overlap that covers its receptive
 * field, against the same convolution computed here; probabilities and labels from its scores; and
 * model files refused with a message. The same convolution as a TorchScript file under the PyTorch
 * engine (written by Python's torch when there is one; .ci/run runs this class on PyTorch).
 */
class RunModel3dFilesTest {

	@RegisterExtension
	static final HeadlessCommands commands = new HeadlessCommands();

	@TempDir
	Path dir;

	static final int W = 21, H = 18, D = 14;

	@Test
	void anMxnetPairRunsTiledOnAMultiChannelVolumeAndEqualsTheConvolution() throws Exception {
		Assumptions.assumeTrue(ConvKitRuntime.get().engine().getEngineName().equals("MXNet"), "the MXNet pair needs the MXNet engine");
		Random random = new Random(11);
		float[] weight = weights(random);
		Path symbol = MxnetModelFiles.conv3d(dir, "conv", 2, 2, weight);
		float[][][] volume = volume(random);
		ImagePlus imp = image(volume);
		imp.getCalibration().pixelWidth = imp.getCalibration().pixelHeight = 0.8;
		imp.getCalibration().pixelDepth = 2;
		imp.getCalibration().setUnit("mm");

		// tiles of 8 with 1 voxel of overlap: 4 x 3 x 3 tiles, every seam inside the image
		Map<String, Object> out = commands.run("Run 3D Model", Map.of("image", imp, "model", symbol.toFile(), "output", "values", "tile_size", 8, "overlap", 1,
			"batch_size", 3));
		ImagePlus values = (ImagePlus) out.get("result");
		assertArrayEquals(new int[] {W, H, 2, D, 1}, values.getDimensions());
		assertEquals(0.8, values.getCalibration().pixelWidth);
		assertEquals(2, values.getCalibration().pixelDepth);
		for (int k = 0; k < 2; k++) {
			for (int z = 0; z < D; z++) {
				float[] got = (float[]) values.getStack().getPixels(values.getStackIndex(k + 1, z + 1, 1));
				for (int y = 0; y < H; y++)
					for (int x = 0; x < W; x++) assertEquals(conv(volume, weight, k, x, y, z), got[y * W + x], 1e-4, "channel " + k + " at " + x + "," + y + "," + z);
			}
		}
		assertTrue(((String) out.get("info")).contains("by conv-symbol.json (an MXNet symbol/params pair); normalisation none; tile 8, overlap 1, 2 output channel(s)"),
			(String) out.get("info"));

		ImagePlus labels = (ImagePlus) commands.run("Run 3D Model", Map.of("image", imp, "model", symbol.toFile(), "output", "labels", "tile_size", 8, "overlap", 1))
			.get("result");
		ImagePlus probabilities = (ImagePlus) commands.run("Run 3D Model", Map.of("image", imp, "model", symbol.toFile(), "tile_size", 8, "overlap", 1)).get("result");
		assertArrayEquals(new int[] {W, H, 1, D, 1}, labels.getDimensions());
		assertEquals("LABELS", labels.getProp(CtImages.VALUES));
		assertArrayEquals(new int[] {W, H, 2, D, 1}, probabilities.getDimensions());
		int z = 5, x = 7, y = 9;
		double a = conv(volume, weight, 0, x, y, z), b = conv(volume, weight, 1, x, y, z);
		assertEquals(a >= b ? 0 : 1, ((float[]) labels.getStack().getPixels(z + 1))[y * W + x]);
		assertEquals(1 / (1 + Math.exp(b - a)), ((float[]) probabilities.getStack().getPixels(probabilities.getStackIndex(1, z + 1, 1)))[y * W + x], 1e-4);
	}

	@Test
	void modelFilesAreRefusedWithAMessage() throws Exception {
		ImageStack stack = new ImageStack(16, 16);
		for (int z = 0; z < 16; z++) stack.addSlice(null, new float[256]);
		ImagePlus imp = new ImagePlus("zeros", stack);
		Path pt = Files.write(dir.resolve("net.pt"), new byte[] {1, 2, 3});
		String engine = ConvKitRuntime.get().engine().getEngineName();
		if (!engine.equals("PyTorch")) {
			assertEquals("model: " + pt.toAbsolutePath() + " is a TorchScript file, which the PyTorch engine runs; ConvKit runs on " + engine
				+ " now (choose the engine with -Dconvkit.engine=PyTorch or CONVKIT_ENGINE=PyTorch; the PyTorch engine is added by building with -Ppytorch)",
				fail(Map.of("image", imp, "model", pt.toFile())));
		}
		Path half = Files.writeString(dir.resolve("lonely-symbol.json"), "{}");
		assertEquals("model: " + half + " has no parameter file lonely-NNNN.params beside it", fail(Map.of("image", imp, "model", half.toFile())));
		Path params = Files.write(dir.resolve("other-0003.params"), new byte[8]);
		assertEquals("model: " + params + " has no symbol file other-symbol.json beside it", fail(Map.of("image", imp, "model", params.toFile())));
		Path txt = Files.writeString(dir.resolve("notes.txt"), "x");
		assertEquals("model: " + txt + " is not a model ConvKit runs: expected a ConvKit model folder (convkit-model.properties), a TorchScript file (.pt) or "
			+ "an MXNet NAME-symbol.json with its NAME-0000.params", fail(Map.of("image", imp, "model", txt.toFile())));
		assertEquals("model: " + dir.resolve("absent.pt") + " not found", fail(Map.of("image", imp, "model", dir.resolve("absent.pt").toFile())));
		// a network for another number of channels: the engine's refusal, with what to check
		if (engine.equals("MXNet")) {
			Path symbol = MxnetModelFiles.conv3d(dir, "three", 3, 1, new float[3 * 27]);
			String message = fail(Map.of("image", imp, "model", symbol.toFile(), "tile_size", 8, "overlap", 1));
			assertTrue(message.startsWith("model: " + symbol + " failed on tiles of 8x8x8 with 1 channel(s) (") && message.endsWith(
				"check the number of input channels it expects and the tile sizes it accepts (tile_size)"), message);
		}
		if (engine.equals("MXNet")) {
			assertEquals("overlap: 4 voxels per side leaves no core in tiles of 8 (tile_size must be more than twice the overlap)",
				fail(Map.of("image", imp, "model", MxnetModelFiles.conv3d(dir, "c", 1, 1, new float[27]).toFile(), "tile_size", 8, "overlap", 4)));
		}
	}

	@Test
	void aTorchScriptFileRunsUnderThePytorchEngine() throws Exception {
		Assumptions.assumeTrue(ConvKitRuntime.get().engine().getEngineName().equals("PyTorch"),
			"TorchScript needs the PyTorch engine: run with -Ppytorch and CONVKIT_ENGINE=PyTorch (.ci/run does)");
		Path python = torchPython();
		Assumptions.assumeTrue(python != null, "no Python with torch to write the TorchScript file (bin/torch-reference makes one)");
		Random random = new Random(12);
		float[] weight = weights(random);
		StringBuilder values = new StringBuilder();
		for (float w : weight) values.append(w).append(',');
		Path pt = dir.resolve("conv.pt");
		String script = "import torch\n"
			+ "c = torch.nn.Conv3d(2, 2, 3, padding=1, bias=False)\n"
			+ "c.weight.data = torch.tensor([" + values + "], dtype=torch.float32).reshape(2, 2, 3, 3, 3)\n"
			+ "torch.jit.trace(c.eval(), torch.zeros(1, 2, 8, 8, 8)).save('" + pt + "')\n";
		Process p = new ProcessBuilder(python.toString(), "-c", script).redirectErrorStream(true).start();
		String log = new String(p.getInputStream().readAllBytes());
		assertEquals(0, p.waitFor(), log);
		float[][][] volume = volume(random);
		ImagePlus imp = image(volume);
		ImagePlus values3d = (ImagePlus) commands.run("Run 3D Model", Map.of("image", imp, "model", pt.toFile(), "output", "values", "tile_size", 8,
			"overlap", 1)).get("result");
		for (int k = 0; k < 2; k++) {
			for (int z = 0; z < D; z++) {
				float[] got = (float[]) values3d.getStack().getPixels(values3d.getStackIndex(k + 1, z + 1, 1));
				for (int i = 0; i < W * H; i++) assertEquals(conv(volume, weight, k, i % W, i / W, z), got[i], 1e-4, "channel " + k + " voxel " + i);
			}
		}
	}

	/** Weights (out 2, in 2, 3, 3, 3) of the test convolution. */
	private static float[] weights(Random random) {
		float[] weight = new float[2 * 2 * 27];
		for (int i = 0; i < weight.length; i++) weight[i] = (float) random.nextGaussian() * 0.2f;
		return weight;
	}

	/** Two channels of noise, [channel][z][y * W + x]. */
	private static float[][][] volume(Random random) {
		float[][][] volume = new float[2][D][W * H];
		for (int z = 0; z < D; z++)
			for (int c = 0; c < 2; c++)
				for (int i = 0; i < W * H; i++) volume[c][z][i] = (float) random.nextGaussian();
		return volume;
	}

	/** The volume as a 2-channel hyperstack (ImageJ's order: channel fastest). */
	private static ImagePlus image(float[][][] volume) {
		ImageStack stack = new ImageStack(W, H);
		for (int z = 0; z < D; z++)
			for (int c = 0; c < 2; c++) stack.addSlice(null, volume[c][z].clone());
		ImagePlus imp = new ImagePlus("two", stack);
		imp.setDimensions(2, D, 1);
		return imp;
	}

	/** A Python that imports torch: convkit.python / CONVKIT_PYTHON, else bin/torch-reference's venv. */
	private static Path torchPython() {
		String set = System.getProperty("convkit.python", System.getenv("CONVKIT_PYTHON"));
		Path python = set != null && !set.isBlank() ? Path.of(set) : Path.of(System.getProperty("user.home"), ".cache", "convkit", "torch-2.13", "bin", "python");
		return Files.isExecutable(python) ? python : null;
	}

	/** The convolution as MXNet computes it on the whole volume, borders read by mirroring as the tiler does. */
	private static double conv(float[][][] v, float[] w, int k, int x, int y, int z) {
		double sum = 0;
		for (int c = 0; c < 2; c++)
			for (int dz = -1; dz <= 1; dz++)
				for (int dy = -1; dy <= 1; dy++)
					for (int dx = -1; dx <= 1; dx++)
						sum += w[(((k * 2 + c) * 3 + dz + 1) * 3 + dy + 1) * 3 + dx + 1] * v[c][mirror(z + dz, D)][mirror(y + dy, H) * W + mirror(x + dx, W)];
		return sum;
	}

	private static int mirror(int i, int n) {
		return i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;
	}

	private static String fail(Map<String, Object> inputs) {
		return assertThrows(CommandFailedException.class, () -> commands.run("Run 3D Model", new HashMap<>(inputs))).getMessage();
	}
}
