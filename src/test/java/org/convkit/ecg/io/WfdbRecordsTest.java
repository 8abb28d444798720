package org.convkit.ecg.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.convkit.ecg.EcgRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** WFDB records from the shared real data (skipped when ../shared/data is absent). */
class WfdbRecordsTest {

	static final Path DATA = Path.of("..", "shared", "data");

	static Path require(String relative) {
		Path path = DATA.resolve(relative);
		Assumptions.assumeTrue(Files.exists(path), "real data " + path + " is absent (see ../shared/data/README.md); skipping");
		return path;
	}

	/** Format 212 by hand: low byte, shared nibble byte, high byte. */
	static int[] decode212(byte[] b, int samples) {
		int[] out = new int[samples];
		for (int k = 0; k < samples; k++) {
			int group = k / 2 * 3;
			int nibbles = b[group + 1] & 0xFF;
			int v = k % 2 == 0 ? (b[group] & 0xFF) + (nibbles % 16) * 256 : (b[group + 2] & 0xFF) + (nibbles / 16) * 256;
			out[k] = v >= 2048 ? v - 4096 : v;
		}
		return out;
	}

	@Test
	void record101() throws IOException {
		Path header = require("mitdb/101.hea");
		WfdbHeader h = WfdbHeader.parse(header);
		assertEquals("101", h.recordName());
		assertEquals(360, h.frequency());
		assertEquals(650000, h.length());
		assertEquals(2, h.signals().size());
		assertEquals(1024, h.signals().get(0).adcZero());
		assertEquals(1024, h.signals().get(0).baseline(), "baseline defaults to ADC zero");
		assertEquals(List.of("75 F 1011 654 x1", "Diapres"), h.comments());

		EcgRecord record = WfdbRecords.read(header);
		assertEquals("101", record.name());
		assertEquals(360, record.frequency());
		assertEquals(List.of("MLII", "V1"), record.leads().stream().map(EcgRecord.Lead::name).toList());
		for (EcgRecord.Lead lead : record.leads()) {
			assertEquals(650000, lead.samples().length);
			assertEquals(360, lead.frequency());
			assertEquals("mV", lead.units());
		}
		// The file starts 187 51 224: MLII = 187 + 3*256 = 955, V1 = 224 + 3*256 = 992 (the header's
		// initial values), i.e. (955-1024)/200 = -0.345 mV and (992-1024)/200 = -0.16 mV.
		byte[] raw = Files.readAllBytes(header.resolveSibling("101.dat"));
		assertEquals(187, raw[0] & 0xFF);
		assertEquals(51, raw[1] & 0xFF);
		assertEquals(224, raw[2] & 0xFF);
		assertEquals(-0.345f, record.leads().get(0).samples()[0]);
		assertEquals(-0.16f, record.leads().get(1).samples()[0]);
		int frames = 2000;
		int[] adc = decode212(raw, frames * 2);
		for (int t = 0; t < frames; t++) {
			assertEquals((float) ((adc[2 * t] - 1024) / 200.0), record.leads().get(0).samples()[t], "MLII " + t);
			assertEquals((float) ((adc[2 * t + 1] - 1024) / 200.0), record.leads().get(1).samples()[t], "V1 " + t);
		}
		// and the last frame
		int last = 650000 - 1;
		int[] tail = decode212(java.util.Arrays.copyOfRange(raw, last * 3, last * 3 + 3), 2);
		assertEquals((float) ((tail[0] - 1024) / 200.0), record.leads().get(0).samples()[last]);
		assertEquals((float) ((tail[1] - 1024) / 200.0), record.leads().get(1).samples()[last]);
	}

	@Test
	void everyMitdbRecordMatchesItsHeaderChecksums() throws IOException {
		Path folder = require("mitdb");
		List<Path> headers;
		try (Stream<Path> files = Files.list(folder)) {
			headers = files.filter(p -> p.toString().endsWith(".hea")).sorted().toList();
		}
		assertTrue(headers.size() > 0);
		for (Path header : headers) {
			EcgRecord record = WfdbRecords.read(header); // checks initial values and checksums
			assertEquals(650000, record.leads().get(0).samples().length, header.toString());
		}
	}

	@Test
	void ptbRecordWithTwoSignalFiles() throws IOException {
		Path header = require("wfdb-samples/s0010_re.hea");
		EcgRecord record = WfdbRecords.read(header);
		assertEquals(1000, record.frequency());
		assertEquals(List.of("i", "ii", "iii", "avr", "avl", "avf", "v1", "v2", "v3", "v4", "v5", "v6", "vx", "vy", "vz"),
			record.leads().stream().map(EcgRecord.Lead::name).toList());
		for (EcgRecord.Lead lead : record.leads()) assertEquals(38400, lead.samples().length);
		// format 16, gain 2000, baseline 0: initial values -489 (i) and -3 (vx, first signal of .xyz)
		assertEquals((float) (-489 / 2000.0), record.lead("i").samples()[0]);
		assertEquals((float) (-3 / 2000.0), record.lead("vx").samples()[0]);
		byte[] xyz = Files.readAllBytes(header.resolveSibling("s0010_re.xyz"));
		for (int t = 0; t < 100; t++) {
			int i = t * 6 + 4; // vz: third int16 of a 3-signal frame
			int v = (short) ((xyz[i] & 0xFF) + (xyz[i + 1] << 8));
			assertEquals((float) (v / 2000.0), record.lead("vz").samples()[t], "vz " + t);
		}
		WfdbHeader h = WfdbHeader.parse(header);
		assertTrue(h.comments().contains("age: 81"), h.comments().toString());
	}

	@Test
	void multiFrequencyRecordWithSkew() throws IOException {
		Path header = require("wfdb-samples/03700181.hea");
		WfdbHeader h = WfdbHeader.parse(header);
		assertEquals(4, h.signals().get(0).samplesPerFrame());
		assertEquals(0, h.signals().get(0).skew());
		assertEquals(1, h.signals().get(2).samplesPerFrame());
		assertEquals(4, h.signals().get(2).skew(), "'212:4' is a skew of 4 frames, not 4 samples per frame");
		assertEquals(-1605, h.signals().get(1).baseline());
		assertEquals("mmHg", h.signals().get(1).units());
		assertEquals("17:27:45", h.baseTime());
		assertEquals("15/08/1994", h.baseDate());

		EcgRecord record = WfdbRecords.read(header);
		assertEquals(125, record.frequency());
		EcgRecord.Lead mcl1 = record.lead("MCL1"), abp = record.lead("ABP"), resp = record.lead("RESP");
		assertEquals(500, mcl1.frequency());
		assertEquals(300000, mcl1.samples().length);
		assertEquals(125, abp.frequency());
		assertEquals(75000, abp.samples().length);
		assertEquals(125, resp.frequency());
		assertEquals(75000, resp.samples().length);

		byte[] raw = Files.readAllBytes(header.resolveSibling("03700181.dat"));
		int frames = 50;
		int[] adc = decode212(raw, frames * 6); // a frame: 4 MCL1, 1 ABP, 1 RESP
		for (int t = 0; t < frames; t++) {
			for (int k = 0; k < 4; k++) {
				assertEquals((float) (adc[t * 6 + k] / 2963.77), mcl1.samples()[t * 4 + k], "MCL1 " + (t * 4 + k));
			}
			assertEquals((float) ((adc[t * 6 + 4] + 1605) / 12.84), abp.samples()[t], "ABP " + t);
			if (t + 4 < frames) assertEquals((float) (adc[(t + 4) * 6 + 5] / 2000.0), resp.samples()[t], "RESP " + t);
		}
		assertEquals(-304, adc[5], "RESP's header initial value is the stored (unskewed) first sample");
		assertEquals((float) (-208 / 2000.0), resp.samples()[0], "RESP sample 0 comes from frame 4");
		// the last 4 RESP samples would lie past the end of the file
		for (int t = 75000 - 4; t < 75000; t++) assertTrue(Float.isNaN(resp.samples()[t]), "RESP " + t);
		assertTrue(!Float.isNaN(resp.samples()[75000 - 5]));
	}

	@Test
	void v102s() throws IOException {
		Path header = require("wfdb-samples/v102s.hea");
		EcgRecord record = WfdbRecords.read(header);
		assertEquals(250, record.frequency());
		assertEquals(List.of("II", "V", "PLETH", "RESP"), record.leads().stream().map(EcgRecord.Lead::name).toList());
		assertEquals(List.of("mV", "mV", "NU", "NU"), record.leads().stream().map(EcgRecord.Lead::units).toList());
		for (EcgRecord.Lead lead : record.leads()) assertEquals(75000, lead.samples().length);
		// adczero 0, so baseline 0: II starts at -26 / 2281
		assertEquals((float) (-26 / 2281.0), record.lead("II").samples()[0]);
		assertEquals((float) (340 / 1856.0), record.lead("V").samples()[0]);
		assertEquals(List.of("Ventricular_Tachycardia", "False alarm"), WfdbHeader.parse(header).comments());
	}

	@Test
	void matlabSignalFileIsRefused() throws IOException {
		Path header = require("wfdb-samples/a103l.hea");
		WfdbHeader h = WfdbHeader.parse(header);
		assertEquals(24, h.signals().get(0).byteOffset());
		assertEquals(7247, h.signals().get(0).gain());
		IOException e = assertThrows(IOException.class, () -> WfdbRecords.read(header));
		assertTrue(e.getMessage().contains("a103l.hea line 2") && e.getMessage().contains("a103l.mat")
			&& e.getMessage().contains("MATLAB"), e.getMessage());
	}

	@Test
	void missingHeaderNamesTheFile() {
		Path header = Path.of("no-such-record-here.hea");
		NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> WfdbRecords.read(header));
		assertTrue(e.getMessage().contains("no-such-record-here.hea"), e.getMessage());
	}

	@Test
	void decode212HelperAgreesWithReader() {
		// 3 samples: 1, -1, 2047 -> bytes 01 F0 FF | FF 07
		byte[] b = {0x01, (byte) 0xF0, (byte) 0xFF, (byte) 0xFF, 0x07};
		assertArrayEquals(new int[] {1, -1, 2047}, decode212(b, 3));
		int[] out = new int[3];
		WfdbRecords.decode(212, b, 0, out);
		assertArrayEquals(new int[] {1, -1, 2047}, out);
	}
}
