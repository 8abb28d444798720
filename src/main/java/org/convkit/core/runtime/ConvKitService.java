package org.convkit.core.runtime;

import org.scijava.service.SciJavaService;

/** The SciJava face of the JVM's {@link ConvKitRuntime}: commands ask this service for it. */
public interface ConvKitService extends SciJavaService {
	ConvKitRuntime runtime();
}
