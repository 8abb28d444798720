package org.convkit.ecg.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed WFDB header ({@code .hea}) of a single-segment record: the record line
 * ({@code name nsig [freq[/counterfreq[(base)]] [nsamp [basetime [basedate]]]]}), one line per
 * signal ({@code file format[xspf][:skew][+offset] [gain[(baseline)][/units] [adcres [adczero
 * [initval [checksum [blocksize [description]]]]]]]}) and the comment lines ({@code # ...}).
 *
 * <p>Parsing checks syntax only; whether a signal format can be read is {@link WfdbRecords}'s
 * business. Errors name the file and the line: {@code 101.hea line 2: ...}.
 *
 * @param file        the header file
 * @param recordName  the record's name
 * @param frequency   sampling frequency of a frame in Hz (WFDB default 250 when absent)
 * @param counterFrequency counter frequency in Hz, or 0 when absent
 * @param length      number of frames, or -1 when the header does not say
 * @param baseTime    base time as written (e.g. 17:27:45), or "" when absent
 * @param baseDate    base date as written (e.g. 15/08/1994), or "" when absent
 * @param signals     the signals, in header order
 * @param comments    comment lines, without the '#' and surrounding blanks
 */
public record WfdbHeader(Path file, String recordName, double frequency, double counterFrequency, long length,
	String baseTime, String baseDate, List<Signal> signals, List<String> comments) {

	/** WFDB's default gain (ADC units per physical unit) when the header gives none or 0. */
	public static final double DEFAULT_GAIN = 200;
	/** The most samples of one signal per frame accepted (WFDB records use 1 to a few dozen). */
	public static final int MAX_SAMPLES_PER_FRAME = 1 << 20;
	/** The largest header read: headers are a few lines of text (comments included), never megabytes. */
	public static final long MAX_BYTES = 16 << 20;
	/** WFDB's default frame frequency when the record line gives none. */
	public static final double DEFAULT_FREQUENCY = 250;

	/**
	 * One signal line.
	 *
	 * @param line            1-based line number in the header, for error messages
	 * @param fileName        signal file name, relative to the header's folder
	 * @param format          storage format (212, 16, ...)
	 * @param samplesPerFrame samples of this signal per frame (1 unless {@code 212x4} style)
	 * @param skew            skew in frames ({@code :4}); sample t of the signal is stored in frame t + skew
	 * @param byteOffset      bytes to skip at the start of the signal file ({@code +24})
	 * @param gain            ADC units per physical unit; {@link #DEFAULT_GAIN} when absent or 0
	 * @param gainGiven       whether the header gave a non-zero gain
	 * @param baseline        ADC value of physical zero; defaults to adcZero
	 * @param units           physical units; "mV" when absent
	 * @param adcResolution   ADC resolution in bits (0 when absent)
	 * @param adcZero         ADC value of the middle of the ADC range (0 when absent)
	 * @param initialValue    first sample's ADC value, when given
	 * @param checksum        16-bit sum of all samples, when given
	 * @param blockSize       block size (0 when absent)
	 * @param description     signal description (lead name); "signal N" when absent
	 */
	public record Signal(int line, String fileName, int format, int samplesPerFrame, int skew, long byteOffset,
		double gain, boolean gainGiven, double baseline, String units, int adcResolution, int adcZero,
		OptionalInt initialValue, OptionalInt checksum, int blockSize, String description) {
	}

	public WfdbHeader {
		signals = List.copyOf(signals);
		comments = List.copyOf(comments);
	}

	private static final Pattern FORMAT = Pattern.compile("(\\d+)(?:x(\\d+))?(?::(-?\\d+))?(?:\\+(\\d+))?");
	private static final Pattern GAIN = Pattern.compile("([-+]?[0-9.]+(?:[eE][-+]?\\d+)?)(?:\\(([-+]?\\d+)\\))?(?:/(\\S+))?");
	private static final Pattern FREQUENCY = Pattern.compile("([0-9.eE+-]+)(?:/([0-9.eE+-]+)(?:\\(([-+]?\\d+)\\))?)?");

	/** Reads and parses a header file. */
	public static WfdbHeader parse(Path file) throws IOException {
		byte[] bytes;
		try {
			bytes = ReadLimits.readAll(file, MAX_BYTES, "a WFDB header (text)");
		}
		catch (NoSuchFileException e) {
			throw new NoSuchFileException(file.toString(), null, "WFDB header not found");
		}
		return parse(file, new String(bytes, StandardCharsets.ISO_8859_1).lines().toList());
	}

	/** Parses header lines; {@code file} names the header in errors and locates signal files. */
	public static WfdbHeader parse(Path file, List<String> lines) throws IOException {
		String fileLabel = file.getFileName().toString();
		List<String> comments = new ArrayList<>();
		List<Signal> signals = new ArrayList<>();
		String recordName = null;
		int signalCount = 0;
		double frequency = DEFAULT_FREQUENCY, counterFrequency = 0;
		long length = -1;
		String baseTime = "", baseDate = "";
		for (int i = 0; i < lines.size(); i++) {
			int lineNumber = i + 1;
			String line = lines.get(i).strip();
			if (line.isEmpty()) continue;
			if (line.startsWith("#")) {
				comments.add(line.substring(1).strip());
				continue;
			}
			String where = fileLabel + " line " + lineNumber + ": ";
			String[] tokens = line.split("\\s+");
			if (recordName == null) {
				// record line
				if (tokens.length < 2) {
					throw new IOException(where + "expected a record line 'name nsig [freq [nsamp ...]]', got '" + line + "'");
				}
				if (tokens[0].contains("/")) {
					throw new IOException(where + "multi-segment records ('" + tokens[0] + "') are not supported; read each segment's header instead");
				}
				recordName = tokens[0];
				signalCount = parseInt(tokens[1], where, "number of signals");
				if (signalCount < 0) throw new IOException(where + "expected a non-negative number of signals, got " + tokens[1]);
				if (tokens.length > 2) {
					Matcher m = FREQUENCY.matcher(tokens[2]);
					if (!m.matches()) throw new IOException(where + "field 'frequency': expected 'freq[/counterfreq[(base)]]', got '" + tokens[2] + "'");
					frequency = parseDouble(m.group(1), where, "frequency");
					if (frequency == 0) frequency = DEFAULT_FREQUENCY;
					if (!(frequency > 0)) throw new IOException(where + "field 'frequency': expected a positive number, got '" + tokens[2] + "'");
					if (m.group(2) != null) counterFrequency = parseDouble(m.group(2), where, "counter frequency");
				}
				if (tokens.length > 3) {
					length = parseLong(tokens[3], where, "number of samples");
					if (length < 0) throw new IOException(where + "field 'number of samples': expected a non-negative number, got " + tokens[3]);
				}
				if (tokens.length > 4) baseTime = tokens[4];
				if (tokens.length > 5) baseDate = tokens[5];
				continue;
			}
			if (signals.size() == signalCount) {
				throw new IOException(where + "the record line declares " + signalCount + " signals, but here is one more line: '" + line + "'");
			}
			signals.add(parseSignal(tokens, line, lineNumber, where, signals.size()));
		}
		if (recordName == null) throw new IOException(fileLabel + ": no record line (the file is empty or all comments)");
		for (Signal s : signals) {
			if (!Double.isFinite(frequency * s.samplesPerFrame())) {
				throw new IOException(fileLabel + " line " + s.line() + ": the frequency " + frequency + " Hz times " + s.samplesPerFrame()
					+ " samples per frame is not a finite number");
			}
		}
		if (signals.size() < signalCount) {
			throw new IOException(fileLabel + ": the record line declares " + signalCount + " signals, but there are " + signals.size() + " signal lines");
		}
		return new WfdbHeader(file, recordName, frequency, counterFrequency, length, baseTime, baseDate, signals, comments);
	}

	private static Signal parseSignal(String[] tokens, String line, int lineNumber, String where, int index) throws IOException {
		if (tokens.length < 2) {
			throw new IOException(where + "expected a signal line 'file format gain ...', got '" + line + "'");
		}
		Matcher f = FORMAT.matcher(tokens[1]);
		if (!f.matches()) {
			throw new IOException(where + "expected a signal line 'file format gain ...', got '" + line + "' (format '" + tokens[1] + "' is not 'format[xspf][:skew][+offset]')");
		}
		int format = parseInt(f.group(1), where, "format");
		int spf = f.group(2) == null ? 1 : parseInt(f.group(2), where, "samples per frame");
		if (spf < 1) throw new IOException(where + "samples per frame must be at least 1, got " + spf);
		if (spf > MAX_SAMPLES_PER_FRAME) throw new IOException(where + "field 'samples per frame': " + spf + " is more than " + MAX_SAMPLES_PER_FRAME);
		int skew = f.group(3) == null ? 0 : parseInt(f.group(3), where, "skew");
		long offset = f.group(4) == null ? 0 : parseLong(f.group(4), where, "byte offset");

		double gain = 0;
		Integer baseline = null;
		String units = "mV";
		if (tokens.length > 2) {
			Matcher g = GAIN.matcher(tokens[2]);
			if (!g.matches()) {
				throw new IOException(where + "field 'gain': expected 'gain[(baseline)][/units]', got '" + tokens[2] + "'");
			}
			gain = parseDouble(g.group(1), where, "gain");
			if (g.group(2) != null) baseline = parseInt(g.group(2), where, "baseline");
			if (g.group(3) != null) units = g.group(3);
		}
		boolean gainGiven = gain != 0;
		if (!gainGiven) gain = DEFAULT_GAIN;
		int adcResolution = tokens.length > 3 ? parseInt(tokens[3], where, "ADC resolution") : 0;
		int adcZero = tokens.length > 4 ? parseInt(tokens[4], where, "ADC zero") : 0;
		OptionalInt initial = tokens.length > 5 ? OptionalInt.of(parseInt(tokens[5], where, "initial value")) : OptionalInt.empty();
		OptionalInt checksum = tokens.length > 6 ? OptionalInt.of(parseInt(tokens[6], where, "checksum")) : OptionalInt.empty();
		int blockSize = tokens.length > 7 ? parseInt(tokens[7], where, "block size") : 0;
		String description = "signal " + index;
		if (tokens.length > 8) {
			// the description is the rest of the line and may hold blanks
			String rest = line;
			for (int t = 0; t < 8; t++) {
				rest = rest.strip();
				rest = rest.substring(tokens[t].length());
			}
			description = rest.strip();
		}
		return new Signal(lineNumber, tokens[0], format, spf, skew, offset, gain, gainGiven,
			baseline == null ? adcZero : baseline, units, adcResolution, adcZero, initial, checksum, blockSize, description);
	}

	private static int parseInt(String text, String where, String field) throws IOException {
		try {
			return Integer.parseInt(text);
		}
		catch (NumberFormatException e) {
			throw new IOException(where + "field '" + field + "': expected an integer, got '" + text + "'");
		}
	}

	private static long parseLong(String text, String where, String field) throws IOException {
		try {
			return Long.parseLong(text);
		}
		catch (NumberFormatException e) {
			throw new IOException(where + "field '" + field + "': expected an integer, got '" + text + "'");
		}
	}

	private static double parseDouble(String text, String where, String field) throws IOException {
		try {
			double v = Double.parseDouble(text);
			if (!Double.isFinite(v)) throw new NumberFormatException();
			return v;
		}
		catch (NumberFormatException e) {
			throw new IOException(where + "field '" + field + "': expected a number, got '" + text + "'");
		}
	}

	/** Frames per second times samples per frame: the frequency of one signal. */
	public double frequencyOf(Signal signal) {
		return frequency * signal.samplesPerFrame();
	}
}
