package org.convkit.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class NativeMemoryTest {

	/** malloc, memset and free of the C library, to allocate as the engines do. */
	interface C extends Library {
		Pointer malloc(long size);
		Pointer memset(Pointer p, int value, long size);
		void free(Pointer p);
	}

	/** 30 blocks of 4 MiB live at once: more than one of glibc's 64 MiB pools for a thread, as a batch's activations are. */
	private static final int BLOCK = 4 << 20, BLOCKS = 30, ROUNDS = 10;

	@Test
	void freedMemoryIsReusedWithoutNewPageFaults() throws Exception {
		assumeTrue(Platform.isLinux() && Files.isReadable(Path.of("/proc/self/stat")), "needs Linux's /proc to count page faults");
		String state = NativeMemory.retainFreedMemory();
		assumeTrue(state.startsWith("freed memory kept"), "the C library did not take the settings: " + state);
		assertEquals(state, NativeMemory.retainFreedMemory(), "applied once");
		C c = Native.load(Platform.C_LIBRARY_NAME, C.class);
		long[] faults = new long[1];
		// a worker thread, as the engines' OpenMP threads are: glibc gives it an arena of its own
		Thread worker = new Thread(() -> {
			try {
				round(c); // the first round's pages are new
				long before = minorFaults();
				for (int i = 0; i < ROUNDS; i++) round(c);
				faults[0] = minorFaults() - before;
			}
			catch (Exception e) {
				throw new IllegalStateException(e);
			}
		});
		worker.start();
		worker.join();
		long pages = (long) ROUNDS * BLOCKS * BLOCK / 4096;
		// with glibc's defaults each round faults on nearly every page (99.9% measured): the emptied pools go back to the system
		assertTrue(faults[0] < pages / 10, "page faults in " + ROUNDS + " rounds of " + BLOCKS + " x 4 MiB: " + faults[0] + " (" + pages + " pages touched)");
	}

	private static void round(C c) {
		Pointer[] blocks = new Pointer[BLOCKS];
		for (int i = 0; i < BLOCKS; i++) {
			blocks[i] = c.malloc(BLOCK);
			c.memset(blocks[i], 1, BLOCK);
		}
		for (Pointer p : blocks) c.free(p);
	}

	/** Minor page faults of this process so far (field 10 of /proc/self/stat). */
	private static long minorFaults() throws Exception {
		String stat = Files.readString(Path.of("/proc/self/stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[7]);
	}
	@Test
	void hugePagesFollowTheTunableAndTheKernelSetting() {
		String madvise = "always [madvise] never";
		assertTrue(NativeMemory.hugePages("glibc.malloc.hugetlb=1", madvise).startsWith("huge pages: on"));
		assertTrue(NativeMemory.hugePages("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1", madvise).startsWith("huge pages: on"),
			"one tunable among others");
		String off = NativeMemory.hugePages(null, madvise);
		assertTrue(off.startsWith("huge pages: off") && off.contains("GLIBC_TUNABLES=glibc.malloc.hugetlb=1"), "says how to turn it on: " + off);
		assertTrue(NativeMemory.hugePages("glibc.malloc.hugetlb=0", madvise).startsWith("huge pages: off"), "the user's choice stands");
		assertTrue(NativeMemory.hugePages(null, "[always] madvise never").startsWith("huge pages: on"), "the kernel gives them to all");
		assertTrue(NativeMemory.hugePages("glibc.malloc.hugetlb=1", "always madvise [never]").startsWith("huge pages: off"));
		assertTrue(NativeMemory.hugePages("glibc.malloc.hugetlb=1", null).contains("not available"));
	}
}
