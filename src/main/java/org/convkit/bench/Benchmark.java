package org.convkit.bench;

import java.io.IOException;
import java.io.PrintStream;

/** One capability's benchmark: prints its figures, with what was measured and how. */
public interface Benchmark {

	/** The name after {@code convkit bench}. */
	String name();

	void run(PrintStream out) throws IOException;
}
