package org.convkit.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Files of a Hadoop file system where ConvKit's readers (java.nio paths) can read them: a local
 * file is read where it is; any other (HDFS, S3A, ...) is copied into a temporary folder of the
 * executor, deleted when this is closed. One per record or image, so the executor's disk holds
 * only the inputs being worked on.
 */
final class LocalCopies implements AutoCloseable {

	private final Configuration conf;
	private java.nio.file.Path folder;

	LocalCopies(Configuration conf) {
		this.conf = conf;
	}

	/** The file's own path when it is on the local file system (read in place), else null. */
	java.nio.file.Path local(String file) throws IOException {
		Path path = new Path(file);
		FileSystem fs = path.getFileSystem(conf);
		return fs instanceof LocalFileSystem || "file".equals(fs.getUri().getScheme()) ? java.nio.file.Path.of(fs.makeQualified(path).toUri()) : null;
	}

	/** A copy of the file in this object's temporary folder (once per name), or null when it is optional and absent. */
	java.nio.file.Path copy(String file, boolean optional) throws IOException {
		Path path = new Path(file);
		FileSystem fs = path.getFileSystem(conf);
		if (optional && !fs.exists(path)) return null;
		if (folder == null) folder = Files.createTempDirectory("convkit-spark-");
		java.nio.file.Path local = folder.resolve(path.getName());
		if (Files.exists(local)) return local;
		try (InputStream in = fs.open(path)) {
			Files.copy(in, local);
		}
		return local;
	}

	/** A sibling of {@code file} on its file system (a WFDB signal or annotation file). */
	static String sibling(String file, String name) {
		return new Path(new Path(file).getParent(), name).toString();
	}

	@Override
	public void close() throws IOException {
		if (folder == null) return;
		try (Stream<java.nio.file.Path> files = Files.walk(folder)) {
			for (java.nio.file.Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
		}
		folder = null;
	}
}
