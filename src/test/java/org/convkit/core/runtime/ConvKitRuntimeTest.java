package org.convkit.core.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.convkit.filter.ConvolutionFilterModel;
import org.convkit.filter.FilterKind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

class ConvKitRuntimeTest {

	private static final ConvolutionFilterModel SMOOTH = new ConvolutionFilterModel(FilterKind.GAUSSIAN, 1.5, 2);

	@Test
	void defaultRuntimeIsMxnetOnCpu() {
		RuntimeInfo info = ConvKitRuntime.get().info();
		assertEquals("MXNet", info.engine());
		assertEquals("cpu()", info.device());
		assertTrue(info.describe().contains("engine:        MXNet 1.9"), info.describe());
		assertTrue(info.describe().contains("device:        cpu()"), info.describe());
	}

	@Test
	void unknownEngineNamesTheOptionAndTheChoices() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> ConvKitRuntime.open(new RuntimeOptions("TensorFlowLite", false)));
		assertTrue(e.getMessage().startsWith("engine: unknown engine 'TensorFlowLite' (convkit.engine)"), e.getMessage());
		assertTrue(e.getMessage().contains("MXNet"), e.getMessage());
	}

	@Test
	void optionsComeFromPropertiesThenEnvironment() {
		assertEquals(new RuntimeOptions("PyTorch", false, 3), RuntimeOptions.from(
			Map.of("convkit.engine", "PyTorch", "convkit.gpu", "off", "convkit.threads", "3")::get, Map.of("CONVKIT_ENGINE", "MXNet")));
		int cores = Runtime.getRuntime().availableProcessors();
		assertEquals(new RuntimeOptions("MXNet", true, cores), RuntimeOptions.from(k -> null, Map.of("CONVKIT_ENGINE", "MXNet")));
		assertEquals("convkit.threads: expected a whole number of threads, got 'many'",
			assertThrows(IllegalArgumentException.class, () -> RuntimeOptions.from(Map.of("convkit.threads", "many")::get, Map.of())).getMessage());
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> RuntimeOptions.from(Map.of("convkit.gpu", "yes")::get, Map.of()));
		assertEquals("convkit.gpu: expected 'auto' or 'off', got 'yes'", e.getMessage());
	}

	@Test
	void aModelIsLoadedOnceAndReused() throws Exception {
		try (ConvKitRuntime runtime = ConvKitRuntime.open(new RuntimeOptions("MXNet", false))) {
			float[] first = smooth(runtime, image(1));
			float[] second = smooth(runtime, image(1));
			assertEquals(1, runtime.models().loadCount());
			assertArrayEquals(first, second);
			assertEquals(List.of(new ModelCache.Key(SMOOTH.id(), "MXNet", runtime.device())), runtime.models().loaded());
		}
	}

	@Test
	void concurrentInferenceEqualsSequential() throws Exception {
		ConvKitRuntime runtime = ConvKitRuntime.get();
		int calls = 64;
		List<float[]> sequential = new ArrayList<>();
		for (int i = 0; i < calls; i++) sequential.add(smooth(runtime, image(i)));
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<float[]>> parallel = new ArrayList<>();
			for (int i = 0; i < calls; i++) {
				int seed = i;
				parallel.add(pool.submit(() -> smooth(runtime, image(seed))));
			}
			for (int i = 0; i < calls; i++) assertArrayEquals(sequential.get(i), parallel.get(i).get(), "call " + i);
		}
		finally {
			pool.shutdown();
		}
	}

	@Test
	void memoryStaysFlatOverAThousandCalls() throws Exception {
		ConvKitRuntime runtime = ConvKitRuntime.get();
		float[] input = image(7);
		for (int i = 0; i < 100; i++) smooth(runtime, input);
		long before = residentBytes();
		for (int i = 0; i < 1000; i++) smooth(runtime, input);
		long after = residentBytes();
		long growth = after - before;
		assertTrue(growth < 50L << 20, "resident memory grew by " + (growth >> 20) + " MB over 1,000 calls");
	}

	private static float[] smooth(ConvKitRuntime runtime, float[] pixels) throws Exception {
		return runtime.infer(SMOOTH, session -> {
			NDArray input = session.manager().create(pixels, new Shape(1, 1, 64, 64));
			return session.forward(input).toFloatArray();
		});
	}

	private static float[] image(int seed) {
		Random random = new Random(seed);
		float[] pixels = new float[64 * 64];
		for (int i = 0; i < pixels.length; i++) pixels[i] = random.nextFloat();
		return pixels;
	}

	/** Resident set size of this JVM (Linux), after a GC so the heap does not hide a native leak. */
	private static long residentBytes() throws IOException {
		System.gc();
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
		}
		throw new IllegalStateException("no VmRSS in /proc/self/status");
	}
}
