package org.convkit.core.runtime;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;

/**
 * One inference call on a loaded model. Every NDArray made through {@link #manager()} (and every
 * forward result) is released when the call ends, so results must be copied out before it returns.
 */
public final class ModelSession {

	private final Model model;
	private final NDManager manager;
	private final ParameterStore parameters;

	ModelSession(Model model, NDManager manager) {
		this.model = model;
		this.manager = manager;
		this.parameters = new ParameterStore(manager, false);
	}

	/** The call's manager: arrays made here live until the call ends. */
	public NDManager manager() {
		return manager;
	}

	public Model model() {
		return model;
	}

	/** Runs the model's block in inference mode. */
	public NDList forward(NDList inputs) {
		return model.getBlock().forward(parameters, inputs, false);
	}

	/** Runs the model's block on one input and returns its first output. */
	public NDArray forward(NDArray input) {
		return forward(new NDList(input)).singletonOrThrow();
	}
}
