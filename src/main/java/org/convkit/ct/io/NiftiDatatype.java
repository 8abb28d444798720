package org.convkit.ct.io;

import java.util.Locale;

/**
 * The voxel type of a NIfTI file ConvKit writes. {@link #AUTO} picks the smallest exact one: for
 * labels uint8, int16 or int32 by range; for other values int16 when every value is an integer in
 * its range (CT in HU usually is), else float32.
 */
public enum NiftiDatatype {

	AUTO(0), INT16(NiftiHeader.INT16), FLOAT32(NiftiHeader.FLOAT32), UINT8(NiftiHeader.UINT8), INT32(NiftiHeader.INT32);

	private final int code;

	NiftiDatatype(int code) {
		this.code = code;
	}

	/** The NIFTI_TYPE_* code (0 for AUTO). */
	public int code() {
		return code;
	}

	public String option() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The type spelled as {@link #option()}, or null. */
	public static NiftiDatatype parse(String option) {
		for (NiftiDatatype t : values()) if (t.option().equalsIgnoreCase(option == null ? "" : option.strip())) return t;
		return null;
	}
}
