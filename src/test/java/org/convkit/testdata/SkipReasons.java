package org.convkit.testdata;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints why each skipped test was skipped (a missing data folder, no Xvfb, another engine) in the
 * build's output, where Surefire itself shows only a count; registered through
 * META-INF/services for every test run.
 */
public final class SkipReasons implements TestExecutionListener {

	@Override
	public void executionSkipped(TestIdentifier test, String reason) {
		report(test, reason);
	}

	@Override
	public void executionFinished(TestIdentifier test, TestExecutionResult result) {
		// A failed assumption aborts a test: that is Surefire's "skipped".
		if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
			report(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
		}
	}

	private static void report(TestIdentifier test, String reason) {
		String where = test.getSource().map(Object::toString).orElse("")
			.replaceAll(".*className = '([^']*)'.*methodName = '([^']*)'.*", "$1.$2").replaceAll(".*className = '([^']*)'.*", "$1");
		System.out.println("[SKIPPED] " + (where.isEmpty() ? test.getDisplayName() : where.replace("org.convkit.", "")) + ": "
			+ (reason == null ? "no reason given" : reason.replace("Assumption failed: ", "")));
	}
}
