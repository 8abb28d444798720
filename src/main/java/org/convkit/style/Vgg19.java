package org.convkit.style;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * VGG-19's convolutional part (Simonyan and Zisserman 2014) with weights from a file: 16 3x3
 * convolutions in blocks of 2, 2, 4, 4, 4 with pooling between blocks. The channel counts come from
 * the weights, so the standard network (64 ... 512) and smaller networks of the same shape (tests)
 * load the same way.
 * <p>
 * Weight files: MXNet .params (the DJL model zoo's {@code vgg19}, Gluon names such as
 * {@code vgg0_conv3_weight}), or DJL's own NDList encoding; convolution weights are the 4-D arrays,
 * each paired with the bias of the same name, ordered by the last number in the name (so
 * {@code conv10} follows {@code conv9}, and torchvision-style {@code features.10.weight} works too).
 * Dense layers are ignored.
 */
public final class Vgg19 {

	static final int[] BLOCKS = { 2, 2, 4, 4, 4 };
	private static final Pattern PARAMETER = Pattern.compile("(.*?)[._](weight|bias)$");
	private static final Pattern LAST_NUMBER = Pattern.compile("(\\d+)(?!.*\\d)");

	private Vgg19() {}

	/** The layers for these 5 block widths: conv{b}_{i}, pool{b} between blocks (no pool5). */
	public static List<LayerSpec> layers(int[] widths) {
		List<LayerSpec> layers = new ArrayList<>();
		int in = 3;
		for (int b = 0; b < BLOCKS.length; b++) {
			if (b > 0) layers.add(LayerSpec.pool("pool" + b, 2, 2, in));
			for (int i = 1; i <= BLOCKS[b]; i++) {
				layers.add(LayerSpec.conv("conv" + (b + 1) + "_" + i, 3, 1, 1, in, widths[b]));
				in = widths[b];
			}
		}
		return layers;
	}

	/** Reads a weights file (see the class comment) into {@code manager}. */
	public static FeatureNetwork fromFile(Path file, String description, NDManager manager) throws IOException {
		if (!Files.isRegularFile(file)) throw new IOException("weights: no file " + file + "; expected VGG-19 weights (.params)");
		NDList arrays;
		try {
			arrays = read(file, manager);
		}
		catch (RuntimeException e) {
			throw new IOException("weights: " + file + " is not a weights file this engine reads (MXNet .params or DJL NDList): " + e.getMessage(), e);
		}
		return fromArrays(arrays, "vgg19:" + file.toAbsolutePath() + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis(),
			description, file.toString(), manager);
	}

	/** DJL's own encoding (engine-neutral) first, else the engine's own reader (MXNet .params). */
	private static NDList read(Path file, NDManager manager) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			return NDList.decode(manager, in);
		}
		catch (RuntimeException notNdList) {
			return manager.load(file);
		}
	}

	static FeatureNetwork fromArrays(NDList arrays, String id, String description, String source, NDManager manager) {
		Map<String, NDArray> weights = new HashMap<>(), biases = new HashMap<>();
		for (NDArray array : arrays) {
			Matcher m = PARAMETER.matcher(array.getName() == null ? "" : array.getName());
			if (!m.matches()) continue;
			if (m.group(2).equals("weight") && array.getShape().dimension() == 4) weights.put(m.group(1), array);
			else if (m.group(2).equals("bias")) biases.put(m.group(1), array);
		}
		List<String> convs = new ArrayList<>(weights.keySet());
		convs.sort(Comparator.comparingInt(Vgg19::lastNumber));
		int expected = java.util.Arrays.stream(BLOCKS).sum();
		if (convs.size() != expected)
			throw new IllegalArgumentException("weights: " + source + " holds " + convs.size() + " named convolution weights (4-D, '..._weight'); VGG-19 has " + expected);
		int[] widths = new int[BLOCKS.length];
		Map<String, NDArray[]> byLayer = new HashMap<>();
		int next = 0;
		for (int b = 0; b < BLOCKS.length; b++) {
			for (int i = 1; i <= BLOCKS[b]; i++) {
				String key = convs.get(next++);
				NDArray weight = weights.get(key), bias = biases.get(key);
				if (bias == null) throw new IllegalArgumentException("weights: " + source + " has no bias for " + key);
				widths[b] = (int) weight.getShape().get(0);
				byLayer.put("conv" + (b + 1) + "_" + i, new NDArray[] { weight, bias });
			}
		}
		return new SequentialFeatures(id, description, layers(widths), byLayer, manager);
	}

	private static int lastNumber(String name) {
		Matcher m = LAST_NUMBER.matcher(name);
		return m.find() ? Integer.parseInt(m.group(1)) : -1;
	}
}
