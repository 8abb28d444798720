package org.convkit.ct;

import java.nio.file.Files;
import java.nio.file.Path;

import org.convkit.core.io.SharedData;
import org.junit.jupiter.api.Assumptions;

/** The real CT files of {@code shared/data/ct}; tests that use them skip with a message when absent. */
public final class CtData {

	private CtData() {}

	public static Path ct() {
		return require("ct/totalsegmentator/example_ct.nii.gz");
	}

	public static Path ctSmall() {
		return require("ct/totalsegmentator/example_ct_sm.nii.gz");
	}

	public static Path segmentation() {
		return require("ct/totalsegmentator/example_seg.nii.gz");
	}

	/** The GE head CT: 28 slices, 18.5 degree gantry tilt, non-uniform spacing. */
	public static Path geTilted() {
		return require("ct/dcm_qa_ct_GE");
	}

	/** 20 slices in JPEG 2000 lossless. */
	public static Path jpeg2000() {
		return require("ct/totalsegmentator/example_ct_dicom");
	}

	public static Path require(String relative) {
		Path p = SharedData.resolve(relative);
		Assumptions.assumeTrue(Files.exists(p), "CT data: " + SharedData.missing(p));
		return p;
	}
}
