package org.convkit.spark;

import ij.ImagePlus;
import org.apache.hadoop.conf.Configuration;
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
import org.convkit.face.FaceBox;
import org.convkit.face.FaceGallery;
import org.convkit.face.FaceImages;
import org.convkit.face.FaceMatcher;
import org.convkit.face.FacePipeline;
import org.convkit.ij.ImagePlusImgs;
import org.convkit.ij.io.ImageFiles;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The faces job: every image of the input (a folder tree, paths or globs) searched for faces and each
 * face recognised against a gallery, as Recognize Faces does it: the gallery is read once on the
 * driver and broadcast, so each executor holds one copy. One row per face; an image without a face
 * is one row with status "no face found", an image that cannot be read one row with its error.
 */
final class FaceJob implements Serializable {

	private static final long serialVersionUID = 1L;

	static final Set<String> EXTENSIONS = Set.of("tif", "tiff", "png", "jpg", "jpeg", "pgm", "bmp", "gif");
	static final String OTHER_ENCODER = "--gallery: %s holds encodings of '%s', but this ConvKit encodes with '%s'; they cannot be compared";
	static final String EMPTY = "--gallery: %s is empty; enroll at least one person first";

	static final StructType FACE = new StructType(new StructField[] {
		field("image", DataTypes.StringType), field("status", DataTypes.StringType), field("slice", DataTypes.IntegerType),
		field("x", DataTypes.DoubleType), field("y", DataTypes.DoubleType), field("w", DataTypes.DoubleType), field("h", DataTypes.DoubleType),
		field("score", DataTypes.DoubleType), field("identity", DataTypes.StringType), field("distance", DataTypes.DoubleType),
		field("runner_up", DataTypes.StringType), field("runner_up_distance", DataTypes.DoubleType), field("error", DataTypes.StringType) });

	/** A gallery as the executors receive it: names to encodings, in the gallery's order. */
	record Gallery(String encoder, LinkedHashMap<String, List<float[]>> people) implements Serializable {

		static Gallery of(FaceGallery gallery) {
			LinkedHashMap<String, List<float[]>> people = new LinkedHashMap<>();
			for (String name : gallery.names()) people.put(name, new ArrayList<>(gallery.encodings(name)));
			return new Gallery(gallery.encoder(), people);
		}

		FaceGallery toGallery() {
			FaceGallery gallery = new FaceGallery(encoder);
			for (Map.Entry<String, List<float[]>> person : people.entrySet()) {
				for (float[] encoding : person.getValue()) gallery.enroll(person.getKey(), encoding);
			}
			return gallery;
		}
	}

	private final HadoopConf conf;
	private final Broadcast<Gallery> gallery;
	private final double tau;
	// FacePipeline.Options is not Serializable: its parts travel, the executors put it together
	private final String mode;
	private final double minScore;
	private final int inputSize;

	FaceJob(Configuration conf, Broadcast<Gallery> gallery, double tau, FacePipeline.Options options) {
		this.conf = new HadoopConf(conf);
		this.gallery = gallery;
		this.tau = tau;
		this.mode = options.mode().key();
		this.minScore = options.minScore();
		this.inputSize = options.inputSize();
	}

	private static StructField field(String name, org.apache.spark.sql.types.DataType type) {
		return DataTypes.createStructField(name, type, true);
	}

	/** The gallery file (on any Hadoop file system), checked as Recognize Faces checks it: same encoder, not empty. */
	static Gallery readGallery(String file, Configuration conf) throws IOException {
		try (LocalCopies copies = new LocalCopies(conf)) {
			java.nio.file.Path local = copies.local(file);
			FaceGallery gallery = FaceGallery.load(local != null ? local : copies.copy(file, false));
			if (!gallery.encoder().equals(FacePipeline.encoderId())) {
				throw new IllegalArgumentException(String.format(OTHER_ENCODER, file, gallery.encoder(), FacePipeline.encoderId()));
			}
			if (gallery.isEmpty()) throw new IllegalArgumentException(String.format(EMPTY, file));
			return Gallery.of(gallery);
		}
	}

	Dataset<Row> recognize(SparkSession spark, List<String> images, int partitions) {
		JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(images, Math.max(1, Math.min(partitions, images.size())))
			.mapPartitions(this::recognize);
		return spark.createDataFrame(rows, FACE);
	}

	/** The images of one task, with one matcher made from the broadcast gallery. */
	private Iterator<Row> recognize(Iterator<String> images) {
		FaceMatcher matcher = new FaceMatcher(gallery.value().toGallery(), tau);
		List<Row> rows = new ArrayList<>();
		while (images.hasNext()) rows.addAll(recognize(images.next(), matcher));
		return rows.iterator();
	}

	/** The faces of one image (every plane of a stack), or its one row saying why there are none. */
	List<Row> recognize(String image, FaceMatcher matcher) {
		List<Row> rows = new ArrayList<>();
		try (LocalCopies copies = new LocalCopies(conf.get())) {
			java.nio.file.Path local = copies.local(image);
			ImagePlus imp = ImageFiles.open("--input", local != null ? local : copies.copy(image, false));
			List<FacePipeline.Face> faces = ExecutorRuntime.faces().faces(FaceImages.rgbPlanes(ImagePlusImgs.wrap(imp),
				imp.getDisplayRangeMin(), imp.getDisplayRangeMax()), new FacePipeline.Options(FacePipeline.Mode.fromKey(mode), minScore, inputSize));
			int planes = imp.getNSlices() * imp.getNFrames();
			for (int slice = 1; slice <= planes; slice++) {
				boolean found = false;
				for (FacePipeline.Face face : faces) {
					if (face.slice() != slice) continue;
					found = true;
					FaceMatcher.Recognition r = matcher.recognize(face.encoding());
					FaceBox b = face.box();
					rows.add(RowFactory.create(image, "ok", slice, b.x(), b.y(), b.width(), b.height(), b.score(), r.identity(), r.distance(),
						r.runnerUp(), Double.isInfinite(r.runnerUpDistance()) ? null : r.runnerUpDistance(), null));
				}
				if (!found) rows.add(RowFactory.create(image, "no face found", slice, null, null, null, null, null, null, null, null, null, null));
			}
		}
		catch (IOException | RuntimeException e) {
			rows.clear();
			rows.add(RowFactory.create(image, "failed", null, null, null, null, null, null, null, null, null, null,
				e.getMessage() == null ? e.toString() : e.getMessage()));
		}
		return rows;
	}
}
