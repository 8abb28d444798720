package org.convkit.core.runtime;

import java.io.IOException;

/**
 * Work done with a loaded model inside one {@link ModelSession}; returns plain Java data (arrays,
 * ImgLib2 images), never NDArrays, which are released when the session ends.
 */
@FunctionalInterface
public interface Inference<R> {
	R run(ModelSession session) throws IOException;
}
