package org.convkit.bench;

import ij.IJ;
import ij.ImagePlus;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.demo.SyntheticEcg;
import org.scijava.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code convkit bench leak}: 1,000 calls of Verify Face and of Classify ECG Beats in one JVM,
 * through the command path every front end uses, with the process's resident memory (VmRSS) after
 * a warm-up and as the calls go on. A leak of native tensors, models or images shows as growth; a
 * flat line (within 50 MB after warm-up) is the target. Bundled data only: the demo's photo and a
 * synthetic one-minute ECG record.
 */
public final class LeakBenchmark implements Benchmark {

	static final int CALLS = 1000, WARMUP = 100, REPORT_EVERY = 225;
	private static final String PHOTO = "/org/convkit/demo/faces/group-of-three.jpg";

	@Override
	public String name() {
		return "leak";
	}

	@Override
	public void run(PrintStream out) throws IOException {
		ConvKitRuntime runtime = ConvKitRuntime.get();
		out.println(Benchmark.header(this, runtime));
		Path folder = Files.createTempDirectory("convkit-leak");
		try (Context context = new Context()) {
			CommandExecutor executor = new CommandExecutor(context);
			ImagePlus photo = photo(folder);
			Path gallery = folder.resolve("gallery.json");
			try {
				call(executor, "Enroll Face", Map.of("image", photo, "name", "someone", "gallery", gallery.toFile(), "face_mode", "cropped_resize"));
			}
			catch (CommandFailedException e) {
				throw new IOException("leak: enrolling the demo photo failed: " + e.getMessage(), e);
			}
			measure(out, "Verify Face (detect, align, encode 3 faces, compare)", () ->
				call(executor, "Verify Face", Map.of("image", photo, "name", "someone", "gallery", gallery.toFile())));
			Path record = SyntheticEcg.writeCsv(SyntheticEcg.generate(60, 360, 3), folder.resolve("one-minute.csv"));
			measure(out, "Classify ECG Beats (one-minute CSV record)", () ->
				call(executor, "Classify ECG Beats", Map.of("record", record.toFile(), "frequency", 360.0)));
		}
		finally {
			try (var files = Files.list(folder)) {
				for (Path file : files.toList()) Files.deleteIfExists(file);
			}
			Files.deleteIfExists(folder);
		}
	}

	private static void measure(PrintStream out, String what, Timing.Work call) {
		try {
			for (int i = 0; i < WARMUP; i++) call.run();
			Memory base = Memory.now();
			long start = System.nanoTime();
			StringBuilder line = new StringBuilder();
			Memory last = base;
			for (int i = 1; i <= CALLS; i++) {
				call.run();
				if (i % REPORT_EVERY == 0 || i == CALLS) {
					last = Memory.now();
					line.append(String.format(Locale.ROOT, " %d: %+.1f (heap %+.1f)", i, (last.resident() - base.resident()) / 1e6, (last.heapUsed() - base.heapUsed()) / 1e6));
				}
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			long growth = last.resident() - base.resident();
			out.printf(Locale.ROOT, "  %s: %d calls after %d warm-up calls, %.1f ms per call%n", what, CALLS, WARMUP, 1000 * seconds / CALLS);
			out.printf(Locale.ROOT, "    resident memory after warm-up %.0f MB (Java heap in use after GC %.0f MB); growth in MB after call%s%n",
				base.resident() / 1e6, base.heapUsed() / 1e6, line);
			out.printf(Locale.ROOT, "    leak check (resident growth over %d calls within 50 MB): %.1f MB, %s%n", CALLS, growth / 1e6, growth <= 50_000_000 ? "flat" : "GROWING");
		}
		catch (Exception e) {
			throw new IllegalStateException(what + " failed: " + e, e);
		}
	}

	/** Resident memory of the process and the Java heap in use, both after a full collection. */
	record Memory(long resident, long heapUsed) {
		static Memory now() {
			System.gc();
			Runtime runtime = Runtime.getRuntime();
			return new Memory(ProcessMemory.residentBytes(), runtime.totalMemory() - runtime.freeMemory());
		}
	}

	private static void call(CommandExecutor executor, String title, Map<String, Object> inputs) throws CommandFailedException {
		executor.run(executor.find(title), new HashMap<>(inputs));
	}

	private static ImagePlus photo(Path folder) throws IOException {
		Path copy = folder.resolve("photo.jpg");
		try (InputStream in = LeakBenchmark.class.getResourceAsStream(PHOTO)) {
			if (in == null) throw new IOException("the demo photo " + PHOTO + " is missing from the jar");
			Files.write(copy, in.readAllBytes());
		}
		return IJ.openImage(copy.toString());
	}
}
