package org.convkit.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgRecord;

/**
 * EDF+ and CSV files made from a real record's first seconds (the shared data has no EDF or CSV
 * records of its own): the fuzz suite damages these.
 */
final class EcgSamples {

	private EcgSamples() {}

	/** EDF+C with 1-s data records: each lead as 16-bit values (200 per mV) and an annotation signal of TALs. */
	static byte[] edf(EcgRecord record, List<Annotation> annotations, int seconds, int dataRecords) {
		List<EcgRecord.Lead> leads = record.leads();
		int ns = leads.size() + 1;
		int annBytes = 256; // 128 samples
		StringBuilder h = new StringBuilder();
		h.append(pad("0", 8)).append(pad("X X X X", 80)).append(pad("Startdate X X X X", 80))
			.append(pad("01.01.26", 8)).append(pad("00.00.00", 8)).append(pad(Integer.toString(256 * (ns + 1)), 8))
			.append(pad("EDF+C", 44)).append(pad(Integer.toString(dataRecords), 8)).append(pad("1", 8)).append(pad(Integer.toString(ns), 4));
		for (EcgRecord.Lead l : leads) h.append(pad(l.name(), 16));
		h.append(pad("EDF Annotations", 16));
		for (int s = 0; s < ns; s++) h.append(pad("", 80));
		for (EcgRecord.Lead l : leads) h.append(pad(l.units(), 8));
		h.append(pad("", 8));
		for (int s = 0; s < ns; s++) h.append(pad("-163.84", 8));
		for (int s = 0; s < ns; s++) h.append(pad("163.835", 8));
		for (int s = 0; s < ns; s++) h.append(pad("-32768", 8));
		for (int s = 0; s < ns; s++) h.append(pad("32767", 8));
		for (int s = 0; s < ns; s++) h.append(pad("", 80));
		for (EcgRecord.Lead l : leads) h.append(pad(Integer.toString((int) Math.round(l.frequency())), 8));
		h.append(pad(Integer.toString(annBytes / 2), 8));
		for (int s = 0; s < ns; s++) h.append(pad("", 32));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
		for (int r = 0; r < Math.min(seconds, dataRecords); r++) {
			for (EcgRecord.Lead l : leads) {
				int n = (int) Math.round(l.frequency());
				for (int i = 0; i < n; i++) {
					int v = Math.round(l.samples()[r * n + i] * 200);
					out.write(v & 0xff);
					out.write(v >> 8 & 0xff);
				}
			}
			StringBuilder tals = new StringBuilder("+" + r + "\u0014\u0014\0");
			for (Annotation a : annotations) {
				double t = a.sample() / record.frequency();
				if (t >= r && t < r + 1 && tals.length() < annBytes - 24) {
					tals.append(String.format(Locale.ROOT, "+%.4f\u0014%s\u0014\0", t, a.symbol()));
				}
			}
			byte[] text = tals.toString().getBytes(StandardCharsets.UTF_8);
			byte[] field = new byte[annBytes];
			System.arraycopy(text, 0, field, 0, Math.min(text.length, annBytes));
			out.writeBytes(field);
		}
		return out.toByteArray();
	}

	/** A CSV record: time column and each lead with its units, {@code rows} rows. */
	static String csv(EcgRecord record, int rows) {
		StringBuilder s = new StringBuilder("time");
		for (EcgRecord.Lead l : record.leads()) s.append(',').append(l.name()).append(" (").append(l.units()).append(')');
		s.append('\n');
		for (int r = 0; r < rows; r++) {
			s.append(String.format(Locale.ROOT, "%.6f", r / record.frequency()));
			for (EcgRecord.Lead l : record.leads()) s.append(',').append(String.format(Locale.ROOT, "%.3f", l.samples()[r]));
			s.append('\n');
		}
		return s.toString();
	}

	private static String pad(String s, int width) {
		String t = s.length() > width ? s.substring(0, width) : s;
		return t + " ".repeat(width - t.length());
	}
}
