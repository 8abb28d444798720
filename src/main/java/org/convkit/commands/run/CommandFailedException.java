package org.convkit.commands.run;

/** A command refused its input; the message says which parameter and what was expected. */
public class CommandFailedException extends Exception {
	public CommandFailedException(String message) {
		super(message);
	}
}
