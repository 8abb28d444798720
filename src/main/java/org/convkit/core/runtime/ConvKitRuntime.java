package org.convkit.core.runtime;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.util.Utils;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one DJL runtime of a JVM: engine, device and loaded models, shared by every ConvKit command.
 * Usable without SciJava ({@link #get()}); inside SciJava it is reached through
 * {@link ConvKitService}. Thread-safe: models are loaded once and inference calls may run
 * concurrently, each with its own NDManager released at the end of the call.
 */
public final class ConvKitRuntime implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger("org.convkit");
	private static final String PYTORCH_THREADS = "ai.djl.pytorch.num_threads";
	private static ConvKitRuntime shared;

	private final Engine engine;
	private final Device device;
	private final ModelCache models = new ModelCache();

	static {
		// Nothing may be downloaded at run time: DJL must use the natives on the class path.
		if (System.getProperty("offline") == null) System.setProperty("offline", "true");
	}

	private ConvKitRuntime(RuntimeOptions options) {
		String name = engineName(options.engine());
		// PyTorch's OpenMP may start with one thread (seen here: 1 of 2 cores); DJL passes this on.
		if (System.getProperty(PYTORCH_THREADS) == null) System.setProperty(PYTORCH_THREADS, String.valueOf(options.threads()));
		NativeMemory.retainFreedMemory();
		this.engine = Engine.getEngine(name);
		this.device = options.gpuAllowed() && engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
		LOG.log(Level.INFO, "ConvKit runtime: {0} {1} on {2}", engine.getEngineName(), engine.getVersion(), device);
	}

	/** The runtime of this JVM, opened on first use with {@link RuntimeOptions#fromEnvironment()}. */
	public static synchronized ConvKitRuntime get() {
		if (shared == null) {
			shared = new ConvKitRuntime(RuntimeOptions.fromEnvironment());
			// Engine-neutral DJL calls that pick "the default engine" then agree with the JVM's runtime.
			System.setProperty("ai.djl.default_engine", shared.engine.getEngineName());
		}
		return shared;
	}

	/** A runtime of its own (for tools that compare engines side by side); the caller closes it. */
	public static ConvKitRuntime open(RuntimeOptions options) {
		return new ConvKitRuntime(options);
	}

	/** Maps a user's engine name (any case) to DJL's, or explains what is available. */
	static String engineName(String requested) {
		Set<String> available = new TreeSet<>(Engine.getAllEngines());
		for (String name : available) {
			if (name.equalsIgnoreCase(requested.trim())) return name;
		}
		String hint = requested.toLowerCase(Locale.ROOT).contains("torch")
			? " The PyTorch engine is added by building with the Maven profile -Ppytorch (see README, Engines)."
			: "";
		throw new IllegalArgumentException("engine: unknown engine '" + requested + "' (" +
			RuntimeOptions.ENGINE_PROPERTY + "); expected one of " + available + " found on the class path." + hint);
	}

	public Engine engine() {
		return engine;
	}

	public Device device() {
		return device;
	}

	public ModelCache models() {
		return models;
	}

	/** What the engine was told about threads, as a user can check and change it. */
	String threadSettings() {
		if (engine.getEngineName().equals("PyTorch")) {
			return System.getProperty(PYTORCH_THREADS) + " intra-op (" + RuntimeOptions.THREADS_PROPERTY + ")";
		}
		String omp = System.getenv("OMP_NUM_THREADS");
		return omp == null ? "engine default (environment variable OMP_NUM_THREADS unset)" : "OMP_NUM_THREADS=" + omp;
	}

	/** What the C library's allocator does with the memory the engine frees ({@link NativeMemory}). */
	String nativeMemory() {
		return NativeMemory.retainFreedMemory() + "; " + NativeMemory.hugePages();
	}

	/** The model of this spec on this runtime's engine and device, loaded on first use. */
	public Model model(ModelSpec spec) throws IOException {
		return models.get(spec, engine.getEngineName(), device);
	}

	/**
	 * Runs one inference call: loads the model if needed, opens a session whose arrays are released
	 * when {@code call} returns, and returns what it computed.
	 */
	public <R> R infer(ModelSpec spec, Inference<R> call) throws IOException {
		Model model = model(spec);
		try (NDManager manager = model.getNDManager().newSubManager()) {
			return call.run(new ModelSession(model, manager));
		}
	}

	/** A manager on this runtime's device for work outside a model (pre- or post-processing). */
	public NDManager newManager() {
		return engine.newBaseManager(device);
	}

	/** What this runtime is: engine, version, device, threads, cache and loaded models. */
	public RuntimeInfo info() {
		return RuntimeInfo.of(this);
	}

	Path cacheDirectory() {
		return Utils.getEngineCacheDir(engine.getEngineName());
	}

	@Override
	public void close() {
		models.close();
	}
}
