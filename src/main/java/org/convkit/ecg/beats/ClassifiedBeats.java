package org.convkit.ecg.beats;

import org.convkit.core.io.AtomicFiles;
import org.convkit.core.io.Csv;
import org.convkit.ecg.Annotation;
import org.convkit.ecg.io.WfdbAnnotations;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The classified beats of one lead of a record: positions in samples of the lead
 * ({@code frequency}), class probabilities and the predicted class of each beat (the model's
 * {@link DecisionBias} applied to the probabilities; no S in atrial fibrillation), and the record's
 * {@link PacedRhythm}: a paced beat is class Q whatever the network says (AAMI's class of paced
 * beats; the network was trained without paced records). The record's first and last beats are not
 * classified (they lack a previous or next RR interval).
 */
public record ClassifiedBeats(String record, String lead, double frequency, double frameFrequency, BeatDataset beats, float[] probabilities,
	DecisionBias bias, PacedRhythm paced)
{

	public ClassifiedBeats {
		if (paced.size() != beats.size()) throw new IllegalArgumentException("paced: " + paced.size() + " beats, but there are " + beats.size());
	}

	/** Beats of a record not analysed for pacing: none paced. */
	public ClassifiedBeats(String record, String lead, double frequency, double frameFrequency, BeatDataset beats, float[] probabilities,
		DecisionBias bias)
	{
		this(record, lead, frequency, frameFrequency, beats, probabilities, bias, PacedRhythm.none(beats.size()));
	}

	public int size() {
		return beats.size();
	}

	/** The class of beat i: Q for a paced beat, else the network's with the model's bias. */
	public AamiClass predicted(int i) {
		return paced.isPaced(i) ? AamiClass.Q : bias.classify(probabilities, i, beats.inAtrialFibrillation(i));
	}

	/** Whether beat i is paced ({@link PacedRhythm}). */
	public boolean isPaced(int i) {
		return paced.isPaced(i);
	}

	public float probability(int i, AamiClass c) {
		return probabilities[i * AamiClass.COUNT + c.ordinal()];
	}

	/** The predicted class indices of all beats. */
	public int[] predictions() {
		int[] predictions = bias.classify(probabilities, beats);
		for (int i = 0; i < predictions.length; i++) if (paced.isPaced(i)) predictions[i] = AamiClass.Q.ordinal();
		return predictions;
	}

	/** Beats predicted per class, in {@link AamiClass} order. */
	public int[] counts() {
		int[] counts = new int[AamiClass.COUNT];
		for (int i = 0; i < size(); i++) counts[predicted(i).ordinal()]++;
		return counts;
	}

	/** Beats in atrial fibrillation ({@link BeatDataset#inAtrialFibrillation}), where no beat is called S. */
	public int atrialFibrillationBeats() {
		int n = 0;
		for (int i = 0; i < size(); i++) if (beats.inAtrialFibrillation(i)) n++;
		return n;
	}

	/** The beat's position in samples of the record's frame frequency (WFDB annotation time). */
	public long frame(int i) {
		return Math.round(beats.position(i) * frameFrequency / frequency);
	}

	/** Scores the predictions against the beats' reference classes (unlabelled beats left out). */
	public BeatEvaluation evaluation() {
		return BeatEvaluation.of(beats, predictions());
	}

	/**
	 * The predictions as WFDB beat annotations: N, S, V, F, Q in the AAMI symbols MIT-BIH uses
	 * (N, A, V, F, Q), and a paced beat as MIT-BIH's paced symbol '/' (AAMI class Q), so PhysioNet
	 * tools (rdann, bxb) read them as beat labels.
	 */
	public List<Annotation> annotations() {
		List<Annotation> list = new ArrayList<>(size());
		for (int i = 0; i < size(); i++) list.add(Annotation.of(frame(i), paced.isPaced(i) ? PACED_SYMBOL : predicted(i).wfdbSymbol()));
		return list;
	}

	/** The WFDB symbol of a paced beat (MIT-BIH's '/', AAMI class Q). */
	public static final String PACED_SYMBOL = "/";

	/** Writes {@link #annotations()} as a WFDB annotation file, atomically. */
	public void writeAnnotations(Path file) throws IOException {
		WfdbAnnotations.write(file, annotations());
	}

	/**
	 * The columns of the beats table, as {@link #csv()} writes them and the commands show them: sample,
	 * time, RR intervals, whether the beat is in atrial fibrillation, whether it is paced (then its
	 * class is Q), predicted class, the network's five probabilities, and the reference class when
	 * known.
	 */
	public static final List<String> COLUMNS = List.of("record", "lead", "beat", "sample", "time_s", "rr_previous_s", "rr_next_s", "atrial_fibrillation",
		"paced", "class", "p_N", "p_S", "p_V", "p_F", "p_Q", "reference");
	/** Decimal places of each column of {@link #COLUMNS} that holds a number (0: a whole number); -1 for text. */
	private static final int[] DECIMALS = {-1, -1, 0, 0, 4, 4, 4, -1, -1, -1, 5, 5, 5, 5, 5, -1};

	/** Decimal places of a column of {@link #COLUMNS} that holds numbers (0: whole numbers), -1 for a text column. */
	public static int decimals(String column) {
		int k = COLUMNS.indexOf(column);
		if (k < 0) throw new IllegalArgumentException("column: expected one of " + COLUMNS + ", got " + column);
		return DECIMALS[k];
	}

	/** Beat i's fields in {@link #COLUMNS} order, as the CSV file holds them (not quoted). */
	public String[] fields(int i) {
		float[] rr = beats.rr(i);
		String[] f = new String[COLUMNS.size()];
		f[0] = record;
		f[1] = lead;
		f[2] = Integer.toString(i + 1);
		f[3] = Long.toString(frame(i));
		f[4] = String.format(Locale.ROOT, "%.4f", frame(i) / frameFrequency);
		f[5] = String.format(Locale.ROOT, "%.4f", rr[0]);
		f[6] = String.format(Locale.ROOT, "%.4f", rr[1]);
		f[7] = Boolean.toString(beats.inAtrialFibrillation(i));
		f[8] = Boolean.toString(paced.isPaced(i));
		f[9] = predicted(i).name();
		for (AamiClass c : AamiClass.values()) f[10 + c.ordinal()] = String.format(Locale.ROOT, "%.5f", probability(i, c));
		f[15] = beats.isLabelled(i) ? beats.label(i).name() : "";
		return f;
	}

	/** One line per beat with the fields of {@link #COLUMNS}; a header line only when there are no beats. */
	public String csv() {
		StringBuilder s = new StringBuilder(String.join(",", COLUMNS)).append('\n');
		for (int i = 0; i < size(); i++) {
			String[] f = fields(i);
			for (int k = 0; k < f.length; k++) s.append(k == 0 ? "" : ",").append(Csv.field(f[k]));
			s.append('\n');
		}
		return s.toString();
	}

	/** Writes {@link #csv()} atomically. */
	public void writeCsv(Path file) throws IOException {
		AtomicFiles.writeString(file, csv());
	}
}
