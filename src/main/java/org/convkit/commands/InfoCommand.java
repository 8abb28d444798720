package org.convkit.commands;

import org.convkit.core.runtime.ConvKitService;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > ConvKit > ConvKit Info: the engine, device, threads, cache and loaded models. */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>ConvKit Info")
public class InfoCommand extends ConvKitCommand {

	@Parameter
	private ConvKitService convKit;

	@Parameter(type = ItemIO.OUTPUT, label = "ConvKit Info")
	private String info;

	@Override
	protected void execute() {
		info = convKit.runtime().info().describe();
	}
}
