package org.convkit.core.runtime;

import ai.djl.Device;
import ai.djl.Model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loaded models, keyed by model id, engine and device: the first command that needs a model loads
 * it, later commands (and other threads) reuse it.
 */
public final class ModelCache implements AutoCloseable {

	/** What identifies one loaded copy of a model. */
	public record Key(String modelId, String engine, Device device) {
		@Override
		public String toString() {
			return modelId + " [" + engine + ", " + device + "]";
		}
	}

	private final Map<Key, Model> models = new ConcurrentHashMap<>();
	private final AtomicInteger loads = new AtomicInteger();

	/** The model for this spec, loading it on first use. Concurrent callers wait for one load. */
	public Model get(ModelSpec spec, String engine, Device device) throws IOException {
		Key key = new Key(spec.id(), engine, device);
		try {
			return models.computeIfAbsent(key, k -> {
				try {
					Model model = spec.load(engine, device);
					loads.incrementAndGet();
					return model;
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
			});
		}
		catch (UncheckedIOException e) {
			throw e.getCause();
		}
	}

	/** How many models this cache has loaded since it was made (a reused model counts once). */
	public int loadCount() {
		return loads.get();
	}

	/** The keys of the models loaded now. */
	public List<Key> loaded() {
		return new ArrayList<>(models.keySet());
	}

	@Override
	public void close() {
		models.values().forEach(Model::close);
		models.clear();
	}
}
