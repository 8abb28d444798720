package org.convkit.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ct.net.VolumeModel;
import org.convkit.ecg.beats.BeatClassifier;
import org.convkit.ecg.beats.BeatModel;
import org.convkit.face.FacePipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the tasks of one executor JVM share, made on first use and kept for the JVM's life: the
 * ConvKit runtime ({@link ConvKitRuntime#get()}: one engine, one model cache, so each network is
 * loaded once per executor whatever the number of tasks and records), the ECG classifier of each
 * model, the face pipeline, and the volume job's CT models. Everything here is thread-safe: an executor runs its cores' tasks
 * in parallel threads.
 */
final class ExecutorRuntime {

	/** The shipped model's key: the job's {@code --model} left empty. */
	static final String SHIPPED = "";

	private static final Map<String, BeatClassifier> CLASSIFIERS = new ConcurrentHashMap<>();
	private static volatile FacePipeline faces;
	private static final Map<String, VolumeModel> VOLUME_MODELS = new ConcurrentHashMap<>();

	private ExecutorRuntime() {}

	/** The classifier of a model folder on any Hadoop file system (copied here once), or the shipped model for "". */
	static BeatClassifier classifier(String model, Configuration conf) {
		return CLASSIFIERS.computeIfAbsent(model, m -> {
			try {
				return new BeatClassifier(model(m, conf), ConvKitRuntime.get());
			}
			catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		});
	}

	/** The model alone, without the engine: what the driver checks before the job starts. */
	static BeatModel model(String model, Configuration conf) throws IOException {
		return model.isEmpty() ? BeatModel.shipped() : BeatModel.open(localFolder(model, conf));
	}

	/** A CT model broadcast by the volume job, opened once per executor (its network then loads once, through the runtime's cache). */
	static VolumeModel volumeModel(VolumeJob.ShippedModel model) {
		return VOLUME_MODELS.computeIfAbsent(model.key(), k -> {
			try {
				return model.open();
			}
			catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		});
	}

	static FacePipeline faces() {
		if (faces == null) {
			synchronized (ExecutorRuntime.class) {
				if (faces == null) faces = new FacePipeline(ConvKitRuntime.get());
			}
		}
		return faces;
	}

	/** A model folder's files in a local folder of this JVM (the folder itself when it is local). */
	private static java.nio.file.Path localFolder(String folder, Configuration conf) throws IOException {
		Path path = new Path(folder);
		FileSystem fs = path.getFileSystem(conf);
		if ("file".equals(fs.getUri().getScheme())) return java.nio.file.Path.of(fs.makeQualified(path).toUri());
		java.nio.file.Path local = Files.createTempDirectory("convkit-model-");
		local.toFile().deleteOnExit();
		for (FileStatus file : fs.listStatus(path)) {
			if (!file.isFile()) continue;
			java.nio.file.Path copy = local.resolve(file.getPath().getName());
			try (InputStream in = fs.open(file.getPath())) {
				Files.copy(in, copy);
			}
			copy.toFile().deleteOnExit();
		}
		return local;
	}
}
