package org.convkit.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ct.denoise.Noise2Void;
import org.convkit.ct.net.UNet3d;
import org.junit.jupiter.api.Test;

/**
 * The op table of {@code bench ct} describes the network it times: its convolutions, with their
 * counts, hold exactly the U-Net's convolution weights (so no layer is missing or counted twice).
 */
class CtBenchmarkTest {

	@Test
	void opSpecsHoldTheNetworksConvolutions() {
		for (UNet3d.Config config : new UNet3d.Config[] {Noise2Void.NETWORK, UNet3d.Config.DEFAULT.withDepth(3).withChannels(2, 3)}) {
			Map<String, Integer> specs = CtBenchmark.opSpecs(config, 64);
			long weights = 0, convs = 0;
			for (Map.Entry<String, Integer> e : specs.entrySet()) {
				String[] p = e.getKey().split(":");
				if (!p[0].equals("conv")) continue;
				long k = Long.parseLong(p[3]);
				weights += Long.parseLong(p[1]) * Long.parseLong(p[2]) * k * k * k * e.getValue();
				convs += e.getValue();
			}
			Block block = UNet3d.build(config);
			long expectedWeights = 0, expectedConvs = 0;
			try (NDManager manager = ConvKitRuntime.get().newManager()) {
				block.initialize(manager, DataType.FLOAT32, new Shape(1, config.inChannels(), 16, 16, 16));
				for (Parameter p : block.getParameters().values()) {
					if (p.getType() != Parameter.Type.WEIGHT) continue;
					expectedWeights += p.getArray().size();
					expectedConvs++;
				}
			}
			assertEquals(expectedConvs, convs, config.describe() + ": convolutions in " + specs);
			assertEquals(expectedWeights, weights, config.describe() + ": convolution weights in " + specs);
			assertEquals(2 * config.depth(), specs.entrySet().stream().filter(e -> e.getKey().startsWith("pool") || e.getKey().startsWith("up"))
				.mapToInt(Map.Entry::getValue).sum(), "a pooling and an upsampling per level below the top: " + specs);
		}
	}
}
