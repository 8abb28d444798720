package org.convkit.core.runtime;

import ai.djl.MalformedModelException;
import ai.djl.nn.Block;
import ai.djl.ndarray.NDManager;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A block's parameters in memory, in {@link Block#saveParameters}' engine-neutral form: what the
 * trainers keep of their best epoch, restore at the end and hand to their model's save.
 */
public final class BlockParameters {

	private BlockParameters() {}

	public static byte[] toBytes(Block block) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			block.saveParameters(out);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e); // in memory: cannot happen
		}
		return bytes.toByteArray();
	}

	/** Restores what {@link #toBytes} kept from a block of the same shape; a mismatch is a bug, hence unchecked. */
	public static void restore(Block block, NDManager manager, byte[] parameters) {
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
			block.loadParameters(manager, in);
		}
		catch (IOException | MalformedModelException e) {
			throw new IllegalStateException("restoring parameters kept in memory failed", e);
		}
	}
}
