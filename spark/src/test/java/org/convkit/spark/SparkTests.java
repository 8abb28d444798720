package org.convkit.spark;

import org.apache.spark.sql.SparkSession;

/** One local Spark (local[2], no UI) per test class, as the jobs' tests need it. */
final class SparkTests {

	private SparkTests() {}

	static SparkSession start(String name) {
		return SparkSession.builder().master("local[2]").appName(name).config("spark.ui.enabled", "false")
			.config("spark.sql.shuffle.partitions", "2")
			// partition folders (record=101) read back as text, as the job wrote them
			.config("spark.sql.sources.partitionColumnTypeInference.enabled", "false").getOrCreate();
	}
}
