package org.convkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One fuzz case: prepare inputs in a folder of its own, run a reader on them, and accept only a
 * result (checked by the case) or an IOException / IllegalArgumentException whose message names
 * the file the case damaged. Anything else (another exception, an error, more than {@link #TIMEOUT})
 * fails with the case's name, which says file, mutation, seed and offset.
 */
record FuzzCase(String name, String damagedFile, Prepare prepare, Read read) {

	static final Duration TIMEOUT = Duration.ofSeconds(5);

	/** Writes the case's files into an empty folder. */
	interface Prepare {
		void into(Path folder) throws Exception;
	}

	/** Reads the inputs in the folder; throws when the reader refuses them, fails (AssertionError) when a result is wrong. */
	interface Read {
		void from(Path folder) throws Exception;
	}

	void run(Path folder) throws Exception {
		prepare.into(folder);
		Throwable thrown = assertTimeoutPreemptively(TIMEOUT, () -> {
			try {
				read.from(folder);
				return null;
			}
			catch (Throwable t) {
				return t;
			}
		}, () -> name + ": did not end within " + TIMEOUT.toSeconds() + " s");
		if (thrown == null) return;
		if (thrown instanceof AssertionError a) throw new AssertionError(name + ": wrong result: " + a.getMessage(), a);
		if (thrown instanceof IOException || thrown instanceof IllegalArgumentException) {
			String message = thrown.getMessage();
			if (message != null && message.contains(damagedFile)) return;
			fail(name + ": the error does not name " + damagedFile + ": " + thrown, thrown);
		}
		fail(name + ": expected a result or an IOException/IllegalArgumentException naming " + damagedFile + ", got " + thrown, thrown);
	}

	@Override
	public String toString() {
		return name;
	}
}
