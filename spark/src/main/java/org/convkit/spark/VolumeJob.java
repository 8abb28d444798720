package org.convkit.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.convkit.commands.ct.CtModels;
import org.convkit.ct.CtFiles;
import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.convkit.ct.denoise.Noise2Void;
import org.convkit.ct.io.DicomSlice;
import org.convkit.ct.io.NiftiDatatype;
import org.convkit.ct.io.NiftiFiles;
import org.convkit.ct.net.UNet3d;
import org.convkit.ct.net.VolumeModel;
import org.convkit.ct.segment.LabelStatistics;
import org.convkit.ct.segment.Segmenter;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;

/**
 * The volume job: a ConvKit CT model (Train Segmenter's or Train Denoiser's folder) applied tile by
 * tile to every volume of the input (NIfTI files, DICOM series folders), on the executors, as
 * Segment Volume and Denoise Volume do it ({@link Segmenter#segment}, {@link Noise2Void#denoise}: the
 * same tiling, resampling and normalisation). The model's files are read once on the driver and
 * broadcast; each executor opens them once. Per volume: the result as NIfTI on the input's grid
 * ({@code nifti/<name>-labels.nii.gz}, uint8..int32 by range as Save NIfTI's auto; or
 * {@code <name>-denoised.nii.gz}, float32), a row of the {@code volumes} table (or the error that
 * stopped it: the job goes on) and, for a segmenter, a row per label of the {@code labels} table
 * (Segment Volume's table: voxels, mL, bounding box).
 */
final class VolumeJob implements Serializable {

	private static final long serialVersionUID = 1L;

	static final String SAME_NAME = "--input: %s and %s are both volume '%s'; their results would have one name, so process them apart";
	static final String NOTHING = "--input: %s matches no .nii/.nii.gz file nor DICOM series folder";
	static final String FRAMES = "%s has %d frames; expected one volume";
	static final String OTHER_VALUES = "%s holds %s, but the model %s was trained on %s; train a model on volumes of this kind";
	/** Where the tasks write the volumes, inside the output. */
	static final String NIFTI = "nifti";

	static final StructType LABEL = new StructType(new StructField[] {
		field("label", DataTypes.IntegerType), field("voxels", DataTypes.LongType), field("ml", DataTypes.DoubleType),
		field("min_x", DataTypes.LongType), field("min_y", DataTypes.LongType), field("min_z", DataTypes.LongType),
		field("max_x", DataTypes.LongType), field("max_y", DataTypes.LongType), field("max_z", DataTypes.LongType) });

	static final List<String> VOLUME_COLUMNS = List.of("volume", "file", "status", "task", "output", "width", "height", "depth", "spacing_x", "spacing_y",
		"spacing_z", "seconds", "error");

	static final StructType VOLUME = new StructType(new StructField[] {
		field("volume", DataTypes.StringType), field("file", DataTypes.StringType), field("status", DataTypes.StringType),
		field("task", DataTypes.StringType), field("output", DataTypes.StringType), field("width", DataTypes.LongType),
		field("height", DataTypes.LongType), field("depth", DataTypes.LongType), field("spacing_x", DataTypes.DoubleType),
		field("spacing_y", DataTypes.DoubleType), field("spacing_z", DataTypes.DoubleType), field("seconds", DataTypes.DoubleType),
		field("error", DataTypes.StringType), field("label_rows", DataTypes.createArrayType(LABEL, false)) });

	/**
	 * A model folder's files as the executors receive them (broadcast): the descriptor and each
	 * member's parameters (one for a single network, more for an ensemble), with the folder's name for
	 * messages and a key (a digest of all files) under which each executor opens it once, also across
	 * the jobs of one application.
	 */
	record ShippedModel(String source, String key, byte[][] members, byte[] properties) implements Serializable {

		/** Reads the model's files on any Hadoop file system and checks them as the commands do. */
		static ShippedModel read(String folder, Configuration conf) throws IOException {
			Path path = new Path(folder);
			FileSystem fs = path.getFileSystem(conf);
			for (String name : List.of(VolumeModel.PARAMETERS, VolumeModel.PROPERTIES))
				if (!fs.isFile(new Path(path, name))) throw new IllegalArgumentException("--model: expected a folder holding " + VolumeModel.PARAMETERS
					+ " and " + VolumeModel.PROPERTIES + " (a model of Train Segmenter or Train Denoiser), got " + folder);
			byte[] properties = read(fs, new Path(path, VolumeModel.PROPERTIES));
			// an ensemble's other members: as many as the descriptor names (a missing one is refused by VolumeModel.open below)
			java.util.Properties p = new java.util.Properties();
			p.load(new java.io.StringReader(new String(properties, java.nio.charset.StandardCharsets.UTF_8)));
			int count = Math.max(1, Integer.parseInt(p.getProperty(VolumeModel.MEMBERS, "1").trim()));
			List<byte[]> members = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				Path file = new Path(path, VolumeModel.memberFile(i));
				if (fs.isFile(file)) members.add(read(fs, file));
			}
			byte[][] files = new byte[members.size() + 1][];
			for (int i = 0; i < members.size(); i++) files[i] = members.get(i);
			files[members.size()] = properties;
			ShippedModel model = new ShippedModel(folder, digest(files), members.toArray(new byte[0][]), properties);
			VolumeModel m = model.open();
			try {
				m.check(folder, m.task(), 1);
				if (m.task() == VolumeModel.Task.SEGMENT) Segmenter.classes(m, folder);
			}
			catch (IllegalArgumentException e) {
				throw new IllegalArgumentException("--" + e.getMessage(), e);
			}
			return model;
		}

		private static byte[] read(FileSystem fs, Path file) throws IOException {
			try (InputStream in = fs.open(file)) {
				return in.readAllBytes();
			}
		}

		private static String digest(byte[][] files) {
			try {
				StringBuilder key = new StringBuilder();
				for (byte[] f : files) key.append(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(f)));
				return key.toString();
			}
			catch (java.security.NoSuchAlgorithmException e) {
				throw new IllegalStateException(e);
			}
		}

		/** The model, from a temporary copy of its files (deleted once read: the model keeps its bytes). */
		VolumeModel open() throws IOException {
			java.nio.file.Path folder = Files.createTempDirectory("convkit-model-");
			try {
				for (int i = 0; i < members.length; i++) Files.write(folder.resolve(VolumeModel.memberFile(i)), members[i]);
				Files.write(folder.resolve(VolumeModel.PROPERTIES), properties);
				return VolumeModel.open(folder);
			}
			catch (IOException | IllegalArgumentException e) {
				// VolumeModel's message ("model: ...") with the folder given, not this copy
				throw new IllegalArgumentException("--" + String.valueOf(e.getMessage()).replace(folder.toAbsolutePath().normalize().toString(), source), e);
			}
			finally {
				for (int i = 0; i < members.length; i++) Files.deleteIfExists(folder.resolve(VolumeModel.memberFile(i)));
				Files.deleteIfExists(folder.resolve(VolumeModel.PROPERTIES));
				Files.deleteIfExists(folder);
			}
		}
	}

	private final HadoopConf conf;
	private final Broadcast<ShippedModel> model;
	private final VolumeModel.Task task;
	private final long tile;
	private final String niftiFolder;

	/**
	 * @param tile the tile edge (voxels, halo included); 0: the model's
	 * @param niftiFolder where the tasks write the volumes ({@link JobOutput#files})
	 */
	VolumeJob(Configuration conf, Broadcast<ShippedModel> model, VolumeModel.Task task, long tile, String niftiFolder) {
		this.conf = new HadoopConf(conf);
		this.model = model;
		this.task = task;
		this.tile = tile;
		this.niftiFolder = niftiFolder;
	}

	private static StructField field(String name, org.apache.spark.sql.types.DataType type) {
		return DataTypes.createStructField(name, type, true);
	}

	/** The tile edge a job will use with this model, checked against the network ({@code --tile-size}; 0: the model's). */
	static long tile(VolumeModel m, double option) {
		if (option != Math.rint(option) || option < 0) throw new IllegalArgumentException("--tile-size: expected 0 (the model's) or a tile edge in voxels, got " + option);
		long tile = option == 0 ? m.tile() : (long) option;
		try {
			UNet3d.checkTile(m.config(), tile);
		}
		catch (IllegalArgumentException e) {
			// UNet3d names the command's parameter (tile_size): the job's option is --tile-size
			throw new IllegalArgumentException(e.getMessage().replaceFirst("^tile_size:", "--tile-size:"), e);
		}
		return tile;
	}

	/**
	 * The volumes of an input (paths or globs, commas between them): NIfTI files, and DICOM series
	 * folders; a folder given stands for the volumes in its tree. A folder is a DICOM series when it
	 * holds no NIfTI file and its files end in {@code .dcm} or (as PACS exports name them, by UID) the
	 * first one starts as a DICOM file does: one read of 132 bytes per folder on the driver. Refused
	 * when two volumes have one name (their outputs would collide).
	 */
	static List<String> volumes(String input, Configuration conf) throws IOException {
		TreeSet<String> volumes = new TreeSet<>();
		for (FileStatus match : InputFiles.matches(input, conf)) {
			FileSystem fs = match.getPath().getFileSystem(conf);
			if (!match.isDirectory()) {
				if (isNifti(match.getPath().getName())) volumes.add(match.getPath().toString());
				continue;
			}
			Map<Path, List<Path>> folders = new java.util.TreeMap<>();
			RemoteIterator<LocatedFileStatus> inside = fs.listFiles(match.getPath(), true);
			while (inside.hasNext()) {
				Path file = inside.next().getPath();
				if (!file.getName().startsWith(".")) folders.computeIfAbsent(file.getParent(), k -> new ArrayList<>()).add(file);
			}
			for (Map.Entry<Path, List<Path>> folder : folders.entrySet()) {
				List<Path> files = folder.getValue();
				files.sort(null);
				boolean nifti = false;
				for (Path file : files) {
					if (isNifti(file.getName())) {
						volumes.add(file.toString());
						nifti = true;
					}
				}
				if (!nifti && isDicomSeries(fs, files)) volumes.add(folder.getKey().toString());
			}
		}
		if (volumes.isEmpty()) throw new IllegalArgumentException(String.format(NOTHING, input));
		Map<String, String> names = new HashMap<>();
		for (String volume : volumes) {
			String other = names.putIfAbsent(name(volume), volume);
			if (other != null) throw new IllegalArgumentException(String.format(SAME_NAME, other, volume, name(volume)));
		}
		return new ArrayList<>(volumes);
	}

	private static boolean isDicomSeries(FileSystem fs, List<Path> files) throws IOException {
		if (files.stream().anyMatch(f -> f.getName().toLowerCase(Locale.ROOT).endsWith(".dcm"))) return true;
		try (InputStream in = fs.open(files.get(0))) {
			byte[] head = in.readNBytes(132);
			return DicomSlice.isDicom(head, head.length);
		}
	}

	private static boolean isNifti(String name) {
		return NiftiFiles.isNiftiName(java.nio.file.Path.of(name));
	}

	/** A volume's name: the file's without .nii/.nii.gz, or the DICOM folder's. */
	static String name(String volume) {
		return new Path(volume).getName().replaceFirst("(?i)\\.nii(\\.gz)?$", "");
	}

	/** One row per volume, its labels nested ({@link #VOLUME}); one task per volume unless {@code partitions} is less. */
	Dataset<Row> process(SparkSession spark, List<String> volumes, int partitions) {
		JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(volumes, Math.max(1, Math.min(partitions, volumes.size())))
			.map(this::process);
		return spark.createDataFrame(rows, VOLUME);
	}

	/**
	 * Runs the job: the volumes are processed (and their NIfTI written) once, kept by Spark while
	 * both tables are written: {@code volumes}, and {@code labels} for a segmenter.
	 *
	 * @return the number of volumes per status (ok, failed)
	 */
	static Map<String, Long> run(SparkSession spark, VolumeJob job, List<String> volumes, int partitions, JobOutput output) throws IOException {
		Dataset<Row> processed = job.process(spark, volumes, partitions).persist(StorageLevel.MEMORY_AND_DISK());
		try {
			output.add("volumes", processed.select(VOLUME_COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
				.coalesce(1), List.of());
			if (job.task == VolumeModel.Task.SEGMENT) {
				List<org.apache.spark.sql.Column> columns = new ArrayList<>(List.of(col("volume")));
				for (String f : LABEL.fieldNames()) columns.add(col("l." + f).as(f));
				output.add("labels", processed.select(col("volume"), explode(col("label_rows")).as("l")).select(columns.toArray(org.apache.spark.sql.Column[]::new))
					.coalesce(1), List.of());
			}
			output.write();
			Map<String, Long> statuses = new java.util.TreeMap<>();
			for (Row r : processed.groupBy("status").count().collectAsList()) statuses.put(r.getString(0), r.getLong(1));
			return statuses;
		}
		finally {
			processed.unpersist();
		}
	}

	/** One volume on an executor: its result written and its row, or a row with the error that stopped it. */
	Row process(String source) {
		String name = name(source);
		long start = System.nanoTime();
		Volume volume = null;
		VolumeModel m = null;
		try (LocalCopies copies = new LocalCopies(conf.get())) {
			m = ExecutorRuntime.volumeModel(model.value());
			volume = CtFiles.read(local(copies, source), "");
			if (volume.frames() > 1) throw new IllegalArgumentException(String.format(Locale.ROOT, FRAMES, new Path(source).getName(), volume.frames()));
			double[] spacing = volume.geometry().spacing();
			long edge = tile == 0 ? m.tile() : tile;
			Volume result;
			List<Row> labels = new ArrayList<>();
			String file;
			if (m.task() == VolumeModel.Task.SEGMENT) {
				// Segment Volume's steps: the same call, the same table
				Segmenter.Segmentation s = Segmenter.segment(volume.voxels(), spacing, m, edge, 1, false, model.value().source());
				result = new Volume(planar(s.labels()), volume.geometry(), ValueKind.LABELS, volume.source(), List.of());
				for (LabelStatistics.Label l : LabelStatistics.of(s.labels(), spacing, s.classes().values())) labels.add(label(l));
				file = name + "-labels.nii.gz";
				write(result, NiftiDatatype.AUTO, file);
			} else {
				// Denoise Volume's steps: the model's value kind checked, the model at this tile, batch 1
				checkValues(m, volume, new Path(source).getName(), model.value().source());
				result = new Volume(planar(Noise2Void.denoise(volume.voxels(), m.withTile(edge))), volume.geometry(), volume.kind(), volume.source(), List.of());
				file = name + "-denoised.nii.gz";
				write(result, NiftiDatatype.FLOAT32, file);
			}
			return RowFactory.create(name, source, "ok", m.task().id(), file, volume.width(), volume.height(), volume.depth(), spacing[0], spacing[1],
				spacing[2], seconds(start), null, labels.toArray(Row[]::new));
		}
		catch (IOException | RuntimeException e) {
			// whatever stopped this volume is its row (one too large for the executor's memory is refused by MemoryGuard), and the job goes on
			String error = e.getMessage() == null ? e.toString() : e.getMessage();
			return RowFactory.create(name, source, "failed", m == null ? null : m.task().id(), null, volume == null ? null : volume.width(),
				volume == null ? null : volume.height(), volume == null ? null : volume.depth(), null, null, null, seconds(start), error, new Row[0]);
		}
	}

	private static double seconds(long start) {
		return (System.nanoTime() - start) / 1e9;
	}

	private static Row label(LabelStatistics.Label l) {
		boolean empty = l.min() == null;
		return RowFactory.create(l.value(), l.voxels(), l.millilitres(), empty ? null : l.min()[0], empty ? null : l.min()[1], empty ? null : l.min()[2],
			empty ? null : l.max()[0], empty ? null : l.max()[1], empty ? null : l.max()[2]);
	}

	/** As Denoise Volume (CtModels.checkValues): a model trained on HU refuses other intensities, and the reverse. */
	static void checkValues(VolumeModel m, Volume volume, String file, String model) {
		String trained = m.recipe().getProperty(CtModels.VALUES);
		if (trained == null) return;
		ValueKind kind = ValueKind.parse(trained);
		if (kind != volume.kind()) throw new IllegalArgumentException(String.format(OTHER_VALUES, file, words(volume.kind()), model, words(kind)));
	}

	private static String words(ValueKind kind) {
		return switch (kind) {
			case HOUNSFIELD -> "CT values (HU)";
			case LABELS -> "labels";
			case INTENSITY -> "intensities, not HU";
		};
	}

	/** A network's (x, y, z) result as a volume's planes. */
	static PlanarImg<FloatType, FloatArray> planar(ArrayImg<FloatType, FloatArray> img) {
		PlanarImg<FloatType, FloatArray> planes = Volume.allocate(img.dimensionsAsLongArray());
		float[] data = img.update(null).getCurrentStorageArray();
		int plane = (int) (img.dimension(0) * img.dimension(1));
		for (int z = 0; z < img.dimension(2); z++) System.arraycopy(data, z * plane, planes.getPlane(z).getCurrentStorageArray(), 0, plane);
		return planes;
	}

	/**
	 * The volume's file or DICOM folder where ConvKit's readers can read it: in place on a local file
	 * system, else copied (a folder: its files) to the executor's temporary folder.
	 */
	private java.nio.file.Path local(LocalCopies copies, String source) throws IOException {
		java.nio.file.Path local = copies.local(source);
		if (local != null) return local;
		Path path = new Path(source);
		FileSystem fs = path.getFileSystem(conf.get());
		if (!fs.getFileStatus(path).isDirectory()) return copies.copy(source, false);
		java.nio.file.Path folder = null;
		for (FileStatus file : fs.listStatus(path)) if (file.isFile()) folder = copies.copy(file.getPath().toString(), false).getParent();
		if (folder == null) throw new IOException(path.getName() + ": an empty folder; expected DICOM files");
		return folder;
	}

	/**
	 * Writes a result into the output's staging folder so that it appears complete or not at all: on a
	 * local file system through NiftiFiles' atomic write (a hidden temporary, renamed); elsewhere
	 * written here, copied under a hidden name and renamed (a retried task's file replaces its dead
	 * attempt's; JobOutput deletes hidden leftovers).
	 */
	private void write(Volume result, NiftiDatatype type, String file) throws IOException {
		Path target = new Path(niftiFolder, file);
		try (LocalCopies copies = new LocalCopies(conf.get())) {
			java.nio.file.Path local = copies.local(target.toString());
			if (local != null) {
				Files.createDirectories(local.getParent());
				NiftiFiles.write(local, result, type);
				return;
			}
			java.nio.file.Path here = Files.createTempDirectory("convkit-nifti-");
			try {
				java.nio.file.Path written = here.resolve(file);
				NiftiFiles.write(written, result, type);
				FileSystem fs = target.getFileSystem(conf.get());
				Path part = new Path(niftiFolder, JobOutput.HIDDEN + file + "." + UUID.randomUUID());
				fs.copyFromLocalFile(true, true, new Path(written.toUri()), part);
				if (fs.exists(target)) fs.delete(target, false);
				if (!fs.rename(part, target)) throw new IOException("could not rename " + part + " to " + target);
			}
			finally {
				try (var left = Files.list(here)) {
					for (java.nio.file.Path p : left.toList()) Files.deleteIfExists(p);
				}
				Files.deleteIfExists(here);
			}
		}
	}
}
