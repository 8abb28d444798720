package org.convkit.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.convkit.core.io.SharedData;
import org.convkit.ecg.EcgFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** How the jobs write and read files: a retried task neither loses nor doubles rows; records copied off a remote file system read as the originals. */
class JobOutputTest {

	@RegisterExtension
	static final LocalSpark local = new LocalSpark();

	@TempDir
	Path dir;

	@Test
	void aTaskThatDiesIsRetriedWithoutLosingOrDoublingRows() throws Exception {
		StructType schema = new StructType().add("n", DataTypes.IntegerType);
		List<Integer> numbers = IntStream.range(0, 1000).boxed().toList();
		// every task's first attempt writes part of its rows, then dies
		var rows = JavaSparkContext.fromSparkContext(local.session().sparkContext()).parallelize(numbers, 4).map(n -> {
			if (TaskContext.get().attemptNumber() == 0 && n % 250 == 200) throw new IllegalStateException("task killed");
			return RowFactory.create(n);
		});
		Path out = dir.resolve("out");
		new JobOutput(out.toString(), "error", "parquet", local.session().sparkContext().hadoopConfiguration())
			.add("numbers", local.session().createDataFrame(rows, schema), List.of()).write();
		List<Integer> read = local.session().read().parquet(out.resolve("numbers").toString()).orderBy("n").collectAsList().stream().map(r -> r.getInt(0)).toList();
		assertEquals(numbers, read);
	}

	@Test
	void filesOfTasksThatDieLeaveNoHalfFile() throws Exception {
		Path out = dir.resolve("out");
		JobOutput output = new JobOutput(out.toString(), "error", "parquet", local.session().sparkContext().hadoopConfiguration());
		String folder = output.files("files");
		StructType schema = new StructType().add("n", DataTypes.IntegerType);
		// each task writes its file as the volume job does (a hidden name, then a rename); every first attempt dies half-way through
		var rows = JavaSparkContext.fromSparkContext(local.session().sparkContext()).parallelize(List.of(1, 2, 3, 4), 4).map(n -> {
			java.nio.file.Path target = java.nio.file.Path.of(java.net.URI.create(folder)).resolve(n + ".bin");
			Files.createDirectories(target.getParent());
			java.nio.file.Path hidden = target.resolveSibling(JobOutput.HIDDEN + n + ".bin." + TaskContext.get().attemptNumber());
			Files.write(hidden, new byte[n]);
			if (TaskContext.get().attemptNumber() == 0) throw new IllegalStateException("task killed while writing " + hidden);
			Files.move(hidden, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
			return RowFactory.create(n);
		});
		output.add("numbers", local.session().createDataFrame(rows, schema), List.of()).write();
		try (var files = Files.list(out.resolve("files"))) {
			assertEquals(List.of("1.bin", "2.bin", "3.bin", "4.bin"), files.map(p -> p.getFileName().toString()).sorted().toList());
		}
		assertEquals(3, Files.size(out.resolve("files/3.bin")));
	}

	@Test
	void aRecordCopiedOffItsFileSystemReadsAsTheOriginal() throws Exception {
		Path header = SharedData.resolve("mitdb/101.hea");
		assumeTrue(Files.isRegularFile(header), SharedData.missing(header));
		Path copy;
		try (LocalCopies copies = new LocalCopies(local.session().sparkContext().hadoopConfiguration())) {
			copy = EcgJob.copyRecord(copies, header.toUri().toString());
			assertEquals(List.of("101.atr", "101.dat", "101.hea"), Files.list(copy.getParent()).map(p -> p.getFileName().toString()).sorted().toList());
			EcgFiles.Annotated original = EcgFiles.readAnnotated(header, 360), copied = EcgFiles.readAnnotated(copy, 360);
			assertTrue(original.annotations().isPresent());
			assertEquals(original.annotations(), copied.annotations());
			assertTrue(java.util.Arrays.equals(original.record().defaultLead().samples(), copied.record().defaultLead().samples()));
		}
		assertFalse(Files.exists(copy.getParent()), "the copies are deleted with their folder");
	}
}
