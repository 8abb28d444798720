package org.convkit.core.runtime;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Refuses work that cannot fit in memory before it starts: a command estimates what it needs (Java
 * heap for its images and tables, native memory for the engine's tensors) and asks here; the answer
 * is an error that gives the estimate, the limit, and the option to lower, instead of a kill by the
 * kernel an hour later. Physical memory is what Linux calls available (MemAvailable), capped by the
 * container's limit (cgroup v2 or v1) when there is one.
 */
public final class MemoryGuard {

	public static final String TOO_LARGE = "%s: %s needs about %s (%s native, %s Java heap), but %s; %s";

	/** A limit read from the system, in bytes, or -1 when unknown. */
	private static final long UNKNOWN = -1;

	private MemoryGuard() {}

	/**
	 * @param parameter the option the user can lower, named first in the error
	 * @param work what is being done, in words ("style transfer at 4096x3072")
	 * @param nativeBytes engine tensors and other memory outside the Java heap
	 * @param heapBytes Java arrays and objects
	 * @throws IllegalArgumentException when it does not fit
	 */
	public static void check(String parameter, String work, long nativeBytes, long heapBytes) {
		guard(parameter, work, nativeBytes, heapBytes, (physical, heap) -> "lower " + parameter);
	}

	/**
	 * As {@link #check(String, String, long, long)}, with advice on the value to use, made from the
	 * memory that is available (native, heap) when it does not fit.
	 */
	public static void check(String parameter, String work, long nativeBytes, long heapBytes, Advice advice) {
		guard(parameter, work, nativeBytes, heapBytes, (physical, heap) -> "lower " + parameter + " (" + advice.value(physical, heap) + ")");
	}

	/**
	 * As {@link #check(String, String, long, long)} where the remedy is not to lower the parameter
	 * (a spacing is made coarser by raising it): {@code remedy} says what to do instead.
	 */
	public static void check(String parameter, String work, long nativeBytes, long heapBytes, String remedy) {
		guard(parameter, work, nativeBytes, heapBytes, (physical, heap) -> remedy);
	}

	private static void guard(String parameter, String work, long nativeBytes, long heapBytes, Advice remedy) {
		if (fits(nativeBytes, heapBytes)) return;
		System.gc(); // what the heap holds may be garbage: count only what is live before refusing
		if (fits(nativeBytes, heapBytes)) return;
		long heapFree = heapAvailable(), physical = physicalAvailable();
		String limit = heapBytes > heapFree
			? "the Java heap has " + bytes(heapFree) + " free (raise it with -Xmx, e.g. JAVA_OPTS=-Xmx16g)"
			: "this machine has " + bytes(physical) + " available";
		throw new IllegalArgumentException(String.format(Locale.ROOT, TOO_LARGE, parameter, work, bytes(nativeBytes + heapBytes),
			bytes(nativeBytes), bytes(heapBytes), limit, remedy.value(physical == UNKNOWN ? Long.MAX_VALUE : physical, heapFree)));
	}

	/** Heap and physical memory both suffice; heap not yet taken from the system counts as physical memory too. */
	private static boolean fits(long nativeBytes, long heapBytes) {
		long physical = physicalAvailable();
		long heapGrowth = Math.max(0, heapBytes - (Runtime.getRuntime().totalMemory() - used()));
		return heapBytes <= heapAvailable() && (physical == UNKNOWN || nativeBytes + heapGrowth <= physical);
	}

	/** Advice for a refused run, from the bytes available: "at most 1856 fits". */
	@FunctionalInterface
	public interface Advice {
		String value(long physicalAvailable, long heapAvailable);
	}

	/**
	 * Native bytes of tiled inference: a batch of float tiles of this edge in 2-D or 3-D, in, out and
	 * the engine's working copies (a few times the tile), plus the engine itself.
	 */
	public static long tilesBytes(long tileEdge, int dimensions) {
		long voxels = 1;
		for (int d = 0; d < dimensions; d++) voxels *= tileEdge;
		return (256L << 20) + 8 * voxels * Float.BYTES;
	}

	/** Heap that can still be allocated: the maximum less what is in use. */
	public static long heapAvailable() {
		return Runtime.getRuntime().maxMemory() - used();
	}

	private static long used() {
		Runtime runtime = Runtime.getRuntime();
		return runtime.totalMemory() - runtime.freeMemory();
	}

	/** Physical memory that can be allocated without swapping, or -1 when the system does not say. */
	public static long physicalAvailable() {
		long available = meminfoAvailable();
		if (available == UNKNOWN && ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			available = os.getFreeMemorySize();
		}
		long container = containerAvailable();
		if (container != UNKNOWN && (available == UNKNOWN || container < available)) available = container;
		return available;
	}

	private static long meminfoAvailable() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
				if (line.startsWith("MemAvailable:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
			}
		}
		catch (IOException | RuntimeException e) {
			// not Linux
		}
		return UNKNOWN;
	}

	/** The container's limit less its usage: cgroup v2, else v1; -1 without a limit. */
	private static long containerAvailable() {
		long v2 = difference(Path.of("/sys/fs/cgroup/memory.max"), Path.of("/sys/fs/cgroup/memory.current"));
		return v2 != UNKNOWN ? v2 : difference(Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes"), Path.of("/sys/fs/cgroup/memory/memory.usage_in_bytes"));
	}

	private static long difference(Path limitFile, Path usageFile) {
		try {
			String limit = Files.readString(limitFile).strip();
			if (limit.equals("max")) return UNKNOWN;
			long bytes = Long.parseLong(limit);
			if (bytes >= Long.MAX_VALUE / 2) return UNKNOWN; // v1's "no limit"
			return bytes - Long.parseLong(Files.readString(usageFile).strip());
		}
		catch (IOException | RuntimeException e) {
			return UNKNOWN;
		}
	}

	/** Bytes as a person reads them: 1.5 GB, 300 MB. */
	public static String bytes(long bytes) {
		if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
		return String.format(Locale.ROOT, "%d MB", Math.max(1, Math.round(bytes / (double) (1L << 20))));
	}
}
