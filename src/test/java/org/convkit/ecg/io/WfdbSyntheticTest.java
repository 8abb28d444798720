package org.convkit.ecg.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;

import org.convkit.ecg.EcgRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Records the test encodes itself, in every supported format, and broken ones. */
class WfdbSyntheticTest {

	@TempDir
	Path folder;

	/** Encodes a sample stream (frames in order) the way each format's writer does. */
	static byte[] encode(int format, int[] s) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		switch (format) {
			case 212 -> {
				for (int k = 0; k < s.length; k += 2) {
					int a = s[k] & 0xFFF, b = k + 1 < s.length ? s[k + 1] & 0xFFF : 0;
					out.write(a & 0xFF);
					out.write((a >> 8) | (b >> 8) << 4);
					if (k + 1 < s.length) out.write(b & 0xFF);
					else out.write(0); // pad
				}
			}
			case 16 -> {
				for (int v : s) {
					out.write(v & 0xFF);
					out.write(v >> 8 & 0xFF);
				}
			}
			case 61 -> {
				for (int v : s) {
					out.write(v >> 8 & 0xFF);
					out.write(v & 0xFF);
				}
			}
			case 80 -> {
				for (int v : s) out.write(v + 128);
			}
			case 310 -> {
				for (int k = 0; k < s.length; k += 3) {
					int a = s[k] & 0x3FF, b = k + 1 < s.length ? s[k + 1] & 0x3FF : 0, c = k + 2 < s.length ? s[k + 2] & 0x3FF : 0;
					int w0 = a << 1 | (c & 0x1F) << 11;
					int w1 = b << 1 | (c >> 5) << 11;
					out.write(w0 & 0xFF);
					out.write(w0 >> 8);
					out.write(w1 & 0xFF);
					out.write(w1 >> 8);
				}
			}
			case 311 -> {
				for (int k = 0; k < s.length; k += 3) {
					int a = s[k] & 0x3FF, b = k + 1 < s.length ? s[k + 1] & 0x3FF : 0, c = k + 2 < s.length ? s[k + 2] & 0x3FF : 0;
					int w = a | b << 10 | c << 20;
					for (int i = 0; i < 4; i++) out.write(w >>> (8 * i) & 0xFF);
				}
			}
			default -> throw new IllegalArgumentException("" + format);
		}
		return out.toByteArray();
	}

	static int bits(int format) {
		return switch (format) {
			case 212 -> 12;
			case 80 -> 8;
			case 310, 311 -> 10;
			default -> 16;
		};
	}

	static short checksum(int[] stream, int frameSize, int position, int spf) {
		int sum = 0;
		for (int f = 0; f < stream.length / frameSize; f++) {
			for (int k = 0; k < spf; k++) sum += stream[f * frameSize + position + k];
		}
		return (short) sum;
	}

	@ParameterizedTest
	@ValueSource(ints = {212, 16, 80, 61, 310, 311})
	void everyFormatRoundTrips(int format) throws IOException {
		int frames = 1001; // odd, so 212 and 310/311 end in a partial group
		int signals = 3;
		int max = (1 << (bits(format) - 1)) - 1;
		int invalid = -(max + 1);
		Random random = new Random(format);
		int[] stream = new int[frames * signals];
		for (int i = 0; i < stream.length; i++) stream[i] = random.nextInt(2 * max + 1) - max;
		stream[0] = max;
		stream[1] = -max;
		stream[5] = invalid; // missing sample of signal 2, frame 1
		Files.write(folder.resolve("syn.dat"), encode(format, stream));
		StringBuilder header = new StringBuilder("syn 3 500 " + frames + "\n");
		for (int s = 0; s < signals; s++) {
			header.append("syn.dat ").append(format).append(" 100(5)/uV ").append(bits(format)).append(" 0 ")
				.append(stream[s]).append(' ').append(checksum(stream, signals, s, 1)).append(" 0 lead ").append(s).append('\n');
		}
		Files.writeString(folder.resolve("syn.hea"), header);
		EcgRecord record = WfdbRecords.read(folder.resolve("syn.hea"));
		assertEquals(500, record.frequency());
		assertEquals(3, record.leads().size());
		assertEquals("lead 1", record.leads().get(1).name(), "descriptions may hold blanks");
		for (int s = 0; s < signals; s++) {
			EcgRecord.Lead lead = record.leads().get(s);
			assertEquals("uV", lead.units());
			assertEquals(frames, lead.samples().length);
			for (int t = 0; t < frames; t++) {
				int v = stream[t * signals + s];
				if (v == invalid) assertTrue(Float.isNaN(lead.samples()[t]), "format " + format + " signal " + s + " frame " + t);
				else assertEquals((float) ((v - 5) / 100.0), lead.samples()[t], "format " + format + " signal " + s + " frame " + t);
			}
		}
	}

	@Test
	void samplesPerFrameSkewAndByteOffset() throws IOException {
		// frame: 3 samples of A (spf 3), then 1 of B (skewed by 2 frames); 8 frames, 4 bytes of preamble
		int frames = 8;
		int[] stream = new int[frames * 4];
		for (int i = 0; i < stream.length; i++) stream[i] = i * 10 - 100;
		byte[] data = encode(16, stream);
		byte[] withOffset = new byte[data.length + 4];
		System.arraycopy(data, 0, withOffset, 4, data.length);
		Files.write(folder.resolve("mf.dat"), withOffset);
		Files.writeString(folder.resolve("mf.hea"), "mf 2 100 " + frames + "\n"
			+ "mf.dat 16x3+4 10 16 0 -100 " + checksum(stream, 4, 0, 3) + " 0 A\n"
			+ "mf.dat 16:2+4 10 16 0 -70 " + checksum(stream, 4, 3, 1) + " 0 B\n");
		EcgRecord record = WfdbRecords.read(folder.resolve("mf.hea"));
		EcgRecord.Lead a = record.lead("A"), b = record.lead("B");
		assertEquals(300, a.frequency());
		assertEquals(24, a.samples().length);
		assertEquals(100, b.frequency());
		assertEquals(8, b.samples().length);
		for (int t = 0; t < frames; t++) {
			for (int k = 0; k < 3; k++) assertEquals(stream[t * 4 + k] / 10f, a.samples()[t * 3 + k]);
			if (t + 2 < frames) assertEquals(stream[(t + 2) * 4 + 3] / 10f, b.samples()[t]);
			else assertTrue(Float.isNaN(b.samples()[t]), "B " + t + " lies past the end of the file");
		}
	}

	@Test
	void defaultGainAndFrequency() throws IOException {
		Files.write(folder.resolve("d.dat"), encode(16, new int[] {400, -200}));
		Files.writeString(folder.resolve("d.hea"), "d 1\nd.dat 16 0\n");
		EcgRecord record = WfdbRecords.read(folder.resolve("d.hea"));
		assertEquals(250, record.frequency(), "WFDB's default frequency");
		assertEquals(2, record.leads().get(0).samples().length, "length from the file when the header has none");
		assertEquals(2f, record.leads().get(0).samples()[0], "gain 0 means WFDB's default 200");
		assertEquals(-1f, record.leads().get(0).samples()[1]);
	}

	@Test
	void truncatedFile() throws IOException {
		int[] stream = new int[200];
		byte[] data = encode(212, stream);
		Files.write(folder.resolve("101.dat"), java.util.Arrays.copyOf(data, 150)); // 50 of 100 frames
		Files.writeString(folder.resolve("101.hea"), "101 2 360 100\n101.dat 212 200 11 1024\n101.dat 212 200 11 1024\n");
		IOException e = assertThrows(IOException.class, () -> WfdbRecords.read(folder.resolve("101.hea")));
		assertTrue(e.getMessage().startsWith("101.dat: ends after 50 of 100 frames"), e.getMessage());
	}

	@Test
	void headerAndDataMismatch() throws IOException {
		int[] stream = {1, 2, 3, 4, 5, 6};
		Files.write(folder.resolve("m.dat"), encode(16, stream));
		// more data than the header says
		Files.writeString(folder.resolve("m.hea"), "m 2 360 2\nm.dat 16 200 16 0\nm.dat 16 200 16 0\n");
		IOException e = assertThrows(IOException.class, () -> WfdbRecords.read(folder.resolve("m.hea")));
		assertTrue(e.getMessage().contains("m.dat: has 3 frames, but m.hea says 2"), e.getMessage());
		// wrong checksum
		Files.writeString(folder.resolve("m.hea"), "m 2 360 3\nm.dat 16 200 16 0 1 9\nm.dat 16 200 16 0 2 13\n");
		e = assertThrows(IOException.class, () -> WfdbRecords.read(folder.resolve("m.hea")));
		assertEquals("m.hea line 3 (signal 1): checksum 13 does not match the data's 12 in m.dat; header and data do not match", e.getMessage());
		// wrong initial value
		Files.writeString(folder.resolve("m.hea"), "m 2 360 3\nm.dat 16 200 16 0 7\nm.dat 16 200 16 0\n");
		e = assertThrows(IOException.class, () -> WfdbRecords.read(folder.resolve("m.hea")));
		assertTrue(e.getMessage().contains("m.hea line 2") && e.getMessage().contains("initial value 7"), e.getMessage());
	}

	@Test
	void unsupportedFormat() throws IOException {
		Files.write(folder.resolve("101.dat"), new byte[6]);
		Files.writeString(folder.resolve("101.hea"), "101 2 360 1\n101.dat 999 200\n101.dat 999 200\n");
		IOException e = assertThrows(IOException.class, () -> WfdbRecords.read(folder.resolve("101.hea")));
		assertEquals("101.hea line 2: signal format 999 is not supported; supported: 212, 16, 80, 61, 310, 311", e.getMessage());
	}

	@Test
	void missingSignalFile() throws IOException {
		Files.writeString(folder.resolve("101.hea"), "101 1 360 1\n101.dat 212 200\n");
		NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> WfdbRecords.read(folder.resolve("101.hea")));
		assertTrue(e.getMessage().contains("101.dat") && e.getMessage().contains("101.hea line 2"), e.getMessage());
	}

	@Test
	void headerErrorsNameTheLine() throws IOException {
		Path header = folder.resolve("101.hea");
		Files.writeString(header, "# a comment\n101 2 360 650000\n101.dat\n101.dat 212 200\n");
		IOException e = assertThrows(IOException.class, () -> WfdbHeader.parse(header));
		assertEquals("101.hea line 3: expected a signal line 'file format gain ...', got '101.dat'", e.getMessage());

		Files.writeString(header, "101 2 360 650000\n101.dat 212 200\n101.dat 212 abc 11\n");
		e = assertThrows(IOException.class, () -> WfdbHeader.parse(header));
		assertTrue(e.getMessage().startsWith("101.hea line 3: field 'gain'"), e.getMessage());

		Files.writeString(header, "101 2 360 650000\n101.dat 212 200\n");
		e = assertThrows(IOException.class, () -> WfdbHeader.parse(header));
		assertTrue(e.getMessage().startsWith("101.hea: the record line declares 2 signals, but there are 1"), e.getMessage());

		Files.writeString(header, "101 x 360\n");
		e = assertThrows(IOException.class, () -> WfdbHeader.parse(header));
		assertTrue(e.getMessage().startsWith("101.hea line 1: field 'number of signals'"), e.getMessage());

		Files.writeString(header, "multi/3 2 360\n");
		e = assertThrows(IOException.class, () -> WfdbHeader.parse(header));
		assertTrue(e.getMessage().contains("multi-segment"), e.getMessage());
	}
}
