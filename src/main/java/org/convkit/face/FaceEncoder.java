package org.convkit.face;

import ai.djl.ndarray.NDManager;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.core.runtime.ModelSpec;
import org.convkit.core.tensor.Tensors;
import org.convkit.face.net.FaceRecognitionNet;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * 128-D face descriptors (face-api.js's face recognition network, dlib's ResNet) of aligned face
 * chips. Two chips of the same person lie close together: face-api.js and dlib call a pair a match
 * below a Euclidean {@link #distance distance} of {@value #MATCH_DISTANCE}.
 * <p>
 * A chip is an image with dimensions {@code [150, 150, 3]}: x, y and RGB channel, values 0..255
 * (any {@link RealType}; a view is fine). Chips go through the network {@value #BATCH_SIZE} at a time.
 * Thread-safe.
 */
public final class FaceEncoder {

	/** Edge of a face chip in pixels. */
	public static final int CHIP_SIZE = FaceRecognitionNet.INPUT_SIZE;
	/** Length of a descriptor. */
	public static final int DESCRIPTOR_SIZE = FaceRecognitionNet.DESCRIPTOR_SIZE;
	/** Chips per network call. */
	public static final int BATCH_SIZE = 32;

	private static final long[] CHIP_DIMS = { CHIP_SIZE, CHIP_SIZE, 3 };

	private final ConvKitRuntime runtime;
	private final ModelSpec network;

	public FaceEncoder(ConvKitRuntime runtime) {
		this(runtime, FaceRecognitionNet.INSTANCE);
	}

	/** With another network (a trained embedding, or a variant tests compare); it must map (B, 3, 150, 150) to (B, 128). */
	public FaceEncoder(ConvKitRuntime runtime, ModelSpec network) {
		this.runtime = runtime;
		this.network = network;
	}

	/**
	 * The descriptors of the chips, in their order.
	 *
	 * @param chips images with dimensions [150, 150, 3] (x, y, RGB), values 0..255
	 * @return one descriptor of {@value #DESCRIPTOR_SIZE} values per chip
	 * @throws IllegalArgumentException naming the first chip with other dimensions
	 * @throws IOException if the network cannot be loaded
	 */
	public float[][] encode(List<? extends RandomAccessibleInterval<? extends RealType<?>>> chips) throws IOException {
		for (int i = 0; i < chips.size(); i++) {
			long[] dims = chips.get(i).dimensionsAsLongArray();
			if (!Arrays.equals(dims, CHIP_DIMS)) {
				throw new IllegalArgumentException("chip " + i + ": expected " + CHIP_SIZE + "x" + CHIP_SIZE + "x3 (x, y, RGB), got "
					+ Arrays.toString(dims));
			}
		}
		float[][] descriptors = new float[chips.size()][];
		if (chips.isEmpty()) return descriptors;
		return runtime.infer(network, session -> {
			for (int start = 0; start < chips.size(); start += BATCH_SIZE) {
				List<? extends RandomAccessibleInterval<? extends RealType<?>>> batch = chips.subList(start, Math.min(chips.size(), start + BATCH_SIZE));
				// One manager per batch: the batch's activations (about 100 MB for 32 chips) are
				// released before the next batch, however many chips there are.
				try (NDManager batchManager = session.manager().newSubManager()) {
					// [x, y, c] chips stack to (B, c, y, x): the network's NCHW.
					float[] flat = session.forward(Tensors.stack(batch, batchManager)).toFloatArray();
					for (int b = 0; b < batch.size(); b++)
						descriptors[start + b] = Arrays.copyOfRange(flat, b * DESCRIPTOR_SIZE, (b + 1) * DESCRIPTOR_SIZE);
				}
			}
			return descriptors;
		});
	}

	/** The descriptor of one chip. */
	public float[] encode(RandomAccessibleInterval<? extends RealType<?>> chip) throws IOException {
		return encode(List.of(chip))[0];
	}
}
