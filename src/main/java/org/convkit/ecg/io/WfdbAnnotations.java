package org.convkit.ecg.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.convkit.core.io.AtomicFiles;
import org.convkit.ecg.Annotation;

/**
 * Reads and writes WFDB annotation files in MIT format ({@code .atr}, {@code .qrs}, ...).
 *
 * <p>The file is a sequence of 16-bit little-endian words, code in the top 6 bits and data in the
 * low 10. Codes 1..58 are annotation types whose data is the time since the previous annotation;
 * 59 (SKIP) is followed by a 32-bit time step in PDP-11 order (high word first); 60 (NUM), 61 (SUB)
 * and 62 (CHN) set the number, subtype and channel of the annotation before them; 63 (AUX) is
 * followed by that many bytes of text, padded to an even count; a zero word ends the file.
 *
 * <p>As in the WFDB library, channel and number carry over from one annotation to the next and are
 * written only when they change; subtype and aux text belong to one annotation. Subtype and number
 * are read as signed 10-bit values (-512..511), the channel as unsigned (0..1023). Aux text is read
 * and written as ISO-8859-1 (one byte per character, at most 255), exactly as stored: MIT-BIH's
 * rhythm labels keep their trailing NUL ({@code "(N\0"}), so a read file writes back byte for byte.
 * Codes without an MIT symbol read as their number ("15") and such numbers are written back as that
 * code.
 */
public final class WfdbAnnotations {

	private static final int SKIP = 59, NUM = 60, SUB = 61, CHN = 62, AUX = 63;

	private static final String[] SYMBOLS = new String[SKIP];
	private static final Map<String, Integer> CODES = new HashMap<>();

	static {
		String[] known = {
			"1 N", "2 L", "3 R", "4 a", "5 V", "6 F", "7 J", "8 A", "9 S", "10 E", "11 j", "12 /", "13 Q", "14 ~",
			"16 |", "18 s", "19 T", "20 *", "21 D", "22 \"", "23 =", "24 p", "25 B", "26 ^", "27 t", "28 +", "29 u",
			"30 ?", "31 !", "32 [", "33 ]", "34 e", "35 n", "36 @", "37 x", "38 f", "39 (", "40 )", "41 r"};
		for (int code = 0; code < SYMBOLS.length; code++) SYMBOLS[code] = Integer.toString(code);
		for (String entry : known) {
			int space = entry.indexOf(' ');
			SYMBOLS[Integer.parseInt(entry.substring(0, space))] = entry.substring(space + 1);
		}
		for (int code = 1; code < SYMBOLS.length; code++) CODES.put(SYMBOLS[code], code);
	}

	private WfdbAnnotations() {}

	/** The MIT symbol of an annotation code (its number when it has none). */
	public static String symbol(int code) {
		if (code < 0 || code >= SYMBOLS.length) throw new IllegalArgumentException("annotation code " + code + " is out of 0.." + (SYMBOLS.length - 1));
		return SYMBOLS[code];
	}

	/** The annotation code of an MIT symbol, or -1 when it has none. */
	public static int code(String symbol) {
		Integer code = CODES.get(symbol);
		return code == null ? -1 : code;
	}

	/** The largest annotation file read (a day of Holter beats is a few hundred KB). */
	public static final long MAX_BYTES = 256L << 20;

	/**
	 * What {@link #readAsFarAsItGoes} found: the annotations, and warnings when the file is
	 * truncated (no end-of-file marker, or cut inside an annotation).
	 */
	public record Contents(List<Annotation> annotations, List<String> warnings) {
		public Contents {
			annotations = List.copyOf(annotations);
			warnings = List.copyOf(warnings);
		}
	}

	/**
	 * Reads an MIT-format annotation file; a truncated file (no end-of-file marker, or cut inside an
	 * annotation) is an error naming the file. {@link #readAsFarAsItGoes} reads such a file with a
	 * warning instead.
	 */
	public static List<Annotation> read(Path file) throws IOException {
		Parsed parsed = parse(file);
		if (parsed.cut() != null) {
			throw new IOException(ReadLimits.label(file) + ": " + parsed.cut() + " (truncated after " + parsed.annotations().size() + " annotations)");
		}
		return parsed.annotations();
	}

	private record Parsed(List<Annotation> annotations, String cut) {}

	/**
	 * Reads an MIT-format annotation file as far as it goes: a file without its end-of-file marker,
	 * or cut inside an annotation, gives the annotations before the cut (the last one read is left
	 * out too: modifiers of it may have been cut off) and a warning
	 * ("208.atr: truncated after N annotations (no end-of-file marker); scores use only those").
	 * Damage that leaves the file unreadable (a modifier before any annotation) is an error.
	 */
	public static Contents readAsFarAsItGoes(Path file) throws IOException {
		Parsed parsed = parse(file);
		List<String> warnings = parsed.cut() == null ? List.of()
			: List.of(ReadLimits.label(file) + ": truncated after " + parsed.annotations().size() + " annotations (" + parsed.cut() + "); scores use only those");
		return new Contents(parsed.annotations(), warnings);
	}

	private static Parsed parse(Path file) throws IOException {
		String label = ReadLimits.label(file);
		byte[] b = ReadLimits.readAll(file, MAX_BYTES, "an MIT annotation file");
		List<Annotation> out = new ArrayList<>();
		long time = 0;
		int chan = 0, num = 0;
		// the annotation being assembled
		boolean open = false;
		long aTime = 0;
		int aCode = 0, aSub = 0, aChan = 0, aNum = 0;
		String aAux = "";
		String cut = null; // why the file ends early
		int i = 0;
		while (true) {
			if (i + 1 >= b.length) {
				cut = i < b.length ? "cut inside a word at byte " + i : "no end-of-file marker";
				break;
			}
			int at = i;
			int word = (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
			i += 2;
			if (word == 0) break;
			int code = word >>> 10;
			int data = word & 0x3FF;
			switch (code) {
				case SKIP -> {
					if (i + 4 > b.length) {
						cut = "cut inside a SKIP at byte " + at;
						break;
					}
					int high = (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
					int low = (b[i + 2] & 0xFF) | (b[i + 3] & 0xFF) << 8;
					time += high << 16 | low;
					i += 4;
				}
				case NUM -> {
					num = signed10(data);
					aNum = num;
				}
				case SUB -> {
					if (!open) throw new IOException(label + ": SUB before any annotation at byte " + at + "; not an MIT annotation file, or damaged");
					aSub = signed10(data);
				}
				case CHN -> {
					chan = data;
					aChan = chan;
				}
				case AUX -> {
					if (!open) throw new IOException(label + ": AUX before any annotation at byte " + at + "; not an MIT annotation file, or damaged");
					if (i + data > b.length) {
						// the annotation's text is cut: the annotation is left out
						cut = "ends inside an AUX text of " + data + " bytes at byte " + at;
						break;
					}
					aAux = new String(b, i, data, StandardCharsets.ISO_8859_1);
					i += data + (data & 1);
				}
				default -> {
					if (open) out.add(new Annotation(aTime, SYMBOLS[aCode], aSub, aChan, aNum, aAux));
					time += data;
					open = true;
					aTime = time;
					aCode = code;
					aSub = 0;
					aChan = chan;
					aNum = num;
					aAux = "";
				}
			}
			if (cut != null) break;
		}
		// In a cut file the last annotation may lack modifiers (subtype, channel, number, text) that
		// followed it: only the annotations before it are known whole.
		if (open && cut == null) out.add(new Annotation(aTime, SYMBOLS[aCode], aSub, aChan, aNum, aAux));
		return new Parsed(out, cut);
	}

	/** Writes annotations in MIT format, atomically; a SKIP bridges steps outside 0..1023 samples. */
	public static void write(Path file, List<Annotation> annotations) throws IOException {
		String label = file.getFileName().toString();
		ByteArrayOutputStream out = new ByteArrayOutputStream(annotations.size() * 2 + 16);
		long previous = 0;
		int chan = 0, num = 0;
		for (int n = 0; n < annotations.size(); n++) {
			Annotation a = annotations.get(n);
			String where = label + ": annotation " + n + " (sample " + a.sample() + ", symbol '" + a.symbol() + "'): ";
			int code = code(a.symbol());
			if (code < 1) throw new IOException(where + "the symbol has no MIT annotation code; symbols: "
				+ String.join(" ", List.of(SYMBOLS).subList(1, SYMBOLS.length)));
			if (a.subtype() < -512 || a.subtype() > 511) throw new IOException(where + "subtype " + a.subtype() + " is out of -512..511");
			if (a.number() < -512 || a.number() > 511) throw new IOException(where + "number " + a.number() + " is out of -512..511");
			if (a.channel() < 0 || a.channel() > 1023) throw new IOException(where + "channel " + a.channel() + " is out of 0..1023");
			byte[] aux = a.aux() == null ? new byte[0] : a.aux().getBytes(StandardCharsets.ISO_8859_1);
			if (a.aux() != null && !new String(aux, StandardCharsets.ISO_8859_1).equals(a.aux())) {
				throw new IOException(where + "aux text has characters outside ISO-8859-1: '" + a.aux() + "'");
			}
			if (aux.length > 255) throw new IOException(where + "aux text has " + aux.length + " bytes, more than 255");
			long delta = a.sample() - previous;
			if (delta < 0 || delta > 0x3FF) {
				if (delta < Integer.MIN_VALUE || delta > Integer.MAX_VALUE) throw new IOException(where + "the step of " + delta + " samples from the annotation before does not fit in 32 bits");
				word(out, SKIP << 10);
				word(out, (int) (delta >>> 16) & 0xFFFF);
				word(out, (int) delta & 0xFFFF);
				delta = 0;
			}
			word(out, code << 10 | (int) delta);
			previous = a.sample();
			if (a.subtype() != 0) word(out, SUB << 10 | a.subtype() & 0x3FF);
			if (a.channel() != chan) {
				chan = a.channel();
				word(out, CHN << 10 | chan);
			}
			if (a.number() != num) {
				num = a.number();
				word(out, NUM << 10 | num & 0x3FF);
			}
			if (aux.length > 0) {
				word(out, AUX << 10 | aux.length);
				out.write(aux);
				if ((aux.length & 1) == 1) out.write(0);
			}
		}
		word(out, 0);
		byte[] bytes = out.toByteArray();
		AtomicFiles.write(file, temporary -> Files.write(temporary, bytes));
	}

	private static void word(ByteArrayOutputStream out, int word) {
		out.write(word & 0xFF);
		out.write(word >>> 8 & 0xFF);
	}

	private static int signed10(int data) {
		return (data << 22) >> 22;
	}
}
