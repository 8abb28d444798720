package org.convkit.filter;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import org.convkit.core.runtime.ModelSpec;

import java.util.Arrays;
import java.util.Locale;

/**
 * A single-channel convolution layer (no padding, no bias) whose weights are a {@link FilterKind}
 * kernel. Input [B, 1, (D,) H, W], output smaller by the kernel radius on every side.
 */
public record ConvolutionFilterModel(FilterKind kind, double sigma, int dims) implements ModelSpec {

	public ConvolutionFilterModel {
		if (dims != 2 && dims != 3) throw new IllegalArgumentException("dims: expected 2 or 3, got " + dims);
		kind.kernel(sigma, dims); // validates sigma
	}

	public int radius() {
		return FilterKind.radius(sigma);
	}

	@Override
	public String id() {
		return String.format(Locale.ROOT, "convkit/filter/%s?sigma=%s&dims=%d", kind.key(), sigma, dims);
	}

	@Override
	public Model load(String engine, Device device) {
		int size = 2 * radius() + 1;
		long[] kernelShape = new long[dims];
		Arrays.fill(kernelShape, size);
		Block block = dims == 2
			? Conv2d.builder().setKernelShape(new Shape(kernelShape)).setFilters(1).optBias(false).build()
			: Conv3d.builder().setKernelShape(new Shape(kernelShape)).setFilters(1).optBias(false).build();
		Model model = Model.newInstance(id(), device, engine);
		model.setBlock(block);
		long[] inputShape = new long[dims + 2];
		Arrays.fill(inputShape, size);
		inputShape[0] = 1;
		inputShape[1] = 1;
		block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(inputShape));
		block.getParameters().get("weight").getArray().set(kind.kernel(sigma, dims));
		return model;
	}
}
