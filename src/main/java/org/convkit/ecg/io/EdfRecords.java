package org.convkit.ecg.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgRecord;

/**
 * European Data Format records: EDF and continuous EDF+ ({@code EDF+C}); discontinuous EDF+
 * ({@code EDF+D}) is refused.
 *
 * <p>A 256-byte header, 256 header bytes per signal (each field stored for all signals in turn),
 * then data records holding each signal's samples-per-record little-endian 16-bit integers. Digital
 * values map linearly onto physical ones through the signal's physical and digital minimum and
 * maximum; each lead's frequency is its samples per record over the record duration. The record's
 * frequency is the highest lead frequency. The {@code EDF Annotations} signal is not a lead: its
 * time-stamped annotation lists (TALs) become {@link Annotation}s at the record's frequency, the
 * annotation text as symbol. Errors name the file and the header field.
 */
public final class EdfRecords {

	/** The label of EDF+'s annotation signal. */
	public static final String ANNOTATIONS_LABEL = "EDF Annotations";

	/** A record and the annotations its EDF+ annotation signal holds (none for plain EDF). */
	public record Contents(EcgRecord record, List<Annotation> annotations) {}

	private EdfRecords() {}

	/** Reads the record (leads in physical units). */
	public static EcgRecord read(Path file) throws IOException {
		return readWithAnnotations(file).record();
	}

	/** Reads the record and its EDF+ annotations. */
	public static Contents readWithAnnotations(Path file) throws IOException {
		String label = file.getFileName().toString();
		long size;
		try {
			size = ReadLimits.size(file, ReadLimits.MAX_ARRAY, "an EDF record");
		}
		catch (NoSuchFileException e) {
			throw new IOException(label + ": no such file (" + file.toAbsolutePath() + "); expected an EDF record", e);
		}
		// the file and its samples in floats (two bytes each)
		ReadLimits.requireMemory(label, size + 2 * size, "reading this EDF file");
		byte[] bytes = Files.readAllBytes(file);
		if (bytes.length < 256) {
			throw new IOException(label + ": is " + bytes.length + " bytes long; expected an EDF header of at least 256 bytes");
		}
		Header h = new Header(bytes, label);
		String version = h.text(0, 8, "version");
		if (!version.equals("0")) throw new IOException(label + ": header field 'version' is '" + version + "'; expected '0' (EDF)");
		String reserved = h.text(192, 44, "reserved");
		if (reserved.startsWith("EDF+D")) {
			throw new IOException(label + ": is discontinuous EDF+ (EDF+D); only EDF and continuous EDF+ (EDF+C) are supported");
		}
		int headerBytes = h.integer(184, 8, "number of bytes in header");
		long records = h.integer(236, 8, "number of data records");
		double recordDuration = h.number(244, 8, "duration of a data record");
		int ns = h.integer(252, 4, "number of signals");
		if (ns < 1) throw new IOException(label + ": header field 'number of signals' is " + ns + "; expected at least 1");
		if (headerBytes != 256 * (ns + 1)) {
			throw new IOException(label + ": header field 'number of bytes in header' is " + headerBytes + "; expected "
				+ 256 * (ns + 1) + " for " + ns + " signals");
		}
		if (bytes.length < headerBytes) {
			throw new IOException(label + ": is truncated: " + bytes.length + " bytes, but the header of " + ns + " signals needs " + headerBytes);
		}
		String[] labels = new String[ns], units = new String[ns];
		double[] physMin = new double[ns], physMax = new double[ns];
		int[] digMin = new int[ns], digMax = new int[ns], perRecord = new int[ns];
		int base = 256;
		for (int s = 0; s < ns; s++) labels[s] = h.text(base + s * 16, 16, "label", s);
		base += ns * (16 + 80);
		for (int s = 0; s < ns; s++) units[s] = h.text(base + s * 8, 8, "physical dimension", s);
		base += ns * 8;
		for (int s = 0; s < ns; s++) physMin[s] = h.number(base + s * 8, 8, "physical minimum", s);
		base += ns * 8;
		for (int s = 0; s < ns; s++) physMax[s] = h.number(base + s * 8, 8, "physical maximum", s);
		base += ns * 8;
		for (int s = 0; s < ns; s++) digMin[s] = h.integer(base + s * 8, 8, "digital minimum", s);
		base += ns * 8;
		for (int s = 0; s < ns; s++) digMax[s] = h.integer(base + s * 8, 8, "digital maximum", s);
		base += ns * (8 + 80);
		for (int s = 0; s < ns; s++) perRecord[s] = h.integer(base + s * 8, 8, "number of samples in each data record", s);

		long recordBytes = 0;
		List<Integer> dataSignals = new ArrayList<>();
		int annotationSignal = -1;
		for (int s = 0; s < ns; s++) {
			String where = "signal " + (s + 1) + " ('" + labels[s] + "')";
			if (perRecord[s] < 1) throw new IOException(label + ": header field 'number of samples in each data record' of " + where + " is " + perRecord[s] + "; expected at least 1");
			recordBytes += 2L * perRecord[s];
			if (labels[s].equals(ANNOTATIONS_LABEL)) {
				if (annotationSignal < 0) annotationSignal = s;
				continue;
			}
			if (digMax[s] <= digMin[s]) {
				throw new IOException(label + ": header field 'digital maximum' of " + where + " is " + digMax[s]
					+ "; expected above the digital minimum " + digMin[s]);
			}
			if (physMax[s] == physMin[s]) {
				throw new IOException(label + ": header field 'physical maximum' of " + where + " equals the physical minimum " + physMin[s]);
			}
			dataSignals.add(s);
		}
		if (dataSignals.isEmpty()) throw new IOException(label + ": has no signals besides '" + ANNOTATIONS_LABEL + "'; expected at least one lead");
		if (!(recordDuration > 0)) {
			throw new IOException(label + ": header field 'duration of a data record' is " + recordDuration + "; expected a positive number of seconds");
		}
		long available = (bytes.length - headerBytes) / recordBytes;
		long declared = records;
		if (records == -1) records = available;
		else if (records < 0) throw new IOException(label + ": header field 'number of data records' is " + records + "; expected a count or -1");
		else if (available < records) {
			throw new IOException(label + ": is truncated: the header says " + records + " data records of " + recordBytes
				+ " bytes, but the file holds " + (bytes.length - headerBytes) + " bytes after the header (" + available + " whole records)");
		}
		if (records == 0) {
			throw new IOException(label + ": holds no data records (header field 'number of data records' is " + declared
				+ (bytes.length > headerBytes ? ", and " + (bytes.length - headerBytes) + " bytes follow the header" : "") + ")");
		}
		int r = (int) records;
		if (records * recordBytes > Integer.MAX_VALUE) throw new IOException(label + ": is too large (" + records + " data records)");

		float[][] samples = new float[ns][];
		double[] gain = new double[ns], offset = new double[ns];
		for (int s : dataSignals) {
			samples[s] = new float[r * perRecord[s]];
			gain[s] = (physMax[s] - physMin[s]) / ((double) digMax[s] - digMin[s]);
			offset[s] = physMin[s] - digMin[s] * gain[s];
		}
		double frequency = 0;
		for (int s : dataSignals) frequency = Math.max(frequency, perRecord[s] / recordDuration);
		if (!Double.isFinite(frequency)) {
			throw new IOException(label + ": header field 'duration of a data record' is " + recordDuration + " s, which gives an infinite sampling frequency");
		}
		List<Annotation> annotations = new ArrayList<>();
		int pos = headerBytes;
		for (int rec = 0; rec < r; rec++) {
			for (int s = 0; s < ns; s++) {
				int n = perRecord[s];
				if (samples[s] != null) {
					float[] out = samples[s];
					double g = gain[s], o = offset[s];
					int at = rec * n;
					for (int i = 0; i < n; i++, pos += 2) {
						int digital = (short) ((bytes[pos] & 0xff) | (bytes[pos + 1] << 8));
						out[at + i] = (float) (o + g * digital);
					}
				} else {
					if (s == annotationSignal) parseTals(bytes, pos, 2 * n, frequency, label, rec, annotations);
					pos += 2 * n;
				}
			}
		}
		String name = label.contains(".") ? label.substring(0, label.lastIndexOf('.')) : label;
		List<EcgRecord.Lead> leads = new ArrayList<>();
		for (int s : dataSignals) {
			leads.add(new EcgRecord.Lead(labels[s], units[s], perRecord[s] / recordDuration, samples[s]));
		}
		return new Contents(new EcgRecord(name, frequency, leads), List.copyOf(annotations));
	}

	/**
	 * Time-stamped annotation lists: {@code +onset[\u0015duration]\u0014text\u0014...\u0014\0};
	 * the first of each data record keeps time and carries no text.
	 */
	private static void parseTals(byte[] b, int from, int length, double frequency, String label, int rec, List<Annotation> out)
		throws IOException
	{
		int end = from + length, i = from;
		while (i < end && b[i] != 0) {
			int talEnd = i;
			while (talEnd < end && b[talEnd] != 0) talEnd++;
			String tal = new String(b, i, talEnd - i, StandardCharsets.UTF_8);
			String[] parts = tal.split("\u0014", -1);
			String time = parts[0];
			int dur = time.indexOf('\u0015');
			String onsetText = dur < 0 ? time : time.substring(0, dur);
			double onset;
			try {
				onset = Double.parseDouble(onsetText);
			}
			catch (NumberFormatException e) {
				throw new IOException(label + ": data record " + (rec + 1) + " of '" + ANNOTATIONS_LABEL + "': onset '" + onsetText
					+ "' is not a number; expected e.g. +12.5");
			}
			for (int p = 1; p < parts.length; p++) {
				String text = parts[p];
				if (!text.isEmpty()) out.add(new Annotation(Math.round(onset * frequency), text, 0, 0, 0, ""));
			}
			i = talEnd;
			while (i < end && b[i] == 0) i++;
		}
	}

	/** Reads header fields: printable ASCII, left-justified, space-padded. */
	private record Header(byte[] bytes, String label) {

		String text(int offset, int length, String field) {
			return new String(bytes, offset, length, StandardCharsets.US_ASCII).strip();
		}

		String text(int offset, int length, String field, int signal) {
			return text(offset, length, field);
		}

		int integer(int offset, int length, String field) throws IOException {
			return integer(offset, length, field, -1);
		}

		int integer(int offset, int length, String field, int signal) throws IOException {
			String t = text(offset, length, field);
			try {
				return Integer.parseInt(t.startsWith("+") ? t.substring(1) : t);
			}
			catch (NumberFormatException e) {
				throw new IOException(label + ": header field '" + field + "'" + of(signal) + " is '" + t + "'; expected an integer");
			}
		}

		double number(int offset, int length, String field) throws IOException {
			return number(offset, length, field, -1);
		}

		double number(int offset, int length, String field, int signal) throws IOException {
			String t = text(offset, length, field);
			try {
				double v = Double.parseDouble(t);
				if (Double.isFinite(v) && !t.isEmpty() && !t.chars().anyMatch(Character::isLetter)) return v;
			}
			catch (NumberFormatException e) {
				// reported below
			}
			throw new IOException(label + ": header field '" + field + "'" + of(signal) + " is '" + t + "'; expected a number");
		}

		private static String of(int signal) {
			return signal < 0 ? "" : String.format(Locale.ROOT, " of signal %d", signal + 1);
		}
	}
}
