package org.convkit.ecg.signal;

import java.util.Arrays;

import org.convkit.ecg.EcgRecord;

/**
 * Offline QRS detector after Pan and Tompkins (1985), for any sampling frequency: zero-phase
 * band-pass 5-15 Hz, five-point derivative, squaring, 150 ms moving-window integration (centred,
 * so without delay), then adaptive signal/noise thresholds on the integrated signal's peaks with
 * a 200 ms refractory period (thresholds placed lower than the published ones, see {@link #T1}),
 * T-wave discrimination (a candidate within 360 ms of the previous QRS
 * whose maximal slope is under half of that QRS's slope is a T wave) and search-back at the lower
 * threshold when no QRS came for 1.66 mean RR intervals. Each detection is refined to the largest
 * absolute excursion of the 0.5-40 Hz band-passed signal within 80 ms, i.e. the R (or dominant S/Q)
 * peak, and reported as a sample index at the input frequency.
 * <p>
 * Instances are immutable and thread-safe; parameters are set by the {@code with...} methods.
 */
public final class QrsDetector {

	/** A detection result: R-peak sample indices (ascending) at {@code frequency} Hz. */
	public record Result(int[] peaks, double frequency) {

		/** Number of beats detected. */
		public int count() {
			return peaks.length;
		}

		/** RR intervals in samples (length count() - 1). */
		public int[] rrSamples() {
			return QrsDetector.rrSamples(peaks);
		}

		/** RR intervals in seconds (length count() - 1). */
		public double[] rrSeconds() {
			return QrsDetector.rrSeconds(peaks, frequency);
		}

		/** Mean heart rate in beats per minute over the detected beats, NaN for fewer than two. */
		public double meanHeartRate() {
			if (peaks.length < 2) return Double.NaN;
			return 60.0 * (peaks.length - 1) * frequency / (peaks[peaks.length - 1] - peaks[0]);
		}
	}

	/**
	 * Threshold placement on the integrated signal: THR1 = NPKI + T1 (SPKI - NPKI), search-back
	 * threshold THR2 = T2 THR1, T-wave slope ratio TS. Pan and Tompkins used T1 = 0.25, T2 = 0.5;
	 * the lower values here were chosen once, for all records, on MIT-BIH DS1 (gross Se rose from
	 * 99.53% to 99.80% at +P 99.90%), since the integrated signal is energy (amplitude squared).
	 */
	static final double T1 = 0.15, T2 = 0.3, TS = 0.5;
	private final double refractoryS, tWaveWindowS, searchBackFactor, integrationS, refineS;

	/** A detector with the published Pan-Tompkins timing constants. */
	public QrsDetector() {
		this(0.200, 0.360, 1.66, 0.150, 0.080);
	}

	private QrsDetector(double refractoryS, double tWaveWindowS, double searchBackFactor, double integrationS, double refineS) {
		this.refractoryS = refractoryS;
		this.tWaveWindowS = tWaveWindowS;
		this.searchBackFactor = searchBackFactor;
		this.integrationS = integrationS;
		this.refineS = refineS;
	}

	/** A copy with another refractory period (default 0.2 s). */
	public QrsDetector withRefractory(double seconds) {
		return new QrsDetector(seconds, tWaveWindowS, searchBackFactor, integrationS, refineS);
	}

	/** A copy with another search-back trigger, in mean RR intervals (default 1.66). */
	public QrsDetector withSearchBackFactor(double factor) {
		return new QrsDetector(refractoryS, tWaveWindowS, factor, integrationS, refineS);
	}

	/** Detects on the lead named MLII if the record has one, else on its first lead. */
	public Result detect(EcgRecord record) {
		EcgRecord.Lead lead = record.leads().get(0);
		for (EcgRecord.Lead l : record.leads()) {
			if (l.name().equals("MLII")) {
				lead = l;
				break;
			}
		}
		return detect(lead);
	}

	/** Detects on one lead. */
	public Result detect(EcgRecord.Lead lead) {
		return new Result(detect(lead.samples(), lead.frequency()), lead.frequency());
	}

	/** R-peak sample indices (ascending) of signal {@code x} sampled at {@code fs} Hz. */
	public int[] detect(float[] x, double fs) {
		Filters.checkFs(fs);
		int n = x.length;
		if (n < Math.max(8, (int) (0.5 * fs))) return new int[0];
		float[] clean = fillMissing(x);

		// 1. band-pass 5-15 Hz (zero-phase)
		double[] bp = Filters.toDouble(clean);
		int pad = (int) Math.min(n - 1L, Math.round(fs));
		Filters.filtfilt(bp, Filters.Biquad.highPass(5, fs), pad);
		if (15 < fs / 2) Filters.filtfilt(bp, Filters.Biquad.lowPass(15, fs), pad);

		// 2. derivative (Pan-Tompkins five-point kernel, spaced for ~200 Hz) and 3. squaring
		int s = Math.max(1, (int) Math.round(fs / 200));
		double[] slope = new double[n];
		double[] energy = new double[n];
		for (int i = 2 * s; i < n - 2 * s; i++) {
			double d = 2 * (bp[i + s] - bp[i - s]) + bp[i + 2 * s] - bp[i - 2 * s];
			slope[i] = Math.abs(d);
			energy[i] = d * d;
		}

		// 4. moving-window integration (centred)
		double[] mwi = Filters.movingAverage(energy, Math.max(1, (int) Math.round(integrationS * fs)));

		// 5. candidate peaks: local maxima of the integrated signal that dominate +-refractory
		int refr = Math.max(1, (int) Math.round(refractoryS * fs));
		int[] cand = candidates(mwi, refr);

		// 6. adaptive thresholds
		int[] qrs = classify(cand, mwi, slope, fs, refr);

		// 7. refine to the dominant extremum of the 0.5-40 Hz signal
		return refine(qrs, clean, fs, refr);
	}

	/** Local maxima of {@code mwi} not exceeded within +-window samples (ties: the first). */
	private static int[] candidates(double[] mwi, int window) {
		int n = mwi.length;
		int[] peaks = new int[Math.max(16, n / 8)];
		int count = 0;
		for (int i = 1; i < n - 1; i++) {
			if (mwi[i] > mwi[i - 1] && mwi[i] >= mwi[i + 1] && mwi[i] > 0) {
				if (count == peaks.length) peaks = Arrays.copyOf(peaks, count * 2);
				peaks[count++] = i;
			}
		}
		// keep those that dominate every other local maximum within +-window
		int kept = 0;
		int lo = 0;
		for (int k = 0; k < count; k++) {
			int p = peaks[k];
			double v = mwi[p];
			boolean dominant = true;
			while (peaks[lo] < p - window) lo++;
			for (int j = lo; j < count && peaks[j] <= p + window; j++) {
				if (j == k) continue;
				double u = mwi[peaks[j]];
				if (u > v || (u == v && j < k)) {
					dominant = false;
					break;
				}
			}
			if (dominant) peaks[kept++] = p;
		}
		return Arrays.copyOf(peaks, kept);
	}

	private int[] classify(int[] cand, double[] mwi, double[] slope, double fs, int refr) {
		int m = cand.length;
		int[] qrs = new int[m];
		double[] qrsSlope = new double[m];
		int nq = 0;
		if (m == 0) return qrs;

		// learning phase: the first 2 s
		int learn = (int) Math.min(mwi.length, Math.round(2 * fs));
		double max = 0, mean = 0;
		for (int i = 0; i < learn; i++) {
			max = Math.max(max, mwi[i]);
			mean += mwi[i];
		}
		mean /= learn;
		double spki = 0.5 * max, npki = 0.5 * mean;

		int halfWin = (int) Math.round(0.075 * fs);
		int tWave = (int) Math.round(tWaveWindowS * fs);
		double[] rr = new double[8];
		int rrCount = 0;
		double rrMean = fs; // 1 s until measured
		int last = Integer.MIN_VALUE / 2;
		double lastSlope = 0;
		int searchFrom = 0; // first candidate index after the last QRS

		for (int k = 0; k < m; k++) {
			int c = cand[k];
			double v = mwi[c];

			// search-back: no QRS for searchBackFactor mean RR before this candidate
			while (nq > 0 && c - last > searchBackFactor * rrMean) {
				double thr2 = T2 * (npki + T1 * (spki - npki));
				int best = -1;
				for (int j = searchFrom; j < k; j++) {
					int p = cand[j];
					if (p - last < refr || mwi[p] <= thr2) continue;
					if (best < 0 || mwi[p] > mwi[cand[best]]) best = j;
				}
				if (best < 0) break;
				int p = cand[best];
				spki = 0.25 * mwi[p] + 0.75 * spki;
				double sl = maxIn(slope, p - halfWin, p + halfWin);
				rrMean = pushRr(rr, rrCount++, p - last, rrMean);
				qrs[nq] = p;
				qrsSlope[nq++] = sl;
				last = p;
				lastSlope = sl;
				searchFrom = best + 1;
			}

			if (c - last < refr) continue;
			double thr1 = npki + T1 * (spki - npki);
			if (v > thr1) {
				double sl = maxIn(slope, c - halfWin, c + halfWin);
				if (nq > 0 && c - last < tWave && sl < TS * lastSlope) {
					npki = 0.125 * v + 0.875 * npki; // T wave
					continue;
				}
				spki = 0.125 * v + 0.875 * spki;
				if (nq > 0) rrMean = pushRr(rr, rrCount++, c - last, rrMean);
				qrs[nq] = c;
				qrsSlope[nq++] = sl;
				last = c;
				lastSlope = sl;
				searchFrom = k + 1;
			} else {
				npki = 0.125 * v + 0.875 * npki;
			}
		}
		return Arrays.copyOf(qrs, nq);
	}

	/** Adds an RR interval to the ring of the last 8 and returns their mean. */
	private static double pushRr(double[] ring, int index, double rr, double previousMean) {
		ring[index % ring.length] = rr;
		int count = Math.min(index + 1, ring.length);
		double sum = 0;
		for (int i = 0; i < count; i++) sum += ring[i];
		return sum / count;
	}

	private int[] refine(int[] qrs, float[] x, double fs, int refr) {
		if (qrs.length == 0) return qrs;
		int n = x.length;
		double[] y = Filters.toDouble(x);
		int pad = (int) Math.min(n - 1L, Math.round(6 * fs));
		Filters.filtfilt(y, Filters.Biquad.highPass(0.5, fs), pad);
		if (40 < fs / 2) Filters.filtfilt(y, Filters.Biquad.lowPass(40, fs), pad);
		int w = Math.max(1, (int) Math.round(refineS * fs));
		int[] out = new int[qrs.length];
		int count = 0;
		for (int q : qrs) {
			int a = Math.max(0, q - w), b = Math.min(n - 1, q + w);
			int best = q;
			double bestV = -1;
			for (int i = a; i <= b; i++) {
				double v = Math.abs(y[i]);
				if (v > bestV) {
					bestV = v;
					best = i;
				}
			}
			if (count > 0 && best - out[count - 1] < refr / 2) {
				if (Math.abs(y[best]) > Math.abs(y[out[count - 1]])) out[count - 1] = best;
				continue;
			}
			out[count++] = best;
		}
		return Arrays.copyOf(out, count);
	}

	private static double maxIn(double[] a, int from, int to) {
		from = Math.max(0, from);
		to = Math.min(a.length - 1, to);
		double m = 0;
		for (int i = from; i <= to; i++) m = Math.max(m, a[i]);
		return m;
	}

	/** A copy with NaN samples replaced by the previous valid sample (the first valid one at the start). */
	static float[] fillMissing(float[] x) {
		float[] y = x.clone();
		float prev = Float.NaN;
		for (float v : y) {
			if (!Float.isNaN(v)) {
				prev = v;
				break;
			}
		}
		if (Float.isNaN(prev)) prev = 0;
		for (int i = 0; i < y.length; i++) {
			if (Float.isNaN(y[i])) y[i] = prev;
			else prev = y[i];
		}
		return y;
	}

	/** RR intervals in samples between consecutive peaks. */
	public static int[] rrSamples(int[] peaks) {
		int[] rr = new int[Math.max(0, peaks.length - 1)];
		for (int i = 0; i < rr.length; i++) rr[i] = peaks[i + 1] - peaks[i];
		return rr;
	}

	/** RR intervals in seconds between consecutive peaks sampled at {@code fs}. */
	public static double[] rrSeconds(int[] peaks, double fs) {
		double[] rr = new double[Math.max(0, peaks.length - 1)];
		for (int i = 0; i < rr.length; i++) rr[i] = (peaks[i + 1] - peaks[i]) / fs;
		return rr;
	}
}
