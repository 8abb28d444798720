package org.convkit.core.runtime;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

	/** The glibc tunable that makes malloc ask for transparent huge pages. */
	static final String HUGE_PAGES = "glibc.malloc.hugetlb=1";
	private static final Path THP_SETTING = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

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

	/**
	 * Whether the C library backs its pools with transparent huge pages: glibc (2.35 and later) does
	 * when started with {@value #HUGE_PAGES} in the environment variable {@code GLIBC_TUNABLES}
	 * ({@code bin/convkit} sets it), and the kernel's {@code transparent_hugepage} is {@code madvise}
	 * or {@code always}. Why: arrays above {@link #MMAP_THRESHOLD} (CT volumes, style transfer at
	 * 1024x1024) are mapped afresh for every array, one page fault per 4 KiB; with huge pages one per
	 * 2 MiB. Measured on {@code bench style}: 4.2 million page faults and 43 s of user time without, 0.15-0.17
	 * million and 17 s with. A running JVM cannot turn it on, so Fiji must be started with the variable.
	 */
	static String hugePages() {
		String thp;
		try {
			thp = Files.readString(THP_SETTING).trim();
		}
		catch (IOException | RuntimeException e) {
			thp = null;
		}
		return hugePages(System.getenv("GLIBC_TUNABLES"), thp);
	}

	/** {@link #hugePages()} for the given environment value and kernel setting (null: absent). */
	static String hugePages(String tunables, String kernelSetting) {
		if (kernelSetting == null) return "huge pages: not available (no " + THP_SETTING + ")";
		String mode = kernelSetting.replaceAll(".*\\[(\\w+)\\].*", "$1"); // "always [madvise] never" -> madvise
		if (mode.equals("never")) return "huge pages: off (the kernel's transparent_hugepage is never)";
		if (mode.equals("always")) return "huge pages: on (the kernel's transparent_hugepage is always)";
		boolean asked = tunables != null && List.of(tunables.split(":")).contains(HUGE_PAGES);
		return asked ? "huge pages: on (GLIBC_TUNABLES " + HUGE_PAGES + ", kernel " + mode + ")"
			: "huge pages: off; start the JVM with GLIBC_TUNABLES=" + HUGE_PAGES + " (bin/convkit does) for far fewer page faults on large arrays";
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
