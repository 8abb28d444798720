package org.convkit.commands.face;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Roi;
import ij.io.FileSaver;
import ij.measure.ResultsTable;
import ij.process.FloatProcessor;
import org.convkit.commands.HeadlessCommands;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.face.FaceGallery;
import org.convkit.face.FacePipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The faces commands under the conditions of the reliability issue: galleries updated at the same
 * time by several JVMs, read-only galleries, images too small for the face mode, folders with bad
 * subfolders, huge values in messages, NaN pixels. Images are made here (grey ramps, which
 * face_mode=cropped_resize encodes like any face) except for the separate-JVM test, which uses the
 * shared ORL faces and is skipped without them.
 */
class FaceReliabilityTest {

	private static final Path ORL = Path.of("..", "shared", "data", "faces");

	@RegisterExtension
	static final HeadlessCommands commands = new HeadlessCommands();

	@TempDir
	Path temp;

	// ---- 1. concurrent enrolments ----

	/**
	 * Four `convkit run "Enroll Face"` at once, each its own JVM, on one new gallery: every person is
	 * in it afterwards. Before the gallery was read before the faces were encoded and written after,
	 * so the last writer's file held only the persons it had read plus its own (measured: 1 or 2 of 4).
	 */
	@Test
	void enrolmentsInSeparateJvmsAtOnceKeepEveryPerson() throws Exception {
		assumeTrue(Files.isDirectory(ORL), "ORL faces not found at " + ORL.toAbsolutePath().normalize() + ": skipping the separate-JVM enrolments");
		Path gallery = temp.resolve("shared gallery.json");
		int n = 4;
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<Process> processes = new ArrayList<>();
		List<Path> logs = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			Path image = ORL.resolve("s" + (i + 1)).resolve("1.pgm").toAbsolutePath();
			Path output = Files.createDirectories(temp.resolve("out" + i));
			List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-Doffline=true", "-Djava.awt.headless=true",
				"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dconvkit.threads=1"));
			for (String property : List.of("convkit.engine", "convkit.gpu")) {
				if (System.getProperty(property) != null) command.add("-D" + property + "=" + System.getProperty(property));
			}
			command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.convkit.cli.Main", "run", "Enroll Face",
				"image=" + image, "name=P" + i, "gallery=" + gallery, "face_mode=cropped_resize", "--output", output.toString()));
			Path log = temp.resolve("jvm" + i + ".log");
			logs.add(log);
			ProcessBuilder builder = new ProcessBuilder(command).directory(temp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
			builder.environment().put("OMP_NUM_THREADS", "1");
			processes.add(builder.start());
		}
		for (int i = 0; i < n; i++) {
			Process process = processes.get(i);
			if (!process.waitFor(90, TimeUnit.SECONDS)) {
				processes.forEach(Process::destroyForcibly);
				fail("enrolment " + i + " did not finish in 90 s: " + Files.readString(logs.get(i)));
			}
			assertEquals(0, process.exitValue(), "enrolment " + i + ": " + Files.readString(logs.get(i)));
		}
		FaceGallery people = FaceGallery.load(gallery);
		assertEquals(List.of("P0", "P1", "P2", "P3"), people.names(), "every concurrent enrolment is in the gallery");
		for (String name : people.names()) assertEquals(1, people.encodings(name).size(), name);
	}

	/** The same in one JVM: threads through the command (the lock queues them). */
	@Test
	void enrolmentsOnThreadsAtOnceKeepEveryPerson() throws Exception {
		Path gallery = temp.resolve("threads.json");
		int n = 4;
		List<Thread> threads = new ArrayList<>();
		List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
		for (int i = 0; i < n; i++) {
			ImagePlus image = ramp("face" + i, 64, 64, i);
			String name = "T" + i;
			threads.add(new Thread(() -> {
				try {
					commands.run("Enroll Face", Map.of("image", image, "name", name, "gallery", gallery.toFile(), "face_mode", "cropped_resize"));
				}
				catch (Throwable e) {
					failures.add(e);
				}
			}));
		}
		threads.forEach(Thread::start);
		for (Thread thread : threads) thread.join(60_000);
		assertEquals(List.of(), failures);
		assertEquals(List.of("T0", "T1", "T2", "T3"), FaceGallery.load(gallery).names());
	}

	// ---- 2. read-only galleries ----

	@Test
	void aReadOnlyGalleryIsRefusedBeforeAnyWorkAndKeptAsItWas() throws Exception {
		Path gallery = temp.resolve("locked.json");
		FaceCommandsTest.fakeGallery("Ann", "Bob").save(gallery);
		Set<PosixFilePermission> readOnly = PosixFilePermissions.fromString("r--r--r--");
		Files.setPosixFilePermissions(gallery, readOnly);
		byte[] before = Files.readAllBytes(gallery);
		String message = "gallery: " + gallery + " is read-only; make it writable (chmod u+w) or choose another gallery";
		assertEquals(message, String.format(FaceSupport.READ_ONLY, gallery.toFile()));
		// A too-small image would fail in the face pipeline: the read-only message shows the gallery is checked first.
		assertFails(message, () -> commands.run("Enroll Face", Map.of("image", ramp("tiny", 8, 8, 0), "name", "Cid", "gallery", gallery.toFile())));
		assertFails(message, () -> commands.run("Enroll Face", Map.of("image", ramp("face", 64, 64, 0), "name", "Cid", "gallery", gallery.toFile(),
			"face_mode", "cropped_resize")));
		Path folder = Files.createDirectories(temp.resolve("persons").resolve("Cid"));
		save(ramp("face", 64, 64, 1), folder.resolve("1.png"));
		assertFails(message, () -> commands.run("Enroll Face Folder", Map.of("folder", folder.getParent().toFile(), "gallery", gallery.toFile(),
			"face_mode", "cropped_resize")));
		assertFails(message, () -> commands.run("Face Gallery", Map.of("gallery", gallery.toFile(), "action", "remove", "name", "Ann")));
		// Listing reads only.
		ResultsTable listed = (ResultsTable) commands.run("Face Gallery", Map.of("gallery", gallery.toFile())).get("persons");
		assertEquals(2, listed.size());
		assertArrayEquals(before, Files.readAllBytes(gallery), "the read-only gallery's content");
		assertEquals(readOnly, Files.getPosixFilePermissions(gallery), "the read-only gallery's mode");
	}

	// ---- 3. images too small for the face mode ----

	@Test
	void imagesTooSmallForTheFaceModeAreRefused() throws Exception {
		Path gallery = temp.resolve("g.json");
		FaceCommandsTest.fakeGallery("Ann").save(gallery);
		byte[] before = Files.readAllBytes(gallery);
		for (String mode : List.of("cropped", "cropped_resize")) {
			String message = "image: expected at least 32x32 pixels for face_mode=" + mode + ", got 1x1";
			// Before, a 1x1 image was enrolled in cropped_resize mode: an encoding of one pixel.
			assertFails(message, () -> commands.run("Enroll Face", Map.of("image", ramp("dot", 1, 1, 0), "name", "Cid", "gallery", gallery.toFile(), "face_mode", mode)));
			assertFails(message, () -> commands.run("Recognize Faces", Map.of("image", ramp("dot", 1, 1, 0), "gallery", gallery.toFile(), "face_mode", mode)));
			assertFails(message, () -> commands.run("Verify Face", Map.of("image", ramp("dot", 1, 1, 0), "name", "Ann", "gallery", gallery.toFile(), "face_mode", mode)));
			assertFails("image2: expected at least 32x32 pixels for face_mode=" + mode + ", got 1x1",
				() -> commands.run("Compare Faces", Map.of("image1", ramp("a", 64, 64, 0), "image2", ramp("dot", 1, 1, 0), "face_mode", mode)));
			// One side short is too small; a ROI counts, not the image.
			assertFails("image: expected at least 32x32 pixels for face_mode=" + mode + ", got 200x31",
				() -> commands.run("Enroll Face", Map.of("image", ramp("strip", 200, 31, 0), "name", "Cid", "gallery", gallery.toFile(), "face_mode", mode)));
			ImagePlus roi = ramp("big", 200, 200, 0);
			roi.setRoi(10, 10, 20, 40);
			assertFails("image: expected at least 32x32 pixels for face_mode=" + mode + ", got 20x40",
				() -> commands.run("Enroll Face", Map.of("image", roi, "name", "Cid", "gallery", gallery.toFile(), "face_mode", mode)));
		}
		assertArrayEquals(before, Files.readAllBytes(gallery));
		// 32x32 is enough.
		ResultsTable enrolled = (ResultsTable) commands.run("Enroll Face", Map.of("image", ramp("small", 32, 32, 0), "name", "Cid",
			"gallery", gallery.toFile(), "face_mode", "cropped_resize")).get("enrolled");
		assertEquals(1, enrolled.size());
		assertEquals(List.of("Ann", "Cid"), FaceGallery.load(gallery).names());
	}

	// ---- 4. Enroll Face Folder with bad subfolders ----

	@Test
	void aBadSubfolderIsSkippedNamedAndCountedWhileTheOthersAreEnrolled() throws Exception {
		Path persons = Files.createDirectories(temp.resolve("persons"));
		for (String person : List.of("Ann", "Bob", "#bad", "tiny")) Files.createDirectories(persons.resolve(person));
		save(ramp("a", 64, 64, 0), persons.resolve("Ann").resolve("1.png"));
		save(ramp("b", 64, 64, 1), persons.resolve("Bob").resolve("1.png"));
		save(ramp("c", 64, 64, 2), persons.resolve("#bad").resolve("1.png"));
		save(ramp("d", 8, 8, 0), persons.resolve("tiny").resolve("1.png"));
		Path gallery = temp.resolve("folder.json");
		FaceCommandsTest.fakeGallery("Zoe").save(gallery);

		CommandExecutor executor = commands.executor();
		CommandExecutor.Result result = executor.execute(executor.find("Enroll Face Folder"), new HashMap<>(Map.of("folder", persons.toFile(),
			"gallery", gallery.toFile(), "face_mode", "cropped_resize")));
		ResultsTable table = (ResultsTable) result.outputs().get("enrolled");
		String badName = "name: expected 1 to 64 letters, digits, spaces or . _ ' - starting with a letter or digit, got '#bad'";
		assertEquals(List.of("#bad/", "Ann/1.png", "Bob/1.png", "tiny/1.png", "tiny/"), column(table, "file"));
		assertEquals(List.of("#bad", "Ann", "Bob", "tiny", "tiny"), column(table, "name"));
		assertEquals(List.of("skipped", "enrolled", "enrolled", "skipped", "skipped"), column(table, "status"));
		assertEquals(List.of(badName, "", "", "image: expected at least 32x32 pixels for face_mode=cropped_resize, got 8x8",
			"none of its 1 images gave one face"), column(table, "error"));
		assertEquals("2 of 4 persons enrolled, 2 skipped\n"
			+ "folder: subfolder '#bad' skipped: " + badName + "\n"
			+ "folder: subfolder 'tiny' skipped: none of its 1 images gave one face", result.outputs().get("summary"));
		assertEquals(2, result.failedItems(), "the skipped persons are the batch's failed items");
		assertEquals(List.of("Ann", "Bob", "Zoe"), FaceGallery.load(gallery).names());

		// All good: no failed items.
		Files.delete(persons.resolve("#bad").resolve("1.png"));
		Files.delete(persons.resolve("tiny").resolve("1.png"));
		result = executor.execute(executor.find("Enroll Face Folder"), new HashMap<>(Map.of("folder", persons.toFile(),
			"gallery", gallery.toFile(), "face_mode", "cropped_resize")));
		assertEquals("2 of 2 persons enrolled, 0 skipped", result.outputs().get("summary"));
		assertEquals(0, result.failedItems());
		assertEquals(2, FaceGallery.load(gallery).encodings("Ann").size());
	}

	// ---- 5. long values in messages ----

	@Test
	void aHugeNameIsShortenedInMessages() throws Exception {
		String huge = "a".repeat(100_000);
		String shown = "a".repeat(64) + "... (100000 characters)";
		Path gallery = temp.resolve("g.json");
		FaceCommandsTest.fakeGallery("Ann").save(gallery);
		assertFails("name: expected 1 to 64 letters, digits, spaces or . _ ' - starting with a letter or digit, got '" + shown + "'",
			() -> commands.run("Enroll Face", Map.of("image", ramp("a", 64, 64, 0), "name", huge, "gallery", gallery.toFile())));
		assertFails("name: '" + shown + "' is not in the gallery; known: [Ann]",
			() -> commands.run("Verify Face", Map.of("image", ramp("a", 64, 64, 0), "name", huge, "gallery", gallery.toFile())));
		assertFails("name: '" + shown + "' is not in the gallery " + gallery + "; known: [Ann]",
			() -> commands.run("Face Gallery", Map.of("gallery", gallery.toFile(), "action", "remove", "name", huge)));
		assertEquals("abc", FaceGallery.shorten("abc"));
		assertEquals("b".repeat(64), FaceGallery.shorten("b".repeat(64)));
		assertEquals("b".repeat(64) + "... (65 characters)", FaceGallery.shorten("b".repeat(65)));
	}

	// ---- odd images ----

	/**
	 * A NaN pixel (32-bit "no value") is shown black, as ImageJ draws it, so the image encodes as
	 * the same image with a 0 there. Before, the NaN went on to the networks (measured: 2.8e-4 from
	 * the clean image's encoding, where now it is within 1e-5).
	 */
	@Test
	void nanPixelsOfA32BitImageDoNotSpoilTheEncoding() throws Exception {
		FloatProcessor pixels = (FloatProcessor) ramp("f", 64, 64, 0).getProcessor().convertToFloat();
		pixels.setf(0, 0, 0);
		ImagePlus clean = new ImagePlus("clean", pixels.duplicate());
		clean.setDisplayRange(0, 255);
		FloatProcessor holed = (FloatProcessor) pixels.duplicate();
		holed.setf(0, 0, Float.NaN);
		ImagePlus withNaN = new ImagePlus("nan", holed);
		withNaN.setDisplayRange(0, 255);
		Map<String, Object> out = commands.run("Compare Faces", Map.of("image1", clean, "image2", withNaN, "face_mode", "cropped_resize"));
		double distance = (double) out.get("distance");
		assertEquals(0, distance, 1e-5, "a NaN pixel reads as black, like the 0 it replaces");
		assertEquals(true, out.get("same"));
	}

	@Test
	void sixteenBitImagesAreEncodedThroughTheirDisplayRange() throws Exception {
		ImagePlus eight = ramp("eight", 64, 64, 0);
		ImagePlus sixteen = new ImagePlus("sixteen", eight.getProcessor().convertToShort(false));
		sixteen.getProcessor().multiply(100);
		sixteen.setDisplayRange(0, 25500);
		Map<String, Object> out = commands.run("Compare Faces", Map.of("image1", eight, "image2", sixteen, "face_mode", "cropped_resize"));
		assertEquals(0, (double) out.get("distance"), 1e-4);
	}

	/** A ROI reaching past the image's edges counts for its part on the image; before, the crop read outside the pixel arrays (a stack trace). */
	@Test
	void aRoiReachingPastTheImageCountsForItsPartOnTheImage() throws Exception {
		ImagePlus corner = ramp("corner", 100, 100, 0);
		corner.setRoi(new Roi(-20, -20, 60, 60));
		ResultsTable faces = (ResultsTable) commands.run("Detect Faces", Map.of("image", corner)).get("faces");
		assertEquals(0, faces.size());
		ImagePlus edge = ramp("edge", 100, 100, 0);
		edge.setRoi(new Roi(80, 80, 60, 60));
		assertFails("image1: expected at least 32x32 pixels for face_mode=cropped_resize, got 20x20",
			() -> commands.run("Compare Faces", Map.of("image1", edge, "image2", ramp("b", 64, 64, 1), "face_mode", "cropped_resize")));
		// The part on the image is what is encoded: the same as that part cropped.
		ImagePlus past = ramp("past", 100, 100, 0);
		past.setRoi(new Roi(50, 40, 100, 100));
		ImagePlus part = ramp("part", 100, 100, 0);
		part.setRoi(new Roi(50, 40, 50, 60));
		Map<String, Object> out = commands.run("Compare Faces", Map.of("image1", past, "image2", part, "face_mode", "cropped_resize"));
		assertEquals(0, (double) out.get("distance"), 1e-6);
		Path gallery = temp.resolve("roi.json");
		ImagePlus enrolledPast = ramp("past", 100, 100, 0);
		enrolledPast.setRoi(new Roi(50, 40, 100, 100));
		ResultsTable enrolled = (ResultsTable) commands.run("Enroll Face", Map.of("image", enrolledPast, "name", "Ann", "gallery", gallery.toFile(),
			"face_mode", "cropped_resize")).get("enrolled");
		assertEquals(List.of(50.0, 40.0, 50.0, 60.0), List.of(enrolled.getValue("x", 0), enrolled.getValue("y", 0), enrolled.getValue("w", 0), enrolled.getValue("h", 0)),
			"the face's box is the ROI's part on the image, in image pixels");
	}

	@Test
	void aFolderGivenAsTheGalleryIsNamed() throws Exception {
		Path folder = Files.createDirectories(temp.resolve("not a file"));
		String message = "gallery: " + folder + " is a folder; expected a gallery file (.json), e.g. gallery=/path/to/faces.json";
		assertFails(message, () -> commands.run("Enroll Face", Map.of("image", ramp("a", 64, 64, 0), "name", "Ann", "gallery", folder.toFile(), "face_mode", "cropped_resize")));
		assertFails(message, () -> commands.run("Recognize Faces", Map.of("image", ramp("a", 64, 64, 0), "gallery", folder.toFile())));
		assertFails(message, () -> commands.run("Face Gallery", Map.of("gallery", folder.toFile())));
	}

	/** A gallery in a folder that does not exist yet: the folder is made, as saving always did (the lock file lives there). */
	@Test
	void aNewGalleryInANewFolderIsCreated() throws Exception {
		Path gallery = temp.resolve("new").resolve("folder").resolve("g.json");
		commands.run("Enroll Face", Map.of("image", ramp("a", 64, 64, 0), "name", "Ann", "gallery", gallery.toFile(), "face_mode", "cropped_resize"));
		assertEquals(List.of("Ann"), FaceGallery.load(gallery).names());
	}

	// ---- helpers ----

	/** A grey image with a pattern that depends on {@code seed}, its display range 0..255. */
	private static ImagePlus ramp(String title, int width, int height, int seed) {
		ImagePlus image = IJ.createImage(title, "8-bit black", width, height, 1);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) image.getProcessor().set(x, y, (x * (3 + seed) + y * (5 + 2 * seed) + seed * 40) % 256);
		}
		image.setDisplayRange(0, 255);
		return image;
	}

	private static void save(ImagePlus image, Path file) {
		assertTrue(new FileSaver(image).saveAsPng(file.toString()), "could not write " + file);
	}

	private static void assertFails(String message, org.junit.jupiter.api.function.Executable run) {
		CommandFailedException e = assertThrows(CommandFailedException.class, run);
		assertEquals(message, e.getMessage());
	}

	private static List<String> column(ResultsTable table, String column) {
		List<String> values = new ArrayList<>();
		for (int row = 0; row < table.size(); row++) values.add(table.getStringValue(column, row));
		return values;
	}
}
