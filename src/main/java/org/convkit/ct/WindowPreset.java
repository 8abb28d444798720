package org.convkit.ct;

import java.util.Arrays;
import java.util.Locale;

/**
 * The usual CT display windows (level and width in HU): what a radiologist picks to see lung,
 * soft tissue, bone or brain. A window shows values from {@code level - width/2} (black) to
 * {@code level + width/2} (white).
 */
public enum WindowPreset {

	LUNG(-600, 1500), SOFT_TISSUE(40, 400), BONE(400, 1800), BRAIN(40, 80);

	private final double level, width;

	WindowPreset(double level, double width) {
		this.level = level;
		this.width = width;
	}

	public double level() {
		return level;
	}

	public double width() {
		return width;
	}

	/** The value shown black. */
	public double min() {
		return level - width / 2;
	}

	/** The value shown white. */
	public double max() {
		return level + width / 2;
	}

	/** The option's spelling: lung, soft_tissue, bone, brain. */
	public String option() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The preset spelled as {@link #option()}, or null. */
	public static WindowPreset parse(String option) {
		return Arrays.stream(values()).filter(w -> w.option().equalsIgnoreCase(option == null ? "" : option.strip())).findFirst().orElse(null);
	}
}
