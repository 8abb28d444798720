package org.convkit.demo;

import org.convkit.commands.run.CommandExecutor;
import org.convkit.commands.run.CommandFailedException;
import org.scijava.Context;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One capability's share of the demo: it runs its commands and writes what it made into a folder. */
public interface DemoPart {

	/** A file the part wrote, with a caption; pictures (PNG) are shown in index.html, others linked. */
	record Item(String file, String caption) {}

	String title();

	/** Runs the part; returns what index.html shows, in order. */
	List<Item> run(Context context, Path folder) throws IOException;

	/** Says on the terminal which data a part uses, or why it fell back to bundled data. */
	static void data(String source) {
		System.out.println("  data: " + source);
	}

	/** Runs a command as every front end does; a refusal of the demo's own input is a failure of the demo. */
	static Map<String, Object> command(CommandExecutor executor, String title, Map<String, Object> inputs) throws IOException {
		try {
			return executor.run(executor.find(title), inputs);
		}
		catch (CommandFailedException e) {
			throw new IOException(title + " refused the demo's input: " + e.getMessage(), e);
		}
	}
}
