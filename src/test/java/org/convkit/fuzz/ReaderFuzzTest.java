package org.convkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import ai.djl.Device;
import ai.djl.Model;
import ij.ImagePlus;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ecg.Annotation;
import org.convkit.ecg.EcgFiles;
import org.convkit.ecg.EcgRecord;
import org.convkit.ecg.beats.BeatModel;
import org.convkit.ecg.io.WfdbAnnotations;
import org.convkit.ecg.io.WfdbRecords;
import org.convkit.face.FaceGallery;
import org.convkit.ij.io.ImageFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reader against damaged copies of real files (../shared/data; skipped when absent): truncated,
 * bit-flipped, randomly overwritten, oversized (headers claiming 10^12 samples, sparse files of
 * gigabytes, giant lines), empty and wrong-type inputs. Each case must give a result or an
 * IOException / IllegalArgumentException naming the damaged file, within 5 s ({@link FuzzCase}).
 * Mutations come from a fixed seed; a case's name says its file, mutation, seed and offset.
 */
class ReaderFuzzTest {

	static final Path DATA = Path.of("..", "shared", "data");
	static final long SEED = 20261206L;
	/** Bigger than any byte array: a sparse file of this size must be refused before it is read. */
	static final long SPARSE = 3L << 30;

	@TempDir
	Path root;
	private int counter;

	static Path require(String relative) {
		Path path = DATA.resolve(relative);
		Assumptions.assumeTrue(Files.exists(path), "real data " + path + " is absent (see ../shared/data/README.md); skipping");
		return path;
	}

	// ---- WFDB

	private static final String[] RECORDS = {"mitdb/101", "mitdb/208", "wfdb-samples/s0010_re", "wfdb-samples/03700181", "wfdb-samples/v102s"};

	@TestFactory
	Stream<DynamicTest> wfdbHeaders() throws IOException {
		List<FuzzCase> cases = new ArrayList<>();
		for (String record : RECORDS) {
			Path hea = require(record + ".hea");
			String name = hea.getFileName().toString();
			byte[] original = Files.readAllBytes(hea);
			Siblings siblings = siblingsExcept(hea, name);
			Random random = random(name);
			cases.addAll(damaged(name, original, random, new int[] {0, 3, original.length / 2, original.length - 1}, 6, 4, siblings, ReaderFuzzTest::readRecord));
			cases.add(replaced(name, "png-as-header", png(), siblings, ReaderFuzzTest::readRecord));
			String text = new String(original, StandardCharsets.ISO_8859_1);
			String[] recordLine = text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).findFirst().orElseThrow().split("\\s+");
			String rest = text.substring(text.indexOf('\n') + 1);
			String firstSignal = rest.lines().findFirst().orElseThrow();
			cases.add(textCase(name, "claims-1e12-samples", recordLine[0] + " " + recordLine[1] + " " + recordLine[2] + " 1000000000000\n" + rest, siblings));
			if (record.equals("mitdb/101")) {
				cases.add(textCase(name, "claims-1e9-signals", "101 1000000000 360 650000\n" + rest, siblings));
				cases.add(textCase(name, "claims-2^31-signals", "101 2147483648 360 650000\n" + rest, siblings));
				cases.add(textCase(name, "20000-signal-lines", "101 20000 360 650000\n" + (firstSignal + "\n").repeat(20000), siblings));
				cases.add(textCase(name, "2e9-samples-per-frame", "101 2 360 650000\n" + rest.replace(" 212 ", " 212x2000000000 "), siblings));
				cases.add(textCase(name, "skew-2^31-1", "101 2 360 650000\n" + rest.replace(" 212 ", " 212:2147483647 "), siblings));
				cases.add(textCase(name, "byte-offset-1e15", "101 2 360 650000\n" + rest.replace(" 212 ", " 212+1000000000000000 "), siblings));
				cases.add(textCase(name, "frequency-1e308-x4", "101 2 1e308 650000\n" + rest.replace(" 212 ", " 212x4 "), siblings));
				cases.add(textCase(name, "frequency-1e-300", "101 2 1e-300 650000\n" + rest, siblings));
				cases.add(textCase(name, "gain-1e999", "101 2 360 650000\n" + rest.replace(" 200 ", " 1e999 "), siblings));
				cases.add(textCase(name, "giant-comment-line-4MB", text + "#" + "x".repeat(4 << 20) + "\n", siblings));
				cases.add(textCase(name, "giant-record-name-4MB", "x".repeat(4 << 20) + " 2 360 650000\n" + rest, siblings));
				cases.add(new FuzzCase(name + " sparse-3GB", name, f -> {
					siblings.into(f);
					Mutations.sparse(f.resolve(name), original, SPARSE);
				}, ReaderFuzzTest::readRecord));
			}
		}
		return tests(cases);
	}

	@TestFactory
	Stream<DynamicTest> wfdbSignals() throws IOException {
		List<FuzzCase> cases = new ArrayList<>();
		for (String record : RECORDS) {
			Path hea = require(record + ".hea");
			for (String signalFile : signalFiles(hea)) {
				Path dat = hea.resolveSibling(signalFile);
				byte[] original = Files.readAllBytes(dat);
				Siblings siblings = siblingsExcept(hea, signalFile);
				Random random = random(signalFile);
				int n = original.length;
				cases.addAll(damaged(signalFile, original, random, new int[] {0, 1, 2, n / 2 + 1, n - 1}, 5, 3, siblings, f -> readRecord(f, hea.getFileName().toString())));
				cases.add(replaced(signalFile, "png-as-signal", png(), siblings, f -> readRecord(f, hea.getFileName().toString())));
				byte[] head = Mutations.truncate(original, 4096);
				cases.add(new FuzzCase(signalFile + " sparse-3GB", signalFile, f -> {
					siblings.into(f);
					Mutations.sparse(f.resolve(signalFile), head, SPARSE);
				}, f -> readRecord(f, hea.getFileName().toString())));
			}
		}
		return tests(cases);
	}

	@TestFactory
	Stream<DynamicTest> wfdbAnnotations() throws IOException {
		List<FuzzCase> cases = new ArrayList<>();
		for (String record : new String[] {"mitdb/101", "mitdb/208"}) {
			Path atr = require(record + ".atr");
			String name = atr.getFileName().toString();
			String hea = record.substring(record.indexOf('/') + 1) + ".hea";
			byte[] original = Files.readAllBytes(atr);
			Siblings siblings = siblingsExcept(atr, name);
			Random random = random(name);
			int n = original.length;
			cases.addAll(damaged(name, original, random, new int[] {0, 1, 2, 3, n / 2, n / 2 + 1, n - 2, n - 1}, 12, 8, siblings, f -> readRecord(f, hea)));
			cases.add(replaced(name, "png-as-annotations", png(), siblings, f -> readRecord(f, hea)));
			cases.add(replaced(name, "aux-of-1023-bytes-at-the-end", concat(Mutations.truncate(original, n - 2), new byte[] {(byte) 0xff, (byte) 0xff}), siblings, f -> readRecord(f, hea)));
			byte[] skips = new byte[6 * 20000 + 2];
			for (int i = 0; i < 20000; i++) {
				skips[6 * i + 1] = (byte) (59 << 2);
				skips[6 * i + 2] = (byte) 0xff;
				skips[6 * i + 3] = 0x7f;
			}
			skips[skips.length - 1] = 4; // an N
			cases.add(replaced(name, "20000-skips-of-2^31", concat(skips, new byte[] {0, 0}), siblings, f -> readRecord(f, hea)));
			cases.add(new FuzzCase(name + " sparse-3GB", name, f -> {
				siblings.into(f);
				Mutations.sparse(f.resolve(name), Mutations.truncate(original, n - 2), SPARSE);
			}, f -> readRecord(f, hea)));
		}
		return tests(cases);
	}

	// ---- EDF and CSV (made from record 101's first seconds)

	@TestFactory
	Stream<DynamicTest> edf() throws IOException {
		Path hea = require("mitdb/101.hea");
		EcgRecord record = WfdbRecords.read(hea);
		List<Annotation> annotations = WfdbAnnotations.read(hea.resolveSibling("101.atr"));
		byte[] original = EcgSamples.edf(record, annotations, 10, 10);
		String name = "101.edf";
		int headerBytes = 256 * 4, ns = 3;
		Random random = random(name);
		List<FuzzCase> cases = new ArrayList<>();
		cases.addAll(damaged(name, original, random, new int[] {0, 100, 255, 256, 700, headerBytes - 1, headerBytes, headerBytes + 1000, original.length - 1},
			14, 10, Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(replaced(name, "png-as-edf", png(), Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(replaced(name, "signal-as-edf", Mutations.truncate(Files.readAllBytes(hea.resolveSibling("101.dat")), 20000), Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(replaced(name, "claims-99999999-records", field(original, 236, 8, "99999999"), Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(replaced(name, "claims-0-records", field(original, 236, 8, "0"), Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(replaced(name, "claims-9999-signals", field(original, 252, 4, "9999"), Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(replaced(name, "claims-header-of-99999999-bytes", field(original, 184, 8, "99999999"), Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(replaced(name, "claims-99999999-samples-per-record", field(original, 256 + ns * 216, 8, "99999999"), Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(replaced(name, "record-duration-1e-300", field(original, 244, 8, "1e-300"), Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(replaced(name, "record-duration-nan", field(original, 244, 8, "NaN"), Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(new FuzzCase(name + " sparse-3GB", name, f -> Mutations.sparse(f.resolve(name), field(original, 236, 8, "-1"), SPARSE), ReaderFuzzTest::readRecord));
		return tests(cases);
	}

	@TestFactory
	Stream<DynamicTest> csv() throws IOException {
		Path hea = require("mitdb/101.hea");
		EcgRecord record = WfdbRecords.read(hea);
		byte[] original = EcgSamples.csv(record, 2000).getBytes(StandardCharsets.UTF_8);
		String name = "101.csv";
		int n = original.length;
		Random random = random(name);
		List<FuzzCase> cases = new ArrayList<>();
		cases.addAll(damaged(name, original, random, new int[] {0, 3, 30, n / 2, n - 1}, 10, 10, Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(replaced(name, "png-as-csv", png(), Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(replaced(name, "signal-as-csv", Files.readAllBytes(hea.resolveSibling("101.dat")), Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(replaced(name, "annotations-as-csv", Files.readAllBytes(hea.resolveSibling("101.atr")), Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(replaced(name, "bom-only", new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(replaced(name, "header-only", "time,MLII\n".getBytes(StandardCharsets.UTF_8), Siblings.NONE, ReaderFuzzTest::readRecord));
		String wide = "time" + ",x".repeat(1_000_000) + "\n" + "0" + ",1".repeat(1_000_000) + "\n";
		cases.add(replaced(name, "1e6-columns", wide.getBytes(StandardCharsets.UTF_8), Siblings.NONE, ReaderFuzzTest::readRecord));
		String giant = "time,MLII\n0,1\n0.1," + "9".repeat(16 << 20) + "\n";
		cases.add(replaced(name, "giant-line-16MB", giant.getBytes(StandardCharsets.UTF_8), Siblings.NONE, ReaderFuzzTest::readRecord));
		cases.add(new FuzzCase(name + " sparse-3GB", name, f -> Mutations.sparse(f.resolve(name), Mutations.truncate(original, 1000), SPARSE), ReaderFuzzTest::readRecord));
		return tests(cases);
	}

	// ---- face gallery, ECG model folder, images

	@TestFactory
	Stream<DynamicTest> faceGallery() throws IOException {
		Path pgm = require("faces/s1/1.pgm");
		String name = "gallery.json";
		FaceGallery gallery = new FaceGallery("face-recognition-net");
		Random values = new Random(SEED);
		for (String person : new String[] {"s1", "s2", "s3"}) {
			for (int k = 0; k < 2; k++) {
				float[] e = new float[FaceGallery.ENCODING_LENGTH];
				for (int i = 0; i < e.length; i++) e[i] = (float) (values.nextGaussian() * 0.1);
				gallery.enroll(person, e);
			}
		}
		Path saved = root.resolve("pristine-" + name);
		gallery.save(saved);
		byte[] original = Files.readAllBytes(saved);
		Files.delete(saved);
		int n = original.length;
		Random random = random(name);
		List<FuzzCase> cases = new ArrayList<>();
		FuzzCase.Read load = f -> assertNotNull(FaceGallery.load(f.resolve(name)).names());
		cases.addAll(damaged(name, original, random, new int[] {0, 1, 10, n / 2, n - 2}, 10, 10, Siblings.NONE, load));
		cases.add(replaced(name, "png-as-gallery", png(), Siblings.NONE, load));
		cases.add(replaced(name, "pgm-as-gallery", Files.readAllBytes(pgm), Siblings.NONE, load));
		String head = "{\"format\":\"convkit-face-gallery\",\"version\":1,\"encoder\":\"e\",";
		cases.add(replaced(name, "encoding-of-1e6-values", (head + "\"persons\":[{\"name\":\"a\",\"encodings\":[[" + "0,".repeat(999_999) + "0]]}]}").getBytes(StandardCharsets.UTF_8), Siblings.NONE, load));
		cases.add(replaced(name, "nested-100000-deep", (head + "\"persons\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}").getBytes(StandardCharsets.UTF_8), Siblings.NONE, load));
		cases.add(replaced(name, "no-persons", (head + "\"x\":1}").getBytes(StandardCharsets.UTF_8), Siblings.NONE, load));
		cases.add(replaced(name, "version-1e30", "{\"format\":\"convkit-face-gallery\",\"version\":1e30}".getBytes(StandardCharsets.UTF_8), Siblings.NONE, load));
		cases.add(replaced(name, "person-null", (head + "\"persons\":[null]}").getBytes(StandardCharsets.UTF_8), Siblings.NONE, load));
		cases.add(new FuzzCase(name + " sparse-3GB", name, f -> Mutations.sparse(f.resolve(name), Mutations.truncate(original, 100), SPARSE), load));
		return tests(cases);
	}

	@TestFactory
	Stream<DynamicTest> beatModelFolder() throws IOException {
		require("mitdb");
		byte[] properties = resource(BeatModel.PROPERTIES), parameters = resource(BeatModel.PARAMETERS);
		List<FuzzCase> cases = new ArrayList<>();
		String pr = BeatModel.PROPERTIES, pa = BeatModel.PARAMETERS;
		Siblings withParameters = f -> Files.write(f.resolve(pa), parameters);
		Siblings withProperties = f -> Files.write(f.resolve(pr), properties);
		int n = properties.length;
		cases.addAll(damaged(pr, properties, random(pr), new int[] {0, n / 2, n - 1}, 6, 4, withParameters, ReaderFuzzTest::openModel));
		cases.add(replaced(pr, "png-as-properties", png(), withParameters, ReaderFuzzTest::openModel));
		String text = new String(properties, StandardCharsets.ISO_8859_1);
		cases.add(replaced(pr, "window-length-2e9", text.replace("window.length=256", "window.length=2000000000").getBytes(StandardCharsets.ISO_8859_1), withParameters, ReaderFuzzTest::openModel));
		cases.add(replaced(pr, "networks-2e9", text.replace("networks=3", "networks=2000000000").getBytes(StandardCharsets.ISO_8859_1), withParameters, ReaderFuzzTest::openModel));
		cases.add(replaced(pr, "networks-1", text.replace("networks=3", "networks=1").getBytes(StandardCharsets.ISO_8859_1), withParameters, ReaderFuzzTest::openModel));
		cases.add(replaced(pr, "window-before-1e308", text.replace("window.before_s=0.25", "window.before_s=1e308").getBytes(StandardCharsets.ISO_8859_1), withParameters, ReaderFuzzTest::openModel));
		cases.add(replaced(pr, "bias-of-1e6-values", text.replace("decision_bias=0.0,0.0,0.0,0.0,0.0", "decision_bias=" + "0,".repeat(999_999) + "0").getBytes(StandardCharsets.ISO_8859_1), withParameters, ReaderFuzzTest::openModel));
		cases.add(new FuzzCase(pr + " sparse-3GB", pr, f -> {
			withParameters.into(f);
			Mutations.sparse(f.resolve(pr), properties, SPARSE);
		}, ReaderFuzzTest::openModel));
		int m = parameters.length;
		cases.addAll(damaged(pa, parameters, random(pa), new int[] {0, 10, 100, m / 2, m - 1}, 4, 2, withProperties, ReaderFuzzTest::openModel));
		cases.add(replaced(pa, "png-as-parameters", png(), withProperties, ReaderFuzzTest::openModel));
		return tests(cases);
	}

	@TestFactory
	Stream<DynamicTest> images() throws IOException {
		List<FuzzCase> cases = new ArrayList<>();
		for (String image : new String[] {"faces/s1/1.pgm", "style/photos/chelsea.png", "style/photos/rocket.jpg"}) {
			Path file = require(image);
			String name = file.getFileName().toString();
			byte[] original = Files.readAllBytes(file);
			int n = original.length;
			FuzzCase.Read read = f -> openImage(f, name);
			cases.addAll(damaged(name, original, random(name), new int[] {0, 8, 50, n / 2, n - 1}, 5, 3, Siblings.NONE, read));
			cases.add(replaced(name, "text-as-image", "time,MLII\n0,1\n".getBytes(StandardCharsets.UTF_8), Siblings.NONE, read));
			cases.add(replaced(name, "signal-as-image", Mutations.truncate(Files.readAllBytes(require("mitdb/101.dat")), 30000), Siblings.NONE, read));
		}
		cases.add(replaced("1.pgm", "claims-100000x100000", concat("P5\n100000 100000\n255\n".getBytes(StandardCharsets.US_ASCII), new byte[1000]), Siblings.NONE, f -> openImage(f, "1.pgm")));
		cases.add(replaced("1.pgm", "claims-16bit-70000x70000", concat("P5\n70000 70000\n65535\n".getBytes(StandardCharsets.US_ASCII), new byte[1000]), Siblings.NONE, f -> openImage(f, "1.pgm")));
		byte[] png = Files.readAllBytes(require("style/photos/chelsea.png"));
		cases.add(replaced("chelsea.png", "claims-100000x100000", pngSize(png, 100_000, 100_000), Siblings.NONE, f -> openImage(f, "chelsea.png")));
		cases.add(new FuzzCase("1.pgm sparse-3GB", "1.pgm", f -> Mutations.sparse(f.resolve("1.pgm"), "P5\n40000 40000\n255\n".getBytes(StandardCharsets.US_ASCII), SPARSE),
			f -> openImage(f, "1.pgm")));
		return tests(cases);
	}

	// ---- readers and result checks

	static void readRecord(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			Path file = files.filter(p -> !EcgFiles.extension(p).equals("dat") && !EcgFiles.extension(p).equals("atr")
				&& !EcgFiles.extension(p).equals("xyz")).filter(p -> List.of("hea", "edf", "csv").contains(EcgFiles.extension(p))).findFirst().orElseThrow();
			readRecord(folder, file.getFileName().toString());
		}
	}

	static void readRecord(Path folder, String file) throws IOException {
		EcgFiles.Annotated read = EcgFiles.readAnnotated(folder.resolve(file), 360);
		EcgRecord record = read.record();
		assertFalse(record.leads().isEmpty(), "no leads");
		assertTrue(record.frequency() > 0 && Double.isFinite(record.frequency()), "frequency " + record.frequency());
		for (EcgRecord.Lead lead : record.leads()) {
			assertNotNull(lead.samples());
			assertTrue(lead.frequency() > 0 && Double.isFinite(lead.frequency()), lead.name() + " frequency " + lead.frequency());
		}
		assertNotNull(read.warnings());
		read.annotations().ifPresent(list -> list.forEach(a -> assertNotNull(a.symbol())));
	}

	static void openModel(Path folder) throws IOException {
		BeatModel model = BeatModel.open(folder);
		assertTrue(model.window().length() >= 2);
		ConvKitRuntime runtime = ConvKitRuntime.get();
		try (Model loaded = model.spec().load(runtime.engine().getEngineName(), Device.cpu())) {
			assertNotNull(loaded.getBlock());
		}
	}

	static void openImage(Path folder, String name) {
		ImagePlus image = ImageFiles.open("image", folder.resolve(name));
		assertTrue(image.getWidth() > 0 && image.getHeight() > 0, "size " + image.getWidth() + "x" + image.getHeight());
		image.close();
	}

	// ---- case making

	/** Writes the files a case needs besides the damaged one. */
	interface Siblings {
		Siblings NONE = f -> {};

		void into(Path folder) throws IOException;
	}

	/** The untouched file, empty, cut at each point, bit-flipped and overwritten at random places. */
	static List<FuzzCase> damaged(String name, byte[] original, Random random, int[] cuts, int flips, int overwrites, Siblings siblings, FuzzCase.Read read) {
		List<FuzzCase> cases = new ArrayList<>();
		cases.add(replaced(name, "untouched", original, siblings, read));
		cases.add(replaced(name, "empty", new byte[0], siblings, read));
		for (int cut : cuts) {
			if (cut > 0 && cut < original.length) cases.add(replaced(name, "truncated at=" + cut, Mutations.truncate(original, cut), siblings, read));
		}
		for (int i = 0; i < flips; i++) {
			long seed = random.nextLong();
			byte[] b = original.clone();
			int bits = 1 + Math.floorMod(seed, 4);
			int at = Mutations.flipBits(b, new Random(seed), bits);
			cases.add(replaced(name, "bit-flip bits=" + bits + " seed=" + seed + " at=" + at, b, siblings, read));
		}
		for (int i = 0; i < overwrites; i++) {
			long seed = random.nextLong();
			byte[] b = original.clone();
			int count = 1 + Math.floorMod(seed, 16);
			int at = Mutations.randomBytes(b, new Random(seed), count);
			cases.add(replaced(name, "random-bytes count=" + count + " seed=" + seed + " at=" + at, b, siblings, read));
		}
		// a run of random bytes in the first 64 (where headers are)
		long seed = random.nextLong();
		byte[] b = original.clone();
		Mutations.randomRun(b, new Random(seed), 0, 64);
		cases.add(replaced(name, "random-head seed=" + seed, b, siblings, read));
		return cases;
	}

	static FuzzCase replaced(String name, String mutation, byte[] contents, Siblings siblings, FuzzCase.Read read) {
		return new FuzzCase(name + " " + mutation, name, f -> {
			siblings.into(f);
			Files.write(f.resolve(name), contents);
		}, read);
	}

	static FuzzCase textCase(String name, String mutation, String text, Siblings siblings) {
		return replaced(name, mutation, text.getBytes(StandardCharsets.ISO_8859_1), siblings, ReaderFuzzTest::readRecord);
	}

	/** Copies the record's other files (signal files, annotations, header) next to the damaged one. */
	static Siblings siblingsExcept(Path member, String except) throws IOException {
		String base = EcgFiles.baseName(member);
		List<Path> files = new ArrayList<>();
		Path hea = member.resolveSibling(base + ".hea");
		files.add(hea);
		files.add(member.resolveSibling(base + ".atr"));
		for (String s : signalFiles(hea)) files.add(hea.resolveSibling(s));
		return f -> {
			for (Path p : files) {
				String n = p.getFileName().toString();
				if (!n.equals(except) && Files.exists(p) && !Files.exists(f.resolve(n))) Files.copy(p, f.resolve(n));
			}
		};
	}

	static List<String> signalFiles(Path hea) throws IOException {
		return org.convkit.ecg.io.WfdbHeader.parse(hea).signals().stream().map(s -> s.fileName()).distinct().toList();
	}

	/** A random source per damaged file, from the fixed seed. */
	static Random random(String name) {
		return new Random(SEED * 31 + name.hashCode());
	}

	private Stream<DynamicTest> tests(List<FuzzCase> cases) {
		return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
			Path folder = Files.createDirectories(root.resolve("case-" + counter++));
			try {
				c.run(folder);
			}
			finally {
				try (Stream<Path> walk = Files.walk(folder)) {
					for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
				}
			}
		}));
	}

	static byte[] png() throws IOException {
		return Files.readAllBytes(require("style/photos/chelsea.png"));
	}

	static byte[] resource(String name) throws IOException {
		try (InputStream in = BeatModel.class.getResourceAsStream("/org/convkit/ecg/model/" + name)) {
			return in.readAllBytes();
		}
	}

	/** An EDF header field, space-padded. */
	static byte[] field(byte[] edf, int offset, int width, String value) {
		byte[] b = edf.clone();
		byte[] v = (value + " ".repeat(width - value.length())).getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(v, 0, b, offset, width);
		return b;
	}

	/** A PNG whose IHDR claims another size (CRC fixed, so only the size is wrong). */
	static byte[] pngSize(byte[] png, int width, int height) {
		byte[] b = png.clone();
		for (int i = 0; i < 4; i++) {
			b[16 + i] = (byte) (width >>> (24 - 8 * i));
			b[20 + i] = (byte) (height >>> (24 - 8 * i));
		}
		CRC32 crc = new CRC32();
		crc.update(b, 12, 17);
		long c = crc.getValue();
		for (int i = 0; i < 4; i++) b[29 + i] = (byte) (c >>> (24 - 8 * i));
		return b;
	}

	static byte[] concat(byte[] a, byte[] b) {
		byte[] out = new byte[a.length + b.length];
		System.arraycopy(a, 0, out, 0, a.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}
}
