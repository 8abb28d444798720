package org.convkit.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CsvTest {

	@Test
	void plainFieldsStayAsTheyAre() {
		assertEquals("208.hea", Csv.field("208.hea"));
		assertEquals("", Csv.field(""));
	}

	@Test
	void fieldsThatWouldBreakARowAreQuoted() {
		assertEquals("\"ward 3, bed 2.csv\"", Csv.field("ward 3, bed 2.csv"));
		assertEquals("\"the \"\"MLII\"\" lead\"", Csv.field("the \"MLII\" lead"));
		assertEquals("\"line one\nline two\"", Csv.field("line one\nline two"));
		assertEquals("\"line one\r\nline two\"", Csv.field("line one\r\nline two"));
		assertEquals("\" padded \"", Csv.field(" padded "));
	}
}
