package org.convkit.demo;

import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgRecord;

import java.util.ArrayList;
import java.util.List;
import org.convkit.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * A synthetic one-lead ECG with its reference annotations, for the demo and the benchmark where
 * MIT-BIH is not at hand: sinus beats (RR about 0.8 s), premature ventricular beats (wide,
 * inverted QRS, no P wave, compensatory pause) and premature atrial beats (normal QRS, early).
 */
public final class SyntheticEcg {

	/** The record and its beats (symbols N, V, A at their R peaks). */
	public record Labelled(EcgRecord record, List<Annotation> annotations) {}

	private SyntheticEcg() {}

	public static Labelled generate(double seconds, double fs, long seed) {
		Random random = new Random(seed);
		float[] x = new float[(int) Math.round(seconds * fs)];
		List<Annotation> beats = new ArrayList<>();
		double t = 0.6, rr = 0.8;
		int index = 0;
		while (t < seconds - 1) {
			String symbol = index % 13 == 7 ? "V" : index % 17 == 11 ? "A" : "N";
			double r = t;
			if (!symbol.equals("N")) r = t - rr * (symbol.equals("V") ? 0.35 : 0.3); // premature
			if (symbol.equals("V")) {
				add(x, fs, r, 0.045, -1.2);
				add(x, fs, r + 0.08, 0.05, 0.5);
				add(x, fs, r + 0.32, 0.07, -0.3);
			} else {
				add(x, fs, r - 0.16, 0.025, symbol.equals("A") ? -0.08 : 0.12); // P (inverted in an atrial ectopic)
				add(x, fs, r - 0.025, 0.008, -0.12);
				add(x, fs, r, 0.010, 1.1);
				add(x, fs, r + 0.025, 0.008, -0.2);
				add(x, fs, r + 0.27, 0.045, 0.3);
			}
			beats.add(Annotation.of(Math.round(r * fs), symbol));
			// a ventricular beat is followed by a full compensatory pause, an atrial one resets the rhythm
			t = symbol.equals("A") ? r + rr : t + rr;
			rr = Math.max(0.6, Math.min(1.0, rr + 0.02 * random.nextGaussian()));
			index++;
		}
		for (int i = 0; i < x.length; i++) {
			double s = i / fs;
			x[i] += (float) (0.15 * Math.sin(2 * Math.PI * 0.25 * s) + 0.01 * random.nextGaussian());
		}
		EcgRecord record = new EcgRecord("synthetic", fs, List.of(new EcgRecord.Lead("MLII", "mV", fs, x)));
		return new Labelled(record, beats);
	}

	private static void add(float[] x, double fs, double centre, double sigma, double amplitude) {
		int from = (int) Math.max(0, (centre - 5 * sigma) * fs), to = (int) Math.min(x.length - 1, (centre + 5 * sigma) * fs);
		for (int i = from; i <= to; i++) {
			double d = (i / fs - centre) / sigma;
			x[i] += (float) (amplitude * Math.exp(-0.5 * d * d));
		}
	}

	/** Writes the record's lead as a CSV (time, MLII in mV), a format every ConvKit command reads. */
	public static Path writeCsv(Labelled synthetic, Path file) throws IOException {
		EcgRecord.Lead lead = synthetic.record().defaultLead();
		StringBuilder csv = new StringBuilder("time,MLII (mV)\n");
		for (int i = 0; i < lead.samples().length; i++) csv.append(String.format(Locale.ROOT, "%.5f,%.4f\n", i / lead.frequency(), lead.samples()[i]));
		AtomicFiles.writeString(file, csv.toString());
		return file;
	}
}
