package org.convkit.commands.ecg;

import java.awt.Color;
import java.io.File;
import java.io.IOException;

import org.convkit.ecg.EcgFiles;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.beats.AamiClass;

/** What the ECG commands share: reading the {@code record} parameter, leads by name, AAMI colours. */
final class EcgCommandSupport {

	static final String NO_RECORD = "record: expected a record file: " + EcgFiles.EXPECTED;
	static final String BAD_FREQUENCY = "frequency: expected a positive sampling frequency in Hz for '%s' (a CSV file without a time column), got %s";

	/** The colour of an AAMI class: N black, S blue, V red, F magenta, Q grey. */
	static Color colour(AamiClass aamiClass) {
		return switch (aamiClass) {
			case N -> Color.BLACK;
			case S -> Color.BLUE;
			case V -> Color.RED;
			case F -> Color.MAGENTA;
			case Q -> Color.GRAY;
		};
	}

	private EcgCommandSupport() {}

	/** Reads the record a command's {@code record} and {@code frequency} parameters name. */
	static EcgRecord read(File record, double frequency) throws IOException {
		if (record == null) throw new IllegalArgumentException(NO_RECORD);
		if (EcgFiles.extension(record.toPath()).equals("csv") && !(frequency > 0 && Double.isFinite(frequency))) {
			// Only an error when the file has no time column: let the reader decide, with a message naming the parameter.
			try {
				return EcgFiles.read(record.toPath(), frequency);
			}
			catch (IOException e) {
				if (e.getMessage() != null && e.getMessage().contains("no time column")) {
					throw new IllegalArgumentException(String.format(BAD_FREQUENCY, record.getName(), frequency), e);
				}
				throw e;
			}
		}
		return EcgFiles.read(record.toPath(), frequency);
	}

	/** The lead named {@code name}; blank means MLII when the record has it, else the first lead. */
	static EcgRecord.Lead lead(EcgRecord record, String name) {
		if (name != null && !name.isBlank()) return record.lead(name.strip());
		for (EcgRecord.Lead l : record.leads()) {
			if (l.name().equals("MLII")) return l;
		}
		return record.leads().get(0);
	}
}
