package org.convkit.cli;

import ij.ImageJ;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.commands.run.CommandInputs;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ij.legacy.LegacyCommands;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
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
				for (ModuleItem<?> item : CommandInputs.userInputs(info)) {
					String description = item.getDescription() == null ? "" : "  " + item.getDescription();
					List<?> choices = item.getChoices();
					String choiceText = choices == null || choices.isEmpty() ? "" : " " + choices;
					System.out.println("    " + item.getName() + " (" + item.getType().getSimpleName() + ")" + choiceText + description);
				}
			}
		}
		return 0;
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
