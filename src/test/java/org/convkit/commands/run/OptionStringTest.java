package org.convkit.commands.run;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class OptionStringTest {

	@Test
	void parsesValuesBracketsAndFlags() {
		Map<String, String> options = OptionString.parse("image=[my blobs.tif] sigma=2.5  show_progress filter=gaussian");
		assertEquals(Map.of("image", "my blobs.tif", "sigma", "2.5", "show_progress", "true", "filter", "gaussian"), options);
		assertEquals(java.util.List.of("image", "sigma", "show_progress", "filter"), java.util.List.copyOf(options.keySet()));
	}

	@Test
	void emptyAndNullGiveNoOptions() {
		assertTrue(OptionString.parse(null).isEmpty());
		assertTrue(OptionString.parse("   ").isEmpty());
	}

	@Test
	void unclosedBracketNamesTheKey() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptionString.parse("image=[open"));
		assertEquals("image: the value opened with '[' is never closed with ']'", e.getMessage());
	}

	@Test
	void formatRoundTrips() {
		Map<String, String> values = new LinkedHashMap<>();
		values.put("image", "a b.tif");
		values.put("sigma", "2");
		values.put("path", "");
		String text = OptionString.format(values);
		assertEquals("image=[a b.tif] sigma=2 path=[]", text);
		assertEquals(values, OptionString.parse(text));
	}
}
