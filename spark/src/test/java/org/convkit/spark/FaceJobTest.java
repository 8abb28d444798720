package org.convkit.spark;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.apache.spark.sql.Row;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.core.io.SharedData;
import org.convkit.face.FaceMatcher;
import org.convkit.ij.io.ImageFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The faces job on local[2] against Recognize Faces on the same images and gallery (three ORL
 * persons enrolled by Enroll Face Folder): the same boxes, identities, distances and runners-up; a
 * file that is no image is a row with its error.
 */
class FaceJobTest {

	private static final Path ORL = SharedData.resolve("faces");
	private static final Map<String, Object> OPTIONS = Map.of("face_mode", "detect", "input_size", 128);

	@RegisterExtension
	static final LocalSpark local = new LocalSpark();

	@TempDir
	Path dir;

	@Test
	void recognizesAsRecognizeFacesWithABroadcastGallery() throws Exception {
		assumeTrue(Files.isRegularFile(ORL.resolve("s15/2.pgm")), "ORL faces: " + SharedData.missing(ORL.resolve("s15/2.pgm")));
		Path persons = Files.createDirectories(dir.resolve("persons"));
		for (int p = 1; p <= 3; p++) Files.copy(ORL.resolve("s" + p + "/1.pgm"), Files.createDirectories(persons.resolve("s" + p)).resolve("1.pgm"));
		// images to recognise, in a folder tree: three enrolled persons, a stranger (s15) and a file that is no image
		Path images = Files.createDirectories(dir.resolve("images/sub"));
		for (String image : List.of("s1/2", "s2/2", "s3/4", "s15/2")) Files.copy(ORL.resolve(image + ".pgm"), images.resolve(image.replace('/', '_') + ".pgm"));
		Files.writeString(images.getParent().resolve("broken.png"), "not a PNG");
		Path gallery = dir.resolve("gallery.json");

		Map<String, ResultsTable> expected = new HashMap<>();
		try (Context context = new Context()) {
			CommandExecutor commands = new CommandExecutor(context);
			Map<String, Object> enroll = new HashMap<>(OPTIONS);
			enroll.putAll(Map.of("folder", persons.toFile(), "gallery", gallery.toFile()));
			commands.run(commands.find("Enroll Face Folder"), enroll);
			try (var files = Files.list(images)) {
				for (Path image : files.toList()) {
					ImagePlus imp = ImageFiles.open("image", image);
					Map<String, Object> recognize = new HashMap<>(OPTIONS);
					recognize.putAll(Map.of("image", imp, "gallery", gallery.toFile()));
					expected.put(image.getFileName().toString(), (ResultsTable) commands.run(commands.find("Recognize Faces"), recognize).get("recognition"));
				}
			}
		}

		Path out = dir.resolve("faces-out");
		Map<String, Long> statuses = ConvKitSpark.run(local.session(), new String[] {"faces", "--input", dir.resolve("images").toString(), "--gallery", gallery.toString(),
			"--output", out.toString(), "--face-mode", "detect", "--input-size", "128"});
		assertEquals(Map.of("ok", 4L, "failed", 1L), statuses);
		List<Row> rows = local.session().read().parquet(out.resolve("faces").toString()).orderBy("image").collectAsList();
		assertEquals(5, rows.size());
		Row broken = rows.get(0);
		assertTrue(broken.<String>getAs("image").endsWith("images/broken.png"), broken.toString());
		assertEquals("failed", broken.getAs("status"));
		assertTrue(broken.<String>getAs("error").startsWith("--input: cannot read ") && broken.<String>getAs("error").endsWith("broken.png as an image (expected TIFF, PNG, JPEG, GIF, BMP, PGM, FITS or DICOM)"),
			broken.<String>getAs("error"));
		for (Row row : rows.subList(1, rows.size())) {
			String name = Path.of(java.net.URI.create(row.getAs("image"))).getFileName().toString();
			ResultsTable r = expected.get(name);
			assertEquals(1, r.size(), name);
			String what = name + ": " + row;
			assertEquals(r.getStringValue("identity", 0), row.getAs("identity"), what);
			assertEquals(r.getStringValue("runner_up", 0), row.getAs("runner_up"), what);
			assertEquals(r.getValue("distance", 0), row.<Double>getAs("distance"), 1e-6, what);
			assertEquals(r.getValue("runner_up_distance", 0), row.<Double>getAs("runner_up_distance"), 1e-6, what);
			for (String c : List.of("x", "y", "w", "h", "score")) assertEquals(r.getValue(c, 0), row.<Double>getAs(c), 1e-6, what + " " + c);
			String person = name.substring(0, name.indexOf('_'));
			assertEquals(person.equals("s15") ? FaceMatcher.UNKNOWN : person, row.getAs("identity"), what);
		}
	}
}
