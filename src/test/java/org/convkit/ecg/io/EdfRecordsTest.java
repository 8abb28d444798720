package org.convkit.ecg.io;

import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgFiles;
import org.convkit.ecg.EcgRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** EDF files encoded by hand, byte for byte, and read back. */
class EdfRecordsTest {

	@TempDir
	Path dir;

	/** One signal of a hand-made EDF file: header fields and its digital samples per data record. */
	record Sig(String label, String units, String physMin, String physMax, String digMin, String digMax, int perRecord, short[][] records) {}

	static byte[] edf(String version, String reserved, String records, String duration, List<Sig> signals, byte[][] annotationRecords) {
		int ns = signals.size() + (annotationRecords == null ? 0 : 1);
		int annPerRecord = annotationRecords == null ? 0 : annotationRecords[0].length / 2;
		StringBuilder h = new StringBuilder();
		h.append(pad(version, 8)).append(pad("X X X X", 80)).append(pad("Startdate X X X X", 80))
			.append(pad("01.01.26", 8)).append(pad("00.00.00", 8)).append(pad(Integer.toString(256 * (ns + 1)), 8))
			.append(pad(reserved, 44)).append(pad(records, 8)).append(pad(duration, 8)).append(pad(Integer.toString(ns), 4));
		field(h, signals, annotationRecords, 16, Sig::label, EdfRecords.ANNOTATIONS_LABEL);
		field(h, signals, annotationRecords, 80, s -> "AgAgCl electrode", "");
		field(h, signals, annotationRecords, 8, Sig::units, "");
		field(h, signals, annotationRecords, 8, Sig::physMin, "-1");
		field(h, signals, annotationRecords, 8, Sig::physMax, "1");
		field(h, signals, annotationRecords, 8, Sig::digMin, "-32768");
		field(h, signals, annotationRecords, 8, Sig::digMax, "32767");
		field(h, signals, annotationRecords, 80, s -> "HP:0.1Hz", "");
		field(h, signals, annotationRecords, 8, s -> Integer.toString(s.perRecord()), Integer.toString(annPerRecord));
		field(h, signals, annotationRecords, 32, s -> "", "");
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
		int n = signals.get(0).records().length;
		for (int r = 0; r < n; r++) {
			for (Sig s : signals) {
				for (short v : s.records()[r]) {
					out.write(v & 0xff);
					out.write((v >> 8) & 0xff);
				}
			}
			if (annotationRecords != null) out.writeBytes(annotationRecords[r]);
		}
		return out.toByteArray();
	}

	private static void field(StringBuilder h, List<Sig> signals, byte[][] ann, int width, java.util.function.Function<Sig, String> value, String annValue) {
		for (Sig s : signals) h.append(pad(value.apply(s), width));
		if (ann != null) h.append(pad(annValue, width));
	}

	private static String pad(String s, int width) {
		assertTrue(s.length() <= width, s);
		return s + " ".repeat(width - s.length());
	}

	/** TALs in an annotation signal of {@code bytes} bytes, zero-padded. */
	private static byte[] tals(int bytes, String... tals) {
		byte[] out = new byte[bytes];
		byte[] text = String.join("", tals).getBytes(StandardCharsets.UTF_8);
		System.arraycopy(text, 0, out, 0, text.length);
		return out;
	}

	private static final Sig ECG = new Sig("ECG I", "mV", "-3.2768", "3.2767", "-32768", "32767", 4,
		new short[][] {{0, 1000, -1000, 32767}, {-32768, 5, 10, -5}});
	private static final Sig RESP = new Sig("Resp", "uV", "0", "100", "0", "1000", 2, new short[][] {{0, 1000}, {500, 250}});

	@Test
	void readsPhysicalValuesAndEachLeadsFrequency() throws IOException {
		Path file = dir.resolve("rec.edf");
		Files.write(file, edf("0", "", "2", "1", List.of(ECG, RESP), null));
		EcgRecord record = EdfRecords.read(file);
		assertEquals("rec", record.name());
		assertEquals(4, record.frequency());
		assertEquals(2, record.leads().size());
		EcgRecord.Lead ecg = record.leads().get(0), resp = record.leads().get(1);
		assertEquals("ECG I", ecg.name());
		assertEquals("mV", ecg.units());
		assertEquals(4, ecg.frequency());
		assertArrayEquals(new float[] {0f, 0.1f, -0.1f, 3.2767f, -3.2768f, 0.0005f, 0.001f, -0.0005f}, ecg.samples(), 1e-7f);
		assertEquals(2, resp.frequency());
		assertEquals("uV", resp.units());
		assertArrayEquals(new float[] {0, 100, 50, 25}, resp.samples());
		// The one entry point reads it the same way.
		assertArrayEquals(ecg.samples(), EcgFiles.read(file, Double.NaN).leads().get(0).samples());
	}

	@Test
	void edfPlusContinuousSkipsTheAnnotationSignalAndReadsItsTals() throws IOException {
		Path file = dir.resolve("plus.edf");
		byte[][] ann = {
			tals(30, "+0\u0014\u0014\0", "+0.5\u0014N\u0014\0"),
			tals(30, "+2\u0014\u0014\0", "+2.25\u00150.1\u0014V\u0014A\u0014\0")};
		// Unknown number of records (-1): counted from the file size. Duration 2 s, 4 samples: 2 Hz.
		Files.write(file, edf("0", "EDF+C", "-1", "2", List.of(ECG), ann));
		EdfRecords.Contents contents = EdfRecords.readWithAnnotations(file);
		assertEquals(1, contents.record().leads().size());
		assertEquals(2, contents.record().frequency());
		assertEquals(8, contents.record().leads().get(0).samples().length);
		assertEquals(List.of(Annotation.of(1, "N"), Annotation.of(5, "V"), Annotation.of(5, "A")), contents.annotations());
		assertEquals(contents.annotations(), EcgFiles.annotations(file).orElseThrow());
		EcgFiles.Annotated both = EcgFiles.readAnnotated(file, Double.NaN);
		assertArrayEquals(contents.record().leads().get(0).samples(), both.record().leads().get(0).samples());
		assertEquals(contents.annotations(), both.annotations().orElseThrow());
	}

	@Test
	void discontinuousEdfPlusIsRefused() throws IOException {
		Path file = dir.resolve("d.edf");
		Files.write(file, edf("0", "EDF+D", "2", "1", List.of(ECG), null));
		IOException e = assertThrows(IOException.class, () -> EdfRecords.read(file));
		assertEquals("d.edf: is discontinuous EDF+ (EDF+D); only EDF and continuous EDF+ (EDF+C) are supported", e.getMessage());
	}

	@Test
	void truncatedFilesAreNamed() throws IOException {
		Path file = dir.resolve("cut.edf");
		byte[] whole = edf("0", "", "2", "1", List.of(ECG, RESP), null);
		Files.write(file, Arrays.copyOf(whole, whole.length - 3));
		IOException e = assertThrows(IOException.class, () -> EdfRecords.read(file));
		assertTrue(e.getMessage().startsWith("cut.edf: is truncated: the header says 2 data records of 12 bytes"), e.getMessage());
		Files.write(file, Arrays.copyOf(whole, 100));
		e = assertThrows(IOException.class, () -> EdfRecords.read(file));
		assertEquals("cut.edf: is 100 bytes long; expected an EDF header of at least 256 bytes", e.getMessage());
		Files.write(file, Arrays.copyOf(whole, 600));
		e = assertThrows(IOException.class, () -> EdfRecords.read(file));
		assertEquals("cut.edf: is truncated: 600 bytes, but the header of 2 signals needs 768", e.getMessage());
	}

	@Test
	void badHeaderFieldsAreNamed() throws IOException {
		Path file = dir.resolve("bad.edf");
		Files.write(file, edf("0", "", "2", "one", List.of(ECG), null));
		IOException e = assertThrows(IOException.class, () -> EdfRecords.read(file));
		assertEquals("bad.edf: header field 'duration of a data record' is 'one'; expected a number", e.getMessage());

		Sig badGain = new Sig("ECG", "mV", "-1", "1", "100", "100", 4, ECG.records());
		Files.write(file, edf("0", "", "2", "1", List.of(RESP, badGain), null));
		e = assertThrows(IOException.class, () -> EdfRecords.read(file));
		assertEquals("bad.edf: header field 'digital maximum' of signal 2 ('ECG') is 100; expected above the digital minimum 100", e.getMessage());

		Sig badMin = new Sig("ECG", "mV", "low", "1", "-32768", "32767", 4, ECG.records());
		Files.write(file, edf("0", "", "2", "1", List.of(badMin), null));
		e = assertThrows(IOException.class, () -> EdfRecords.read(file));
		assertEquals("bad.edf: header field 'physical minimum' of signal 1 is 'low'; expected a number", e.getMessage());

		Files.write(file, edf("1", "", "2", "1", List.of(ECG), null));
		e = assertThrows(IOException.class, () -> EdfRecords.read(file));
		assertEquals("bad.edf: header field 'version' is '1'; expected '0' (EDF)", e.getMessage());
	}

	@Test
	void theEntryPointNamesWhatItExpects() {
		IOException e = assertThrows(IOException.class, () -> EcgFiles.read(dir.resolve("x.txt"), 360));
		assertEquals("x.txt: unknown record type '.txt'; expected .hea (WFDB header), .edf (EDF/EDF+) or .csv", e.getMessage());
		e = assertThrows(IOException.class, () -> EcgFiles.read(dir.resolve("absent.edf"), 360));
		assertTrue(e.getMessage().startsWith("absent.edf: no such file ("), e.getMessage());
	}
}
