package org.convkit.ecg.beats;

import org.convkit.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A 5x5 confusion matrix over {@link AamiClass}es (rows: reference, columns: predicted) and the
 * usual figures: per-class sensitivity (Se = TP / (TP + FN)), positive predictivity
 * (+P = TP / (TP + FP)) and F1, accuracy, macro F1 (mean F1 over the classes with at least one
 * reference beat), Cohen's kappa and the jκ index by which Mondejar-Guerra et al. (2019) rank
 * inter-patient classifiers. Undefined ratios (0/0) are NaN. Matrices add, so folds pool.
 */
public final class BeatEvaluation {

	private static final int K = AamiClass.COUNT;
	private final long[][] matrix = new long[K][K];

	public BeatEvaluation add(AamiClass reference, AamiClass predicted) {
		matrix[reference.ordinal()][predicted.ordinal()]++;
		return this;
	}

	public BeatEvaluation add(int reference, int predicted, long count) {
		matrix[reference][predicted] += count;
		return this;
	}

	/** Adds another evaluation's matrix (pooling folds). */
	public BeatEvaluation add(BeatEvaluation other) {
		for (int r = 0; r < K; r++) for (int c = 0; c < K; c++) matrix[r][c] += other.matrix[r][c];
		return this;
	}

	/** Scores predictions (class indices) against a dataset's labels; unlabelled beats are left out. */
	public static BeatEvaluation of(BeatDataset data, int[] predicted) {
		BeatEvaluation e = new BeatEvaluation();
		for (int i = 0; i < data.size(); i++) if (data.isLabelled(i)) e.add(data.labelIndex(i), predicted[i], 1);
		return e;
	}

	public long count(AamiClass reference, AamiClass predicted) {
		return matrix[reference.ordinal()][predicted.ordinal()];
	}

	public long total() {
		long t = 0;
		for (long[] row : matrix) for (long v : row) t += v;
		return t;
	}

	/** Beats of this class in the reference. */
	public long beats(AamiClass c) {
		return row(c.ordinal());
	}

	/** Beats predicted as this class. */
	public long predicted(AamiClass c) {
		return column(c.ordinal());
	}

	private long row(int c) {
		long s = 0;
		for (int j = 0; j < K; j++) s += matrix[c][j];
		return s;
	}

	private long column(int c) {
		long s = 0;
		for (int i = 0; i < K; i++) s += matrix[i][c];
		return s;
	}

	public double sensitivity(AamiClass c) {
		return ratio(matrix[c.ordinal()][c.ordinal()], row(c.ordinal()));
	}

	public double positivePredictivity(AamiClass c) {
		return ratio(matrix[c.ordinal()][c.ordinal()], column(c.ordinal()));
	}

	public double f1(AamiClass c) {
		long tp = matrix[c.ordinal()][c.ordinal()];
		return ratio(2 * tp, row(c.ordinal()) + column(c.ordinal()));
	}

	public double accuracy() {
		long diag = 0;
		for (int c = 0; c < K; c++) diag += matrix[c][c];
		return ratio(diag, total());
	}

	/** Mean F1 over the classes that have reference beats. */
	public double macroF1() {
		double sum = 0;
		int classes = 0;
		for (AamiClass c : AamiClass.values()) {
			if (row(c.ordinal()) == 0) continue;
			sum += f1(c);
			classes++;
		}
		return classes == 0 ? Double.NaN : sum / classes;
	}

	/** Cohen's kappa: (p_o - p_e) / (1 - p_e). */
	public double kappa() {
		double n = total();
		if (n == 0) return Double.NaN;
		double pe = 0;
		for (int c = 0; c < K; c++) pe += (row(c) / n) * (column(c) / n);
		return (accuracy() - pe) / (1 - pe);
	}

	/**
	 * V's positive predictivity under the AAMI EC57 exception: a fusion (F) beat called V is neither
	 * rewarded nor penalised, so it is not a false positive.
	 */
	public double ventricularPositivePredictivity() {
		int v = AamiClass.V.ordinal();
		return ratio(matrix[v][v], column(v) - matrix[AamiClass.F.ordinal()][v]);
	}

	/**
	 * The jκ index of Mondejar-Guerra et al. (2019): kappa / 2 + (S Se + S +P + V Se + V +P) / 8,
	 * with V's +P under the AAMI fusion exception ({@link #ventricularPositivePredictivity()}).
	 * 1 is perfect; it weighs the two ectopic classes that matter clinically as much as agreement.
	 */
	public double jkIndex() {
		double j = sensitivity(AamiClass.S) + positivePredictivity(AamiClass.S) + sensitivity(AamiClass.V) + ventricularPositivePredictivity();
		return kappa() / 2 + j / 8;
	}

	private static double ratio(long a, long b) {
		return b == 0 ? Double.NaN : (double) a / b;
	}

	/** The matrix and the figures as text. */
	public String report() {
		StringBuilder s = new StringBuilder("reference \\ predicted");
		for (AamiClass c : AamiClass.values()) s.append(String.format(Locale.ROOT, "%8s", c));
		s.append('\n');
		for (AamiClass r : AamiClass.values()) {
			s.append(String.format(Locale.ROOT, "%-21s", r));
			for (AamiClass c : AamiClass.values()) s.append(String.format(Locale.ROOT, "%8d", count(r, c)));
			s.append('\n');
		}
		s.append(String.format(Locale.ROOT, "%-6s%8s%8s%8s%8s%8s%8s%8s%n", "class", "beats", "TP", "FN", "FP", "Se%", "+P%", "F1%"));
		for (AamiClass c : AamiClass.values()) {
			int i = c.ordinal();
			long tp = matrix[i][i];
			s.append(String.format(Locale.ROOT, "%-6s%8d%8d%8d%8d%8.2f%8.2f%8.2f%n", c, row(i), tp, row(i) - tp, column(i) - tp,
				100 * sensitivity(c), 100 * positivePredictivity(c), 100 * f1(c)));
		}
		s.append(String.format(Locale.ROOT, "accuracy %.2f%%, macro F1 %.2f%%, kappa %.4f, jk index %.4f, beats %d%n", 100 * accuracy(), 100 * macroF1(),
			kappa(), jkIndex(), total()));
		return s.toString();
	}

	/** One line per class (beats, TP, FN, FP, Se, +P, F1), then the matrix and the overall figures. */
	public String csv() {
		StringBuilder s = new StringBuilder("class,beats,tp,fn,fp,se,ppv,f1\n");
		for (AamiClass c : AamiClass.values()) {
			int i = c.ordinal();
			long tp = matrix[i][i];
			s.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%.6f,%.6f,%.6f\n", c, row(i), tp, row(i) - tp, column(i) - tp,
				sensitivity(c), positivePredictivity(c), f1(c)));
		}
		s.append("\nreference\\predicted,N,S,V,F,Q\n");
		for (AamiClass r : AamiClass.values()) {
			s.append(r);
			for (AamiClass c : AamiClass.values()) s.append(',').append(count(r, c));
			s.append('\n');
		}
		s.append(String.format(Locale.ROOT, "\naccuracy,%.6f\nmacro_f1,%.6f\nkappa,%.6f\njk_index,%.6f\n", accuracy(), macroF1(), kappa(), jkIndex()));
		return s.toString();
	}

	/** Writes {@link #csv()} atomically. */
	public void writeCsv(Path file) throws IOException {
		AtomicFiles.writeString(file, csv());
	}
}
