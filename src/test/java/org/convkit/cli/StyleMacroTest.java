package org.convkit.cli;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import org.convkit.commands.style.StyleCommandsTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code macros/style_transfer.ijm} end to end, headless, as {@link MacroToolTest} runs macros: the
 * launcher in a child JVM, bounded by a timeout, styling a generated 64x48 photo (a disc on a ramp)
 * with generated stripes and saving the result as a TIFF.
 */
class StyleMacroTest {

	private static final Path MACRO = Path.of("macros", "style_transfer.ijm");

	@TempDir
	Path temp;

	@BeforeAll
	static void headless() {
		System.setProperty("java.awt.headless", "true");
	}

	@Test
	void stylesAPhotoHeadlessAndSavesATiff() throws Exception {
		Path content = temp.resolve("my photo.png"), style = temp.resolve("painting.png"), output = temp.resolve("out dir/styled.tif");
		ImagePlus photo = new ImagePlus("photo", StyleCommandsTest.picture(64, false).resize(64, 48));
		assertTrue(new FileSaver(photo).saveAsPng(content.toString()));
		assertTrue(new FileSaver(new ImagePlus("painting", StyleCommandsTest.picture(40, true))).saveAsPng(style.toString()));
		Files.createDirectories(output.getParent());

		LauncherProcess.Result result = LauncherProcess.launch(temp, "macro", "--headless", MACRO.toString(),
			"content=[" + content + "] style=[" + style + "] output=[" + output + "] iterations=5 size=32");

		assertEquals(0, result.exitCode(), result.toString());
		assertTrue(result.stdout().contains("style_transfer: wrote " + output + " (32x24)"), result.toString());
		assertTrue(result.stdout().contains("Style Transfer: network random multi-scale features"), result.toString());
		assertTrue(result.stdout().contains("frame 1 iteration 5: J="), result.toString());
		ImagePlus styled = IJ.openImage(output.toString());
		assertNotNull(styled, "no TIFF at " + output);
		assertEquals(ImagePlus.COLOR_RGB, styled.getType());
		assertEquals(32, styled.getWidth());
		assertEquals(24, styled.getHeight());
	}

	@Test
	void aMissingArgumentStopsTheMacroWithItsUsage() throws Exception {
		LauncherProcess.Result result = LauncherProcess.launch(temp, "macro", "--headless", MACRO.toString(), "content=a.png");
		assertEquals(0, result.exitCode(), "exit() ends a macro normally\n" + result);
		assertTrue((result.stdout() + result.stderr()).contains("style_transfer: expected \"content=<image> style=<image> output=<file.tif>\""), result.toString());
	}
}
