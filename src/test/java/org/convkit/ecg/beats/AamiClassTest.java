package org.convkit.ecg.beats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class AamiClassTest {

	@Test
	void mapsMitBihBeatSymbols() {
		for (String s : new String[] {"N", "L", "R", "e", "j"}) assertEquals(Optional.of(AamiClass.N), AamiClass.ofSymbol(s), s);
		for (String s : new String[] {"A", "a", "J", "S"}) assertEquals(Optional.of(AamiClass.S), AamiClass.ofSymbol(s), s);
		for (String s : new String[] {"V", "E"}) assertEquals(Optional.of(AamiClass.V), AamiClass.ofSymbol(s), s);
		assertEquals(Optional.of(AamiClass.F), AamiClass.ofSymbol("F"));
		for (String s : new String[] {"/", "f", "Q"}) assertEquals(Optional.of(AamiClass.Q), AamiClass.ofSymbol(s), s);
	}

	@Test
	void nonBeatSymbolsAreNotBeats() {
		for (String s : new String[] {"+", "~", "|", "x", "[", "]", "!", "\"", "p", "t", "u", "`", "'", "^", "=", "@", "n", ""}) {
			assertTrue(AamiClass.ofSymbol(s).isEmpty(), s);
			assertFalse(AamiClass.isBeat(s), s);
		}
		assertTrue(AamiClass.ofSymbol(null).isEmpty());
		assertEquals(5, AamiClass.COUNT);
	}
}
