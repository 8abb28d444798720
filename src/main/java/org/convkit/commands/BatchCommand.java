package org.convkit.commands;

/**
 * A command that works through many items (records, images, persons) and goes on past a bad one:
 * each failed item is reported in its table and summary, and the front ends finish with a non-zero
 * exit status (3 on the command line) when any failed.
 */
public interface BatchCommand {

	/** How many items of the last run failed. */
	int failedItems();
}
