package org.convkit.ecg.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgFiles;
import org.convkit.ecg.EcgRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defects the fuzz suite (org.convkit.fuzz.ReaderFuzzTest) found in the ECG readers, one test each,
 * and the warnings of {@link EcgFiles#readAnnotated}. Real records come from ../shared/data (skipped
 * when absent).
 */
class ReaderDefectsTest {

	@TempDir
	Path dir;

	private static void assertMessage(IOException e, String... parts) {
		for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + part + "' missing in: " + e.getMessage());
	}

	private Path copyRecord(String record, String asName) throws IOException {
		for (String ext : new String[] {"hea", "dat", "atr"}) {
			Path from = WfdbRecordsTest.require("mitdb/" + record + "." + ext);
			String name = ext.equals("dat") ? record + ".dat" : asName + "." + ext;
			Files.copy(from, dir.resolve(name));
		}
		return dir.resolve(asName + ".hea");
	}

	private static void sparse(Path file, byte[] head, long size) throws IOException {
		Files.write(file, head);
		try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
			raf.setLength(size);
		}
	}

	// ---- CSV

	@Test
	void binaryFileAsCsvSaysItIsNotText() throws IOException {
		Path file = dir.resolve("signal.csv");
		Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 1, 2, (byte) 0x80, 10});
		IOException e = assertThrows(IOException.class, () -> EcgFiles.read(file, 360));
		// was: "Input length = 1" (the UTF-8 decoder's MalformedInputException)
		assertMessage(e, "signal.csv", "is not a text (CSV) file");
	}

	@Test
	void csvWithNulBytesIsNotText() throws IOException {
		Path file = dir.resolve("zeros.csv");
		sparse(file, "time,MLII\n0,1\n".getBytes(StandardCharsets.UTF_8), 3L << 30);
		IOException e = assertThrows(IOException.class, () -> EcgFiles.read(file, 360));
		// was: OutOfMemoryError (a 3 GB line of NULs)
		assertMessage(e, "zeros.csv line 3", "NUL bytes");
	}

	@Test
	void csvWithAMillionColumnsIsRefused() throws IOException {
		Path file = dir.resolve("wide.csv");
		Files.writeString(file, "time" + ",x".repeat(1_000_000) + "\n0" + ",1".repeat(1_000_000) + "\n");
		IOException e = assertThrows(IOException.class, () -> EcgFiles.read(file, 360));
		// was: OutOfMemoryError (1024 doubles reserved per column)
		assertMessage(e, "wide.csv line 1", "1000001 columns", "at most " + CsvRecords.MAX_COLUMNS);
	}

	// ---- EDF

	@Test
	void edfWithNoDataRecordsSaysSo() throws IOException {
		Path file = dir.resolve("empty.edf");
		EdfRecordsTest.Sig ecg = new EdfRecordsTest.Sig("ECG I", "mV", "-3.2768", "3.2767", "-32768", "32767", 4, new short[0][]);
		Files.write(file, EdfRecordsTest.edf("0", "", "0", "1", List.of(ecg), null));
		IOException e = assertThrows(IOException.class, () -> EcgFiles.readAnnotated(file, 360));
		// was: a record whose leads had no samples, failing later (detection, beat windows)
		assertEquals("empty.edf: holds no data records (header field 'number of data records' is 0)", e.getMessage());
	}

	@Test
	void edfOfGigabytesIsRefusedBeforeReading() throws IOException {
		Path file = dir.resolve("huge.edf");
		EdfRecordsTest.Sig ecg = new EdfRecordsTest.Sig("ECG I", "mV", "-3.2768", "3.2767", "-32768", "32767", 4, new short[][] {{0, 1, 2, 3}});
		sparse(file, EdfRecordsTest.edf("0", "", "-1", "1", List.of(ecg), null), 3L << 30);
		IOException e = assertThrows(IOException.class, () -> EcgFiles.read(file, 360));
		// was: OutOfMemoryError from Files.readAllBytes
		assertMessage(e, "huge.edf: is 3221225472 bytes");
	}

	// ---- WFDB

	@Test
	void signalFileOfGigabytesIsRefusedBeforeReading() throws IOException {
		Path hea = copyRecord("101", "101");
		Files.delete(dir.resolve("101.dat"));
		sparse(dir.resolve("101.dat"), new byte[3000], 3L << 30);
		IOException e = assertThrows(IOException.class, () -> EcgFiles.read(hea, 360));
		// was: OutOfMemoryError from Files.readAllBytes
		assertMessage(e, "101.dat", "1073741824 frames", "650000");
	}

	@Test
	void headerOfGigabytesIsRefusedBeforeReading() throws IOException {
		Path hea = copyRecord("101", "101");
		byte[] text = Files.readAllBytes(hea);
		sparse(hea, text, 3L << 30);
		IOException e = assertThrows(IOException.class, () -> EcgFiles.read(hea, 360));
		// was: OutOfMemoryError from Files.readAllLines
		assertMessage(e, "101.hea: is 3221225472 bytes", "a WFDB header");
	}

	@Test
	void samplesPerFrameThatOverflowAreRefused() throws IOException {
		Path hea = copyRecord("101", "101");
		Files.writeString(hea, Files.readString(hea).replace(" 212 ", " 212x2000000000 "));
		IOException e = assertThrows(IOException.class, () -> EcgFiles.read(hea, 360));
		// was: "101.dat: ends after 0 of 650000 frames" (the frame size overflowed an int and the signal file was blamed)
		assertMessage(e, "101.hea line 2", "samples per frame", "2000000000");
	}

	// ---- annotations: truncated files are read with a warning

	@Test
	void truncatedAnnotationsWithoutEndMarkerWarn() throws IOException {
		Path hea = copyRecord("208", "208");
		Path atr = dir.resolve("208.atr");
		byte[] whole = Files.readAllBytes(atr);
		List<Annotation> all = WfdbAnnotations.read(atr);
		Files.write(atr, Arrays.copyOf(whole, whole.length - 2)); // the end-of-file marker gone
		EcgFiles.Annotated read = EcgFiles.readAnnotated(hea, 360);
		// the last annotation is left out: modifiers of it may have been cut off with the marker
		int kept = all.size() - 1;
		assertEquals(List.of("208.atr: truncated after " + kept + " annotations (no end-of-file marker); scores use only those"), read.warnings());
		assertEquals(all.subList(0, kept), read.annotations().orElseThrow());
		// the plain reader refuses it, naming the file
		IOException e = assertThrows(IOException.class, () -> WfdbAnnotations.read(atr));
		assertMessage(e, "208.atr: no end-of-file marker");
	}

	@Test
	void annotationsCutMidAnnotationWarnAndKeepTheWholeOnes() throws IOException {
		Path hea = copyRecord("208", "208");
		Path atr = dir.resolve("208.atr");
		byte[] whole = Files.readAllBytes(atr);
		List<Annotation> all = WfdbAnnotations.read(atr);
		int cut = whole.length / 2 | 1; // an odd length: cut inside a word
		Files.write(atr, Arrays.copyOf(whole, cut));
		EcgFiles.Annotated read = EcgFiles.readAnnotated(hea, 360);
		List<Annotation> some = read.annotations().orElseThrow();
		assertEquals(1, read.warnings().size());
		String warning = read.warnings().get(0);
		assertTrue(warning.startsWith("208.atr: truncated after " + some.size() + " annotations (cut inside ")
			&& warning.endsWith("); scores use only those"), warning);
		assertTrue(some.size() > 0 && some.size() < all.size());
		assertEquals(all.subList(0, some.size()), some);
	}

	@Test
	void wholeRecordsHaveNoWarnings() throws IOException {
		Path hea = copyRecord("101", "101");
		assertEquals(List.of(), EcgFiles.readAnnotated(hea, 360).warnings());
	}

	// ---- a header naming another record

	@Test
	void headerNamingAnotherRecordWarns() throws IOException {
		Path hea = copyRecord("101", "copy");
		EcgFiles.Annotated read = EcgFiles.readAnnotated(hea, 360);
		assertEquals(1, read.warnings().size());
		assertTrue(read.warnings().get(0).startsWith("copy.hea names record '101'; read as record 'copy'"), read.warnings().get(0));
		EcgRecord record = read.record();
		assertEquals(650000, record.leads().get(0).samples().length);
		assertTrue(read.annotations().isPresent(), "copy.atr is read");
	}

	@Test
	void headerNamingAnotherRecordWhoseSignalFileIsMissingIsAnError() throws IOException {
		Path hea = copyRecord("101", "copy");
		Files.delete(dir.resolve("101.dat"));
		IOException e = assertThrows(IOException.class, () -> EcgFiles.readAnnotated(hea, 360));
		assertMessage(e, "101.dat", "signal file not found (named in copy.hea line 2)");
	}
}
