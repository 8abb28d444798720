package org.convkit.ecg.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvRecordsTest {

	@TempDir
	Path folder;

	@Test
	void withTimeColumn() throws IOException {
		StringBuilder text = new StringBuilder("time_s,MLII,V1 (uV)\n");
		for (int i = 0; i < 10; i++) text.append(String.format(java.util.Locale.ROOT, "%.4f,%d,%d%n", i / 250.0, i, -i));
		Path file = folder.resolve("x.csv");
		Files.writeString(file, text);
		EcgRecord record = CsvRecords.read(file, 999);
		assertEquals("x", record.name());
		assertEquals(250, record.frequency(), 1e-9);
		assertEquals(List.of("MLII", "V1"), record.leads().stream().map(EcgRecord.Lead::name).toList());
		assertEquals("mV", record.lead("MLII").units());
		assertEquals("uV", record.lead("V1").units());
		assertEquals(10, record.lead("V1").samples().length);
		assertEquals(-9f, record.lead("V1").samples()[9]);
		assertEquals(250, record.lead("MLII").frequency(), 1e-9);
	}

	@Test
	void withoutTimeColumn() throws IOException {
		Path file = folder.resolve("y.csv");
		Files.writeString(file, "\"I\", II\n0.5, -0.25\n1,2\n\n");
		EcgRecord record = CsvRecords.read(file, 360);
		assertEquals(360, record.frequency());
		assertEquals(List.of("I", "II"), record.leads().stream().map(EcgRecord.Lead::name).toList());
		assertEquals(0.5f, record.lead("I").samples()[0]);
		assertEquals(2f, record.lead("II").samples()[1]);
		IOException e = assertThrows(IOException.class, () -> CsvRecords.read(file, 0));
		assertTrue(e.getMessage().contains("no time column"), e.getMessage());
	}

	@Test
	void badFieldNamesLineAndColumn() throws IOException {
		StringBuilder text = new StringBuilder("t,V1\n");
		for (int i = 0; i < 15; i++) text.append(i * 0.004).append(",").append(i).append('\n');
		text.append("0.06,abc\n"); // line 17
		Path file = folder.resolve("x.csv");
		Files.writeString(file, text);
		IOException e = assertThrows(IOException.class, () -> CsvRecords.read(file, 0));
		assertEquals("x.csv line 17, field 'V1': expected a number, got 'abc'", e.getMessage());

		Files.writeString(file, "V1,V2\n1,2\n3,NaN\n");
		e = assertThrows(IOException.class, () -> CsvRecords.read(file, 100));
		assertEquals("x.csv line 3, field 'V2': expected a number, got 'NaN'", e.getMessage());

		Files.writeString(file, "V1,V2\n1,\n");
		e = assertThrows(IOException.class, () -> CsvRecords.read(file, 100));
		assertEquals("x.csv line 2, field 'V2': expected a number, got ''", e.getMessage());

		Files.writeString(file, "V1,V2\n1,2,3\n");
		e = assertThrows(IOException.class, () -> CsvRecords.read(file, 100));
		assertTrue(e.getMessage().startsWith("x.csv line 2: expected 2 fields"), e.getMessage());
	}

	@Test
	void nonUniformTimeIsAnError() throws IOException {
		Path file = folder.resolve("x.csv");
		Files.writeString(file, "time,V1\n0,1\n0.01,1\n0.02,1\n0.035,1\n0.04,1\n");
		IOException e = assertThrows(IOException.class, () -> CsvRecords.read(file, 0));
		assertTrue(e.getMessage().startsWith("x.csv line 5, field 'time': time step"), e.getMessage());
	}

	@Test
	void writePredictions() throws IOException {
		Path file = folder.resolve("out/pred.csv");
		CsvRecords.write(file, List.of(Annotation.of(0, "N"), Annotation.of(360, "V"), Annotation.of(540, "a,b")), 360);
		assertEquals("sample,time_s,symbol\n0,0.000000,N\n360,1.000000,V\n540,1.500000,\"a,b\"\n", Files.readString(file));
		try (var files = Files.list(file.getParent())) {
			assertEquals(1, files.count(), "no temporary left behind");
		}
	}
}
