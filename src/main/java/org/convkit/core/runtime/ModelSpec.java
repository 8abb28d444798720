package org.convkit.core.runtime;

import ai.djl.Device;
import ai.djl.Model;

import java.io.IOException;

/**
 * What a model is and how to load it. The runtime loads each spec once per engine and device and
 * keeps it in its {@link ModelCache}; two specs with the same {@link #id()} must describe the same
 * network and weights.
 */
public interface ModelSpec {

	/** A stable identifier: architecture, weights and any parameter that changes them. */
	String id();

	/**
	 * Builds the model on the given engine and device. Called at most once per engine and device by
	 * the runtime; the runtime owns (and closes) the returned model.
	 */
	Model load(String engine, Device device) throws IOException;
}
