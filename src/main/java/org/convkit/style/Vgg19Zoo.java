package org.convkit.style;

import ai.djl.Application;
import ai.djl.repository.Artifact;
import ai.djl.repository.MRL;
import ai.djl.repository.Repository;
import ai.djl.util.Utils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * VGG-19's ImageNet weights from DJL's model zoo: the MXNet zoo's artifact {@code ai.djl.mxnet:vgg}
 * (properties layers=19, dataset=imagenet), found through DJL's repository API in the repository
 * {@code DJL_REPO_URL} names (environment variable or system property; a mirror, or a
 * {@code file:} folder in DJL's layout), else DJL's own. DJL caches what it fetched, so once the
 * weights were fetched they load without a network, also with {@code -Doffline=true}.
 */
public final class Vgg19Zoo {

	public static final String DEFAULT_REPOSITORY = "https://mlrepo.djl.ai/";
	static final String GROUP = "ai.djl.mxnet", ARTIFACT = "vgg", VERSION = "0.0.1";
	static final Map<String, String> FILTER = Map.of("layers", "19", "dataset", "imagenet");

	static final String UNAVAILABLE = "network: VGG-19 ImageNet weights are not available from %s (%s). Either run once with"
		+ " downloads allowed (JAVA_OPTS=-Doffline=false; DJL then caches them in %s), or set DJL_REPO_URL to a mirror of DJL's"
		+ " model repository (a file: folder works), or download vgg19-0000.params from DJL's MXNet model zoo and use"
		+ " network=file weights=/path/to/vgg19-0000.params, or use network=random (no download).";

	private Vgg19Zoo() {}

	/** The repository in use: DJL_REPO_URL (system property, then environment) or DJL's default. */
	public static String repositoryUrl() {
		String url = System.getProperty("DJL_REPO_URL", System.getenv("DJL_REPO_URL"));
		return url == null || url.isBlank() ? DEFAULT_REPOSITORY : url;
	}

	/** The path of the weights file, fetched into DJL's cache first if needed and allowed. */
	public static Path weightsFile(String repositoryUrl) throws IOException {
		try {
			Repository repository = Repository.newInstance("convkit-vgg19", repositoryUrl);
			MRL mrl = repository.model(Application.CV.IMAGE_CLASSIFICATION, GROUP, ARTIFACT, VERSION);
			Artifact artifact = mrl.match(FILTER);
			if (artifact == null) throw new IOException("no artifact " + GROUP + ":" + ARTIFACT + " with " + FILTER);
			if (!mrl.isPrepared(artifact)) mrl.prepare(artifact);
			Path folder = repository.getResourceDirectory(artifact);
			try (Stream<Path> files = Files.walk(folder)) {
				return files.filter(f -> f.getFileName().toString().endsWith(".params")).findFirst()
					.orElseThrow(() -> new IOException("the artifact in " + folder + " has no .params file"));
			}
		}
		catch (IOException | RuntimeException e) {
			boolean remote = repositoryUrl.startsWith("http:") || repositoryUrl.startsWith("https:");
			String why = remote && Utils.isOfflineMode() ? "downloads are off (-Doffline=true) and DJL's cache has no copy"
				: e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
			throw new IOException(String.format(UNAVAILABLE, repositoryUrl, why, Utils.getCacheDir()), e);
		}
	}

	/** Whether the weights can be had without asking: in DJL's cache, or a repository was named. */
	static boolean likelyAvailable() {
		if (!repositoryUrl().equals(DEFAULT_REPOSITORY) || !Utils.isOfflineMode()) return true;
		Path cached = Utils.getCacheDir().resolve("cache/repo/model/cv/image_classification").resolve(GROUP.replace('.', '/')).resolve(ARTIFACT);
		return Files.isDirectory(cached);
	}
}
