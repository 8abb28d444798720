package org.convkit.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.convkit.core.runtime.ConvKitRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * VGG-19 weights through DJL's model-zoo path, without a network: the test builds a small local
 * repository in DJL's layout (model/cv/image_classification/ai/djl/mxnet/vgg/metadata.json and the
 * artifact's files) holding a VGG-19-shaped network with 2 to 5 channels per block, with Gluon's
 * parameter names, points DJL_REPO_URL at it (a file: URL) and loads it as network=vgg19 would.
 * DJL's cache goes to a temporary folder.
 */
class Vgg19LoadingTest {

	private static final int[] WIDTHS = { 2, 3, 4, 5, 5 };

	@TempDir
	Path temp;
	private String oldRepo, oldCache;

	@BeforeEach
	void redirectDjl() {
		oldRepo = System.getProperty("DJL_REPO_URL");
		oldCache = System.getProperty("DJL_CACHE_DIR");
		System.setProperty("DJL_CACHE_DIR", temp.resolve("djl-cache").toString());
	}

	@AfterEach
	void restore() {
		restore("DJL_REPO_URL", oldRepo);
		restore("DJL_CACHE_DIR", oldCache);
	}

	private static void restore(String key, String value) {
		if (value == null) System.clearProperty(key);
		else System.setProperty(key, value);
	}

	/** Gluon-named tiny VGG-19 weights (conv0 ... conv15, plus a dense layer that must be ignored), in DJL's NDList encoding. */
	private static void writeWeights(Path file, long seed) throws IOException {
		try (NDManager manager = ConvKitRuntime.get().newManager(); OutputStream out = Files.newOutputStream(file)) {
			NDList list = new NDList();
			Random random = new Random(seed);
			int in = 3, conv = 0;
			for (int b = 0; b < 5; b++) {
				for (int i = 0; i < Vgg19.BLOCKS[b]; i++, conv++) {
					float[] w = new float[WIDTHS[b] * in * 9];
					for (int k = 0; k < w.length; k++) w[k] = (float) random.nextGaussian() * 0.3f;
					NDArray weight = manager.create(w, new Shape(WIDTHS[b], in, 3, 3));
					weight.setName("vgg0_conv" + conv + "_weight");
					NDArray bias = manager.create(new float[WIDTHS[b]]);
					bias.setName("vgg0_conv" + conv + "_bias");
					list.add(bias);
					list.add(weight);
					in = WIDTHS[b];
				}
			}
			NDArray dense = manager.ones(new Shape(10, 20));
			dense.setName("vgg0_dense0_weight");
			list.add(dense);
			list.encode(out);
		}
	}

	/** The repository layout DJL's LocalRepository reads. */
	private Path repository() throws IOException {
		Path root = temp.resolve("repo");
		Path model = Files.createDirectories(root.resolve("model/cv/image_classification/ai/djl/mxnet/vgg"));
		Path version = Files.createDirectories(model.resolve("0.0.1"));
		writeWeights(version.resolve("vgg19-0000.params"), 7);
		Files.writeString(model.resolve("metadata.json"), """
			{
			  "metadataVersion": "0.2",
			  "resourceType": "model",
			  "application": "cv/image_classification",
			  "groupId": "ai.djl.mxnet",
			  "artifactId": "vgg",
			  "name": "VGG",
			  "description": "a tiny VGG-19-shaped test network",
			  "artifacts": [
			    {
			      "version": "0.0.1",
			      "snapshot": false,
			      "name": "vgg16",
			      "properties": { "layers": "16", "dataset": "imagenet" },
			      "files": { "parameters": { "uri": "0.0.1/missing-0000.params" } }
			    },
			    {
			      "version": "0.0.1",
			      "snapshot": false,
			      "name": "vgg19",
			      "properties": { "layers": "19", "dataset": "imagenet" },
			      "files": { "parameters": { "uri": "0.0.1/vgg19-0000.params" } }
			    }
			  ]
			}
			""");
		return root;
	}

	@Test
	void loadsThroughDjlsRepositoryFromDjlRepoUrl() throws IOException {
		Path root = repository();
		System.setProperty("DJL_REPO_URL", root.toUri().toString());
		assertEquals(root.toUri().toString(), Vgg19Zoo.repositoryUrl());
		Path weights = Vgg19Zoo.weightsFile(Vgg19Zoo.repositoryUrl());
		assertTrue(weights.startsWith(temp.resolve("djl-cache")) || weights.startsWith(root), "the artifact's file, prepared by DJL: " + weights);
		assertEquals("vgg19-0000.params", weights.getFileName().toString());

		FeatureNetwork network = FeatureNetworks.get(ConvKitRuntime.get(), "vgg19", null);
		assertTrue(network.description().startsWith("VGG-19 ImageNet (DJL model zoo ai.djl.mxnet:vgg vgg19, from file:"), network.description());
		assertEquals(List.of("conv1_1", "conv1_2", "pool1", "conv2_1", "conv2_2", "pool2", "conv3_1", "conv3_2", "conv3_3", "conv3_4", "pool3",
			"conv4_1", "conv4_2", "conv4_3", "conv4_4", "pool4", "conv5_1", "conv5_2", "conv5_3", "conv5_4"), network.layerNames());
		// conv10 follows conv9 (block widths 2, 3, 4, 5, 5 would not fit otherwise).
		try (NDManager manager = ConvKitRuntime.get().newManager()) {
			Map<String, NDArray> features = network.features(TinyNetworks.image(manager, 32, 32, 1), List.of("conv1_1", "conv3_4", "conv5_1"));
			assertEquals(new Shape(1, 2, 32, 32), features.get("conv1_1").getShape());
			assertEquals(new Shape(1, 4, 8, 8), features.get("conv3_4").getShape());
			assertEquals(new Shape(1, 5, 2, 2), features.get("conv5_1").getShape());
			// Same numbers as the file read directly (network=file).
			FeatureNetwork direct = FeatureNetworks.get(ConvKitRuntime.get(), "file", weights.toFile());
			NDArray again = direct.features(TinyNetworks.image(manager, 32, 32, 1), List.of("conv3_4")).get("conv3_4");
			assertArrayEquals(features.get("conv3_4").toFloatArray(), again.toFloatArray(), 1e-6f);
		}
	}

	@Test
	void anUnreachableRepositorySaysWhatToDo() {
		String url = temp.resolve("no-such-repo").toUri().toString();
		IOException e = assertThrows(IOException.class, () -> Vgg19Zoo.weightsFile(url));
		String message = e.getMessage();
		assertTrue(message.startsWith("network: VGG-19 ImageNet weights are not available from " + url), message);
		for (String hint : List.of("-Doffline=false", "DJL_REPO_URL", "network=file weights=", "network=random"))
			assertTrue(message.contains(hint), "mentions " + hint + ": " + message);
	}

	@Test
	void offlineWithoutACachedCopySaysSo() {
		// The tests run with -Doffline=true and DJL's cache in a fresh folder: nothing is fetched.
		assertEquals("true", System.getProperty("offline"));
		IOException e = assertThrows(IOException.class, () -> Vgg19Zoo.weightsFile(Vgg19Zoo.DEFAULT_REPOSITORY));
		assertTrue(e.getMessage().startsWith("network: VGG-19 ImageNet weights are not available from https://mlrepo.djl.ai/"
			+ " (downloads are off (-Doffline=true) and DJL's cache has no copy). Either run once with downloads allowed"), e.getMessage());
	}

	@Test
	void badWeightFilesAreNamed() throws IOException {
		IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> FeatureNetworks.get(ConvKitRuntime.get(), "file", null));
		assertEquals(FeatureNetworks.NO_WEIGHTS, none.getMessage());
		File missing = temp.resolve("nothing.params").toFile();
		IOException absent = assertThrows(IOException.class, () -> FeatureNetworks.get(ConvKitRuntime.get(), "file", missing));
		assertEquals("weights: no file " + missing.toPath().toAbsolutePath() + "; expected VGG-19 weights (.params)", absent.getMessage());
		Path text = Files.writeString(temp.resolve("notes.params"), "not weights");
		IOException garbage = assertThrows(IOException.class, () -> FeatureNetworks.get(ConvKitRuntime.get(), "file", text.toFile()));
		assertTrue(garbage.getMessage().startsWith("weights: " + text.toAbsolutePath() + " is not a weights file this engine reads"), garbage.getMessage());
		IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> FeatureNetworks.get(ConvKitRuntime.get(), "alexnet", null));
		assertEquals("network: expected one of [auto, vgg19, random, file], got 'alexnet'", unknown.getMessage());
	}
}
