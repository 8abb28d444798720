package org.convkit.commands.run;

import ij.IJ;
import ij.ImagePlus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Text options to typed inputs, on the real Convolution Filter command. */
class CommandInputsTest {

	private static Context context;
	private static CommandInfo filter;
	private static final ImagePlus IMAGE = IJ.createImage("x", "8-bit ramp", 8, 8, 1);

	@BeforeAll
	static void start() {
		context = new Context();
		filter = new CommandExecutor(context).find("Convolution Filter");
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	@Test
	void convertsEachTypeAndResolvesImages() {
		Map<String, Object> inputs = convert(Map.of("image", "x", "sigma", "2.5", "tile_size", "64", "filter", "laplacian_of_gaussian"));
		assertSame(IMAGE, inputs.get("image"));
		assertEquals(2.5, inputs.get("sigma"));
		assertEquals(64, inputs.get("tile_size"));
		assertEquals("laplacian_of_gaussian", inputs.get("filter"));
		assertFalse(inputs.containsKey("dimensions"), "an option not given keeps the command's default");
	}

	@Test
	void badValuesNameTheParameterAndWhatWasExpected() {
		assertMessage("sigma: expected a number, got 'two'", Map.of("sigma", "two"));
		assertMessage("tile_size: expected a whole number, got '64.5'", Map.of("tile_size", "64.5"));
		assertMessage("tile_size: expected a number from 16 to 1024, got 2000", Map.of("tile_size", "2000"));
		assertMessage("filter: expected one of [gaussian, laplacian_of_gaussian], got 'median'", Map.of("filter", "median"));
		assertMessage("sigm: not an option of 'Convolution Filter'; expected one of [image, filter, sigma, dimensions, tile_size]",
			Map.of("sigm", "2"));
	}

	@Test
	void commandsAreFoundByTitleOrListed() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CommandExecutor(context).find("Convolution"));
		assertTrue(e.getMessage().startsWith("command: no ConvKit command named 'Convolution'; expected one of ["), e.getMessage());
		assertTrue(e.getMessage().contains("ConvKit Info, Convolution Filter, "), e.getMessage());
		assertTrue(e.getMessage().contains("Recognize Faces"), e.getMessage());
	}

	private static Map<String, Object> convert(Map<String, String> options) {
		return CommandInputs.convert(filter, options, option -> option.text() == null ? null : IMAGE);
	}

	private static void assertMessage(String expected, Map<String, String> options) {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> convert(options));
		assertEquals(expected, e.getMessage());
	}
}
