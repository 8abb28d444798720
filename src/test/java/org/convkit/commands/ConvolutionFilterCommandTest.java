package org.convkit.commands;

import ij.IJ;
import ij.ImagePlus;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.demo.SyntheticBlobs;
import org.convkit.filter.ConvolutionFilter;
import org.convkit.filter.ConvolutionFilterModel;
import org.convkit.filter.FilterKind;
import org.convkit.ij.ImagePlusImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The commands as every front end runs them: through SciJava, headless, with typed inputs. */
class ConvolutionFilterCommandTest {

	@RegisterExtension
	static final HeadlessCommands commands = new HeadlessCommands();

	@Test
	void filtersAStackIntoACalibrated32BitImage() throws Exception {
		ImagePlus blobs = SyntheticBlobs.volume(40, 30, 5, 6, 3);
		ImagePlus output = filter(Map.of("image", blobs, "filter", "gaussian", "sigma", 1.0, "dimensions", "3D", "tile_size", 32));
		assertEquals(ImagePlus.GRAY32, output.getType());
		assertArrayEquals(blobs.getDimensions(), output.getDimensions());
		assertEquals("blobs-gaussian", output.getTitle());
		assertEquals(0.5, output.getCalibration().pixelWidth);
		assertEquals("micron", output.getCalibration().getUnit());
		// The command is a thin adapter: its output is the 3-D filter's, plane for plane.
		ConvolutionFilterModel model = new ConvolutionFilterModel(FilterKind.GAUSSIAN, 1.0, 3);
		PlanarImg<FloatType, FloatArray> expected = new ConvolutionFilter(ConvKitRuntime.get(), model, 32)
			.apply(ImagePlusImgs.wrapReal(blobs, "image"));
		for (int plane = 0; plane < 5; plane++) {
			assertArrayEquals(expected.getPlane(plane).getCurrentStorageArray(), (float[]) output.getStack().getPixels(plane + 1));
		}
		assertTrue(output.getStack().getProcessor(3).getStatistics().stdDev < blobs.getStack().getProcessor(3).getStatistics().stdDev);
	}

	@Test
	void aModelIsLoadedOnceAcrossTwoCommands() throws Exception {
		int before = ConvKitRuntime.get().models().loadCount();
		Map<String, Object> inputs = Map.of("image", SyntheticBlobs.volume(32, 32, 1, 3, 4), "filter", "gaussian", "sigma", 1.75);
		ImagePlus first = filter(inputs);
		ImagePlus second = filter(inputs);
		assertEquals(before + 1, ConvKitRuntime.get().models().loadCount());
		assertArrayEquals((float[]) first.getProcessor().getPixels(), (float[]) second.getProcessor().getPixels());
	}

	@Test
	void rgbImagesAreRefusedWithAnExplanation() {
		ImagePlus rgb = IJ.createImage("colour", "RGB black", 16, 16, 1);
		CommandFailedException e = assertThrows(CommandFailedException.class, () -> filter(Map.of("image", rgb)));
		assertEquals("image: expected a grey image (8, 16 or 32-bit), got RGB in 'colour'; split its channels first (Image > Color > Split Channels)", e.getMessage());
	}

	@Test
	void aResultThatCannotFitInTheHeapIsRefusedBeforeAnyWork() {
		// A virtual stack allocates nothing: 400 planes of 4096x4096 would need 25 GB of floats.
		ij.VirtualStack planes = new ij.VirtualStack(4096, 4096, null, System.getProperty("java.io.tmpdir"));
		for (int i = 0; i < 400; i++) planes.addSlice("plane" + i + ".tif");
		ImagePlus huge = new ImagePlus("huge", planes);
		Assumptions.assumeTrue(org.convkit.core.runtime.MemoryGuard.heapAvailable() < 400L * 4096 * 4096 * 4, "the heap holds 25 GB");
		CommandFailedException e = assertThrows(CommandFailedException.class, () -> filter(Map.of("image", huge)));
		assertTrue(e.getMessage().startsWith("image: a 32-bit result of 'huge' (6710886400 voxels) needs about 25.3 GB ("), e.getMessage());
		assertTrue(e.getMessage().contains("but the Java heap has "), e.getMessage());
		assertTrue(e.getMessage().endsWith("free (raise it with -Xmx, e.g. JAVA_OPTS=-Xmx16g); lower image (crop it or take fewer channels or frames)"), e.getMessage());
	}

	@Test
	void threeDimensionsNeedAStack() {
		ImagePlus flat = IJ.createImage("flat", "16-bit black", 16, 16, 1);
		CommandFailedException e = assertThrows(CommandFailedException.class, () -> filter(Map.of("image", flat, "dimensions", "3D")));
		assertEquals("dimensions: 3D needs more than one Z slice, but 'flat' has 1; use 2D", e.getMessage());
	}

	@Test
	void missingImageIsNamed() {
		CommandFailedException e = assertThrows(CommandFailedException.class, () -> filter(new HashMap<>()));
		assertTrue(e.getMessage().contains("image"), e.getMessage());
	}

	@Test
	void infoNamesEngineAndDevice() throws Exception {
		String info = (String) commands.run("ConvKit Info", Map.of()).get("info");
		assertTrue(info.contains("engine:        MXNet"), info);
		assertTrue(info.contains("device:        cpu()"), info);
	}

	private static ImagePlus filter(Map<String, Object> inputs) throws CommandFailedException {
		return (ImagePlus) commands.run("Convolution Filter", inputs).get("output");
	}
}
