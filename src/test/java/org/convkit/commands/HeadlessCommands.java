package org.convkit.commands;

import org.convkit.commands.run.CommandExecutor;
import org.convkit.commands.run.CommandFailedException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.scijava.Context;

import java.util.HashMap;
import java.util.Map;

/**
 * For command tests: one SciJava context per test class and the commands run as every front end
 * runs them (headless, typed inputs). Use as
 * {@code @RegisterExtension static final HeadlessCommands commands = new HeadlessCommands();}.
 */
public final class HeadlessCommands implements BeforeAllCallback, AfterAllCallback {

	private Context context;
	private CommandExecutor executor;

	@Override
	public void beforeAll(ExtensionContext extension) {
		context = new Context();
		executor = new CommandExecutor(context);
	}

	@Override
	public void afterAll(ExtensionContext extension) {
		context.dispose();
	}

	public Context context() {
		return context;
	}

	public CommandExecutor executor() {
		return executor;
	}

	/** Runs the command with this menu title and returns its outputs by name. */
	public Map<String, Object> run(String title, Map<String, Object> inputs) throws CommandFailedException {
		return executor.run(executor.find(title), new HashMap<>(inputs));
	}
}
