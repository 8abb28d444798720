package org.convkit.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One local Spark per test class: 2 cores, and a task may fail once and be retried (local[2,2]), as
 * on a cluster; no UI. Use as {@code @RegisterExtension static final LocalSpark spark = new LocalSpark();}.
 */
final class LocalSpark implements BeforeAllCallback, AfterAllCallback {

	private SparkSession session;

	@Override
	public void beforeAll(ExtensionContext extension) {
		session = SparkSession.builder().master("local[2,2]").appName(extension.getDisplayName()).config("spark.ui.enabled", "false")
			.config("spark.sql.shuffle.partitions", "2")
			// partition folders (record=101) read back as text, as the job wrote them
			.config("spark.sql.sources.partitionColumnTypeInference.enabled", "false").getOrCreate();
	}

	@Override
	public void afterAll(ExtensionContext extension) {
		session.stop();
	}

	SparkSession session() {
		return session;
	}
}
