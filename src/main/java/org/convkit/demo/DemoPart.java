package org.convkit.demo;

import org.scijava.Context;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** One capability's share of the demo: it runs its commands and writes what it made into a folder. */
public interface DemoPart {

	/** A file the part wrote, with a caption; pictures (PNG) are shown in index.html, others linked. */
	record Item(String file, String caption) {}

	String title();

	/** Runs the part; returns what index.html shows, in order. */
	List<Item> run(Context context, Path folder) throws IOException;
}
