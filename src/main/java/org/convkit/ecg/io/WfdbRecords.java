package org.convkit.ecg.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.io.WfdbHeader.Signal;

/**
 * Reads single-segment WFDB records: the header and the signal files it names, next to it.
 *
 * <p>Formats: 212 (two 12-bit samples in 3 bytes), 16 (little-endian int16), 61 (big-endian int16),
 * 80 (8-bit offset binary), 310 (three 10-bit samples in two 16-bit words), 311 (three 10-bit samples
 * in one 32-bit word). Samples per frame above 1 ({@code 212x4}) give that lead its own frequency
 * (frame frequency times samples per frame). Skew ({@code :4}) is applied: sample t of a skewed
 * signal is read from frame t + skew, and samples whose frame lies past the end of the file are NaN.
 * Byte offsets ({@code +24}) are skipped. MATLAB {@code .mat} signal files, multi-segment records,
 * null signals ({@code ~}) and other formats are refused with an error that says so.
 *
 * <p>Physical value = (adc - baseline) / gain; WFDB's invalid-sample value of each format (e.g.
 * -32768 for 16, -2048 for 212) becomes NaN. The header's initial values and checksums, when
 * given, are checked against the samples as stored (before the skew, as WFDB writes them), and a
 * signal file shorter than the header's number of frames, or longer by a whole frame beyond the
 * largest skew, is an error naming the file.
 */
public final class WfdbRecords {

	/** The formats {@link #read} decodes. */
	public static final List<Integer> SUPPORTED_FORMATS = List.of(212, 16, 80, 61, 310, 311);

	private WfdbRecords() {}

	/** Reads the record whose header this is; signal files are looked up next to the header. */
	public static EcgRecord read(Path header) throws IOException {
		return read(WfdbHeader.parse(header));
	}

	/** Reads the signal files of a parsed header. */
	public static EcgRecord read(WfdbHeader header) throws IOException {
		String headerLabel = header.file().getFileName().toString();
		if (header.signals().isEmpty()) {
			throw new IOException(headerLabel + ": the record has no signals to read");
		}
		Map<String, List<Integer>> groups = new LinkedHashMap<>();
		for (int s = 0; s < header.signals().size(); s++) {
			groups.computeIfAbsent(header.signals().get(s).fileName(), k -> new ArrayList<>()).add(s);
		}
		float[][] samples = new float[header.signals().size()][];
		long length = header.length();
		for (Map.Entry<String, List<Integer>> group : groups.entrySet()) {
			length = readGroup(header, headerLabel, group.getKey(), group.getValue(), length, samples);
		}
		List<EcgRecord.Lead> leads = new ArrayList<>();
		for (int s = 0; s < samples.length; s++) {
			Signal signal = header.signals().get(s);
			leads.add(new EcgRecord.Lead(signal.description(), signal.units(), header.frequencyOf(signal), samples[s]));
		}
		return new EcgRecord(header.recordName(), header.frequency(), leads);
	}

	/** Reads one signal file into samples; returns the record length in frames. */
	private static long readGroup(WfdbHeader header, String headerLabel, String fileName, List<Integer> members,
		long length, float[][] samples) throws IOException {
		Signal first = header.signals().get(members.get(0));
		String where = headerLabel + " line " + first.line() + ": ";
		if (fileName.equals("~")) {
			throw new IOException(where + "null signals (file '~') are not supported");
		}
		if (fileName.toLowerCase(Locale.ROOT).endsWith(".mat")) {
			throw new IOException(where + "signal file " + fileName + " is a MATLAB .mat file, which is not supported; "
				+ "convert the record to a .dat signal file (e.g. format 16) with WFDB's tools first");
		}
		for (int s : members) {
			Signal signal = header.signals().get(s);
			String at = headerLabel + " line " + signal.line() + ": ";
			if (!SUPPORTED_FORMATS.contains(signal.format())) {
				throw new IOException(at + "signal format " + signal.format() + " is not supported; supported: "
					+ String.join(", ", SUPPORTED_FORMATS.stream().map(String::valueOf).toList()));
			}
			if (signal.format() != first.format()) {
				throw new IOException(at + "signal file " + fileName + " mixes formats " + first.format() + " and " + signal.format());
			}
			if (signal.byteOffset() != first.byteOffset()) {
				throw new IOException(at + "signal file " + fileName + " has two byte offsets, " + first.byteOffset() + " and " + signal.byteOffset());
			}
			if (signal.skew() < 0) {
				throw new IOException(at + "negative skew " + signal.skew() + " is not supported");
			}
		}
		Path dat = header.file().resolveSibling(fileName);
		long fileSize;
		try {
			fileSize = Files.size(dat);
		}
		catch (NoSuchFileException e) {
			throw new NoSuchFileException(dat.toString(), null, "signal file not found (named in " + headerLabel + " line " + first.line() + ")");
		}
		long frameSize = 0;
		int maxSkew = 0;
		for (int s : members) {
			frameSize += header.signals().get(s).samplesPerFrame();
			maxSkew = Math.max(maxSkew, header.signals().get(s).skew());
		}
		int format = first.format();
		long offset = first.byteOffset();
		if (offset > fileSize) {
			throw new IOException(fileName + ": has " + fileSize + " bytes, fewer than the byte offset " + offset + " in " + headerLabel + " line " + first.line());
		}
		long available = fileSize - offset;
		long samplesAvailable = switch (format) {
			case 212 -> available / 3 * 2 + (available % 3 == 2 ? 1 : 0);
			case 16, 61 -> available / 2;
			case 80 -> available;
			default -> available / 4 * 3; // 310, 311
		};
		long framesAvailable = samplesAvailable / frameSize;
		if (length < 0) length = framesAvailable;
		if (framesAvailable < length) {
			throw new IOException(fileName + ": ends after " + framesAvailable + " of " + length + " frames (" + headerLabel + " says " + length
				+ "; the file holds " + fileSize + " bytes)");
		}
		// Writers pad 212/310/311 to whole byte groups, so only a whole spare frame is a mismatch.
		if (framesAvailable > length + maxSkew) {
			throw new IOException(fileName + ": has " + framesAvailable + " frames, but " + headerLabel + " says " + length
				+ (maxSkew > 0 ? " (plus a skew of " + maxSkew + ")" : "") + "; header and data do not match");
		}
		long totalSamples = framesAvailable * frameSize;
		if (fileSize > ReadLimits.MAX_ARRAY || totalSamples > ReadLimits.MAX_ARRAY) {
			throw new IOException(fileName + ": " + fileSize + " bytes holding " + totalSamples + " samples are too many to read at once");
		}
		// the file, its decoded samples and the leads in floats
		ReadLimits.requireMemory(fileName, fileSize + 4 * totalSamples + 4 * length * frameSize,
			"reading " + length + " frames of " + members.size() + " signal(s)");
		byte[] bytes = Files.readAllBytes(dat);
		if (bytes.length != fileSize) throw new IOException(fileName + ": changed while it was read (" + fileSize + " bytes, then " + bytes.length + ")");
		int[] stream = new int[(int) totalSamples];
		decode(format, bytes, (int) offset, stream);
		int invalid = invalidValue(format);

		int position = 0;
		for (int s : members) {
			Signal signal = header.signals().get(s);
			int spf = signal.samplesPerFrame();
			long count = length * spf;
			int frameSizeInt = (int) frameSize;
			if (count > Integer.MAX_VALUE - 8) throw new IOException(fileName + ": signal " + signal.description() + " is too long");
			float[] out = new float[(int) count];
			double gain = signal.gain();
			double baseline = signal.baseline();
			int skew = signal.skew();
			for (int t = 0; t < length; t++) {
				long frame = t + (long) skew;
				if (frame >= framesAvailable) {
					for (int k = 0; k < spf; k++) out[t * spf + k] = Float.NaN;
					continue;
				}
				int base = (int) (frame * frameSize) + position;
				for (int k = 0; k < spf; k++) {
					int v = stream[base + k];
					out[t * spf + k] = v == invalid ? Float.NaN : (float) ((v - baseline) / gain);
				}
			}
			// The header's initial value and checksum describe the samples as stored, before the skew.
			String at = headerLabel + " line " + signal.line() + " (" + signal.description() + "): ";
			if (signal.initialValue().isPresent() && count > 0) {
				int v = stream[position];
				if (v != signal.initialValue().getAsInt()) {
					throw new IOException(at + "initial value " + signal.initialValue().getAsInt() + " does not match the first sample "
						+ v + " in " + fileName + "; header and data do not match");
				}
			}
			if (signal.checksum().isPresent()) {
				int sum = 0;
				for (int t = 0; t < length; t++) {
					int base = t * frameSizeInt + position;
					for (int k = 0; k < spf; k++) sum += stream[base + k];
				}
				short got = (short) sum;
				if (got != (short) signal.checksum().getAsInt()) {
					throw new IOException(at + "checksum " + signal.checksum().getAsInt() + " does not match the data's " + got
						+ " in " + fileName + "; header and data do not match");
				}
			}
			samples[s] = out;
			position += spf;
		}
		return length;
	}

	/** WFDB's invalid-sample value of a format, as decoded. */
	static int invalidValue(int format) {
		return switch (format) {
			case 212 -> -2048;
			case 80 -> -128;
			case 310, 311 -> -512;
			default -> -32768;
		};
	}

	/** Decodes out.length samples of a format from bytes starting at offset. */
	static void decode(int format, byte[] b, int offset, int[] out) {
		int n = out.length;
		int i = offset;
		int k = 0;
		switch (format) {
			case 212 -> {
				while (k + 1 < n) {
					int b0 = b[i] & 0xFF, b1 = b[i + 1] & 0xFF, b2 = b[i + 2] & 0xFF;
					out[k] = ((b0 | (b1 & 0x0F) << 8) << 20) >> 20;
					out[k + 1] = ((b2 | (b1 & 0xF0) << 4) << 20) >> 20;
					k += 2;
					i += 3;
				}
				if (k < n) out[k] = (((b[i] & 0xFF) | (b[i + 1] & 0x0F) << 8) << 20) >> 20;
			}
			case 16 -> {
				for (; k < n; k++, i += 2) out[k] = (short) ((b[i] & 0xFF) | b[i + 1] << 8);
			}
			case 61 -> {
				for (; k < n; k++, i += 2) out[k] = (short) ((b[i + 1] & 0xFF) | b[i] << 8);
			}
			case 80 -> {
				for (; k < n; k++, i++) out[k] = (b[i] & 0xFF) - 128;
			}
			case 310 -> {
				while (k < n) {
					int w0 = (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
					int w1 = (b[i + 2] & 0xFF) | (b[i + 3] & 0xFF) << 8;
					out[k++] = ((w0 >> 1 & 0x3FF) << 22) >> 22;
					if (k < n) out[k++] = ((w1 >> 1 & 0x3FF) << 22) >> 22;
					if (k < n) out[k++] = (((w0 >> 11 & 0x1F) | (w1 >> 11 & 0x1F) << 5) << 22) >> 22;
					i += 4;
				}
			}
			case 311 -> {
				while (k < n) {
					int w = (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
					out[k++] = ((w & 0x3FF) << 22) >> 22;
					if (k < n) out[k++] = ((w >> 10 & 0x3FF) << 22) >> 22;
					if (k < n) out[k++] = ((w >> 20 & 0x3FF) << 22) >> 22;
					i += 4;
				}
			}
			default -> throw new IllegalArgumentException("format " + format + " is not supported");
		}
	}
}
