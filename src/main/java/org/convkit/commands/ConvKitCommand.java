package org.convkit.commands;

import org.scijava.command.ContextCommand;

import java.io.IOException;

/**
 * Base of every ConvKit command: a thin adapter whose bad input (an IllegalArgumentException or an
 * IOException from the domain code, with a message naming the parameter or file) cancels the
 * command with that message instead of a stack trace, in Fiji, in macros and on the command line.
 */
public abstract class ConvKitCommand extends ContextCommand {

	@Override
	public final void run() {
		try {
			execute();
		}
		catch (IllegalArgumentException | IOException e) {
			cancel(e.getMessage());
		}
	}

	protected abstract void execute() throws IOException;
}
