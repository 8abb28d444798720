package org.convkit.style;

import ai.djl.ndarray.NDManager;
import org.convkit.core.runtime.ConvKitRuntime;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The feature network a user names ({@code network=}): {@code vgg19} (ImageNet weights from DJL's
 * model zoo), {@code file} (VGG-19 weights in a local file), {@code random} (no download), or
 * {@code auto}: vgg19 when its weights can be had without a surprise download (in DJL's cache, or
 * DJL_REPO_URL set, or downloads allowed), else random. Each network is made once per JVM, engine
 * and device, and kept (like the runtime's models): its weights live in a manager of its own.
 */
public final class FeatureNetworks {

	public static final List<String> CHOICES = List.of("auto", "vgg19", "random", "file");
	static final String NO_WEIGHTS = "weights: network=file needs a VGG-19 weights file, e.g. weights=/path/to/vgg19-0000.params";

	private static final Map<String, FeatureNetwork> LOADED = new ConcurrentHashMap<>();

	private FeatureNetworks() {}

	/**
	 * @param network one of {@link #CHOICES}
	 * @param weights the weights file for {@code file} (ignored otherwise)
	 */
	public static FeatureNetwork get(ConvKitRuntime runtime, String network, File weights) throws IOException {
		return switch (network) {
			case "auto" -> get(runtime, Vgg19Zoo.likelyAvailable() ? "vgg19" : "random", weights);
			case "random" -> cached(runtime, "random:" + RandomFeatures.DEFAULT_SEED, m -> RandomFeatures.create(RandomFeatures.DEFAULT_SEED, m));
			case "vgg19" -> {
				String url = Vgg19Zoo.repositoryUrl();
				yield cached(runtime, "zoo:" + url, m -> Vgg19.fromFile(Vgg19Zoo.weightsFile(url),
					"VGG-19 ImageNet (DJL model zoo " + Vgg19Zoo.GROUP + ":" + Vgg19Zoo.ARTIFACT + " vgg19, from " + url + ")", m));
			}
			case "file" -> {
				if (weights == null || weights.getPath().isBlank()) throw new IllegalArgumentException(NO_WEIGHTS);
				Path file = weights.toPath().toAbsolutePath();
				yield cached(runtime, "file:" + file, m -> Vgg19.fromFile(file, "VGG-19 (weights " + file.getFileName() + ")", m));
			}
			default -> throw new IllegalArgumentException("network: expected one of " + CHOICES + ", got '" + network + "'");
		};
	}

	@FunctionalInterface
	private interface Loader {
		FeatureNetwork load(NDManager manager) throws IOException;
	}

	private static FeatureNetwork cached(ConvKitRuntime runtime, String key, Loader loader) throws IOException {
		String full = key + " [" + runtime.engine().getEngineName() + ", " + runtime.device() + "]";
		try {
			return LOADED.computeIfAbsent(full, k -> {
				NDManager manager = runtime.newManager();
				try {
					return loader.load(manager);
				}
				catch (IOException | RuntimeException e) {
					manager.close();
					if (e instanceof IOException io) throw new UncheckedIOException(io);
					throw (RuntimeException) e;
				}
			});
		}
		catch (UncheckedIOException e) {
			throw e.getCause();
		}
	}
}
