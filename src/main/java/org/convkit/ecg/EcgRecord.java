package org.convkit.ecg;

import java.util.List;

/**
 * A multi-lead recording in physical units (e.g. mV). Each lead keeps its own sampling frequency,
 * so multi-frequency records (WFDB samples-per-frame above 1) need no resampling to be read.
 */
public record EcgRecord(String name, double frequency, List<Lead> leads) {

	/**
	 * One signal: its name (e.g. MLII), physical units, sampling frequency in Hz, and samples in
	 * those units; NaN marks a sample the source flags as missing.
	 */
	public record Lead(String name, String units, double frequency, float[] samples) {
		public double durationSeconds() {
			return samples.length / frequency;
		}
	}

	public EcgRecord {
		if (!(frequency > 0)) throw new IllegalArgumentException(name + ": expected a positive sampling frequency, got " + frequency);
		if (leads.isEmpty()) throw new IllegalArgumentException(name + ": expected at least one lead");
		leads = List.copyOf(leads);
	}

	/** The lead of this name, or an error listing the leads there are. */
	public Lead lead(String leadName) {
		for (Lead lead : leads) {
			if (lead.name().equals(leadName)) return lead;
		}
		throw new IllegalArgumentException("lead: " + name + " has no lead named '" + leadName + "'; leads: " +
			leads.stream().map(Lead::name).toList());
	}

	/** The lead beat analysis uses by default: MLII when the record has it (MIT-BIH), else the first. */
	public Lead defaultLead() {
		for (Lead lead : leads) {
			if (lead.name().equals("MLII")) return lead;
		}
		return leads.get(0);
	}

	/** The lead of this name; null or blank: {@link #defaultLead()}. */
	public Lead leadOrDefault(String leadName) {
		return leadName == null || leadName.isBlank() ? defaultLead() : lead(leadName.strip());
	}
}
