package org.convkit.face.model;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The shipped weight files are the ones PROVENANCE.md names, byte for byte. */
class FaceModelFilesTest {

	@Test
	void everyShippedFileMatchesItsRecordedChecksum() throws IOException, NoSuchAlgorithmException {
		String provenance = read("PROVENANCE.md");
		Matcher line = Pattern.compile("([0-9a-f]{64})  (\\S+)").matcher(provenance);
		int files = 0;
		while (line.find()) {
			byte[] content;
			try (InputStream in = TfjsWeights.class.getResourceAsStream(line.group(2))) {
				assertNotNull(in, line.group(2) + " is named in PROVENANCE.md but not shipped");
				content = in.readAllBytes();
			}
			String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
			assertEquals(line.group(1), sha256, line.group(2));
			files++;
		}
		assertEquals(6, files, "three networks, a manifest and a shard each");
		assertTrue(read("LICENSE.face-api").startsWith("MIT License"));
	}

	private static String read(String resource) throws IOException {
		try (InputStream in = TfjsWeights.class.getResourceAsStream(resource)) {
			assertNotNull(in, resource + " ships with the weights");
			return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		}
	}
}
