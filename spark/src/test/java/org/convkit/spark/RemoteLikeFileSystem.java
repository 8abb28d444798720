package org.convkit.spark;

import org.apache.hadoop.fs.RawLocalFileSystem;

import java.net.URI;

/**
 * The local disk under another scheme ({@code remote:/tmp/...}), registered as {@code fs.remote.impl}:
 * a file system the jobs cannot read in place, so they take the path of HDFS or S3A (copy to the
 * executor, write the volumes on the executor's disk, copy back under a hidden name and rename),
 * which no real cluster is there to test.
 */
public class RemoteLikeFileSystem extends RawLocalFileSystem {

	static final String SCHEME = "remote";

	@Override
	public URI getUri() {
		return URI.create(SCHEME + ":///");
	}

	@Override
	public String getScheme() {
		return SCHEME;
	}
}
