package org.convkit.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class EvaluateToolTest {

	/** An unknown or malformed evaluation exits 2 and lists every evaluation there is. */
	@Test
	void badArgumentsListTheEvaluations() throws Exception {
		for (String[] args : new String[][] {{}, {"nothing"}, {"faces", "a", "b"}}) {
			PrintStream err = System.err;
			ByteArrayOutputStream text = new ByteArrayOutputStream();
			System.setErr(new PrintStream(text, true, StandardCharsets.UTF_8));
			int code;
			try {
				code = EvaluateTool.run(args);
			}
			finally {
				System.setErr(err);
			}
			String message = text.toString(StandardCharsets.UTF_8);
			assertEquals(2, code, message);
			if (args.length == 3) {
				assertTrue(message.startsWith("convkit: evaluate: expected 'faces [ORL_FOLDER]'\n"), message);
				continue;
			}
			for (String name : new String[] {"'faces ", "'faces-train ", "'ecg ", "'ct-segment ", "'ct-denoise VOLUME"}) {
				assertTrue(message.contains(name), name + " missing from: " + message);
			}
		}
	}
}
