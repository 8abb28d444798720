package org.convkit.ct;

/**
 * What a volume's voxel values mean: Hounsfield units (CT), label numbers (a segmentation) or
 * intensities of unknown unit (another modality, or a file that does not say).
 */
public enum ValueKind {

	HOUNSFIELD("HU"), LABELS("label"), INTENSITY("");

	private final String unit;

	ValueKind(String unit) {
		this.unit = unit;
	}

	/** The unit shown beside values: "HU", "label" or "" (unknown). */
	public String unit() {
		return unit;
	}

	/** The kind whose {@link #name()} or {@link #unit()} is this text (case-insensitive), else INTENSITY. */
	public static ValueKind parse(String text) {
		if (text != null) {
			for (ValueKind kind : values()) {
				if (kind.name().equalsIgnoreCase(text.strip()) || (!kind.unit.isEmpty() && kind.unit.equalsIgnoreCase(text.strip()))) return kind;
			}
		}
		return INTENSITY;
	}
}
