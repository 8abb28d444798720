package org.convkit.core.runtime;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Tells the C library's allocator (glibc's malloc, which the engines allocate their arrays with) to
 * keep the memory they free for their next arrays instead of handing it back to the system.
 * <p>
 * Why: by default glibc returns freed blocks of the engines' worker threads to the system, so the
 * next array of the same size is fresh memory that the kernel zero-fills page by page. Measured on
 * the ECG network (MXNet, 2 cores, record 208): 3.6 million page faults and 27 s of system time in a
 * run that took 1.0-1.3 s per pass, against 0.32 million faults and 0.28-0.46 s per pass with the
 * memory kept. A thread that allocates and frees 120 MiB in 4 MiB blocks touches 100% of its pages
 * afresh each round with glibc's defaults, 0.4% with these settings ({@code NativeMemoryTest}).
 * The cost: the process keeps up to {@link #TRIM_THRESHOLD} of freed memory resident, which the
 * next inference reuses.
 * <p>
 * Applied once per JVM, before the engine starts; on other systems (and C libraries without
 * {@code mallopt}) it does nothing. {@value #PROPERTY}{@code =false} leaves the allocator as it is.
 */
final class NativeMemory {

	/** System property: {@code false} keeps the C library's default allocator settings. */
	static final String PROPERTY = "convkit.retainNativeMemory";
	/** Blocks up to this size come from the allocator's pools, not from separate mappings: glibc's largest (32 MiB on 64-bit). */
	static final int MMAP_THRESHOLD = 32 << 20;
	/** Free memory the allocator may keep at the end of a pool before it returns any. */
	static final int TRIM_THRESHOLD = 512 << 20;
	/**
	 * Spare memory a pool keeps: at glibc's pool size for threads (64 MiB), so a worker thread's
	 * emptied pool is not unmapped and mapped afresh for its next arrays.
	 */
	static final int TOP_PAD = 64 << 20;

	// mallopt parameters of glibc's malloc.h
	private static final int M_TRIM_THRESHOLD = -1;
	private static final int M_TOP_PAD = -2;
	private static final int M_MMAP_THRESHOLD = -3;

	private static String state;

	private NativeMemory() {}

	/** The C library's allocator functions used here. */
	interface CLibrary extends Library {
		int mallopt(int parameter, int value);
	}

	/** Applies the settings once; returns what the allocator does now, for {@code convkit info}. */
	static synchronized String retainFreedMemory() {
		if (state == null) state = apply();
		return state;
	}

	private static String apply() {
		if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim())) return "C library default (" + PROPERTY + "=false)";
		if (!Platform.isLinux()) return "system default";
		try {
			CLibrary c = Native.load(Platform.C_LIBRARY_NAME, CLibrary.class);
			boolean applied = c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 && c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
				&& c.mallopt(M_TOP_PAD, TOP_PAD) == 1;
			return applied ? "freed memory kept for reuse (malloc: blocks up to " + (MMAP_THRESHOLD >> 20) + " MiB pooled, up to "
				+ (TRIM_THRESHOLD >> 20) + " MiB of free memory kept; " + PROPERTY + "=false to turn off)"
				: "C library default (its mallopt refused the settings)";
		}
		catch (UnsatisfiedLinkError e) {
			return "C library default (no mallopt: " + e.getMessage() + ")";
		}
	}
}
