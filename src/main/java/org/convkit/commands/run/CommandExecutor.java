package org.convkit.commands.run;

import org.convkit.commands.BatchCommand;
import org.scijava.Context;
import org.scijava.ItemIO;
import org.scijava.MenuPath;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.scijava.module.process.LoadInputsPreprocessor;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.module.process.SaveInputsPreprocessor;
import org.scijava.plugin.PluginService;
import org.scijava.Cancelable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/** Finds ConvKit commands by their menu title and runs them with typed inputs, outside any UI. */
public final class CommandExecutor {

	/** Every ConvKit command lives under Plugins > ConvKit. */
	private static final List<String> MENU_ROOT = List.of("Plugins", "ConvKit");

	private final CommandService commands;
	private final ModuleService modules;
	private final PluginService plugins;

	public CommandExecutor(Context context) {
		this.commands = context.service(CommandService.class);
		this.modules = context.service(ModuleService.class);
		this.plugins = context.service(PluginService.class);
	}

	/** The ConvKit commands, in menu order. */
	public List<CommandInfo> convKitCommands() {
		return commands.getCommandsOfType(Command.class).stream()
			.filter(CommandExecutor::isConvKit)
			.sorted((a, b) -> a.getMenuPath().getMenuString().compareTo(b.getMenuPath().getMenuString()))
			.toList();
	}

	/**
	 * Fresh preprocessors for each run (a preprocessor that canceled one run stays canceled),
	 * without those that load and save last-used values: a macro or command line gets the
	 * documented defaults, whatever was last typed into a dialog.
	 */
	private List<PreprocessorPlugin> preprocessors() {
		return plugins.createInstancesOfType(PreprocessorPlugin.class).stream()
			.filter(p -> !(p instanceof LoadInputsPreprocessor) && !(p instanceof SaveInputsPreprocessor))
			.toList();
	}

	private static boolean isConvKit(CommandInfo info) {
		MenuPath path = info.getMenuPath();
		if (path == null || path.size() <= MENU_ROOT.size()) return false;
		for (int i = 0; i < MENU_ROOT.size(); i++) {
			if (!path.get(i).getName().equals(MENU_ROOT.get(i))) return false;
		}
		return true;
	}

	/** A command's title as menus and macros show it: the leaf of its menu path. */
	public static String title(CommandInfo info) {
		MenuPath path = info.getMenuPath();
		return path.getLeaf().getName();
	}

	/** The ConvKit command with this title, or an error listing the titles there are. */
	public CommandInfo find(String title) {
		List<CommandInfo> all = convKitCommands();
		for (CommandInfo info : all) {
			if (title(info).equals(title)) return info;
		}
		throw new IllegalArgumentException("command: no ConvKit command named '" + title + "'; expected one of " +
			all.stream().map(CommandExecutor::title).toList());
	}

	/** What a run gave: outputs by name, and how many items a {@link BatchCommand} could not process. */
	public record Result(Map<String, Object> outputs, int failedItems) {}

	/**
	 * Runs the command and returns its outputs by name.
	 *
	 * @throws CommandFailedException when the command refused its input (its cancel reason)
	 */
	public Map<String, Object> run(CommandInfo info, Map<String, Object> inputs) throws CommandFailedException {
		return execute(info, inputs).outputs();
	}

	/** As {@link #run}, with the count of failed items of a batch command. */
	public Result execute(CommandInfo info, Map<String, Object> inputs) throws CommandFailedException {
		Module module;
		try {
			// All preprocessors (services, defaults, validation) but no postprocessors: outputs are
			// handed to the caller, not to a display this front end may not have.
			module = modules.run(info, preprocessors(), List.of(), inputs).get();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new CommandFailedException(title(info) + ": interrupted");
		}
		catch (ExecutionException e) {
			Throwable cause = e.getCause() == null ? e : e.getCause();
			throw new IllegalStateException(title(info) + " failed: " + cause, cause);
		}
		Cancelable cancelable = module instanceof Cancelable c ? c : null;
		if (module == null || cancelable != null && cancelable.isCanceled()) {
			String reason = cancelable == null ? null : cancelable.getCancelReason();
			throw new CommandFailedException(reason == null ? title(info) + " was canceled" : reason);
		}
		Map<String, Object> outputs = new LinkedHashMap<>();
		for (ModuleItem<?> item : info.outputs()) {
			if (item.getIOType() != ItemIO.INPUT) outputs.put(item.getName(), module.getOutput(item.getName()));
		}
		int failed = module.getDelegateObject() instanceof BatchCommand batch ? batch.failedItems() : 0;
		return new Result(outputs, failed);
	}
}
