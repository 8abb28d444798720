package org.convkit.cli;

import ij.ImageJ;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.commands.run.CommandInputs;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ij.legacy.LegacyCommands;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.module.Module;
import org.scijava.module.ModuleException;
import org.scijava.module.ModuleItem;

import java.util.List;

/** The small launcher tools: info, list, gui. */
final class Tools {

	private Tools() {}

	static int info() {
		System.setProperty("java.awt.headless", "true");
		System.out.print(ConvKitRuntime.get().info().describe());
		return 0;
	}

	static int list() {
		System.setProperty("java.awt.headless", "true");
		try (Context context = new Context()) {
			for (CommandInfo info : new CommandExecutor(context).convKitCommands()) {
				System.out.println(info.getMenuPath().getMenuString());
				Module defaults = defaults(info);
				for (ModuleItem<?> item : CommandInputs.userInputs(info)) {
					String description = item.getDescription() == null ? "" : "  " + item.getDescription();
					List<?> choices = item.getChoices();
					String choiceText = choices == null || choices.isEmpty() ? "" : " " + choices;
					Object value = defaults == null ? null : defaults.getInput(item.getName());
					String defaultText = value == null || value.toString().isEmpty() ? "" : " = " + value;
					System.out.println("    " + item.getName() + " (" + item.getType().getSimpleName() + ")" + choiceText + defaultText + description);
				}
			}
		}
		return 0;
	}

	/** A command's instance, never run: its fields hold the documented defaults. */
	private static Module defaults(CommandInfo info) {
		try {
			return info.createModule();
		}
		catch (ModuleException e) {
			return null;
		}
	}

	static int gui() {
		Context context = new Context();
		new ImageJ(ImageJ.STANDALONE);
		LegacyCommands.install(context);
		return waitForever();
	}

	/** ImageJ's window keeps running; its Quit command exits the JVM. */
	private static int waitForever() {
		try {
			Thread.currentThread().join();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		return 0;
	}
}
