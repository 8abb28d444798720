package org.convkit.commands.face;

import com.google.gson.JsonParser;
import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.convkit.commands.HeadlessCommands;
import org.convkit.commands.run.CommandFailedException;
import org.convkit.face.PairClassifier;
import org.convkit.face.train.EmbeddingModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Train Face Embedding, Train Pair Classifier and Evaluate Verification as every front end runs
 * them, on ORL persons of ../shared/data/faces (each image resized to the chip, face_mode=cropped_resize,
 * so a run takes seconds): what they save, how the other face commands use it, and the messages
 * bad input gets. Skipped without the shared data.
 */
class FaceTrainingCommandsTest {

	private static final Path ORL = Path.of("..", "shared", "data", "faces");

	@RegisterExtension
	static final HeadlessCommands commands = new HeadlessCommands();

	@TempDir
	Path temp;

	private static Map<String, Object> orl(Object... more) {
		assumeTrue(Files.isDirectory(ORL), "ORL faces not found at " + ORL.toAbsolutePath() + ": skipping");
		Map<String, Object> inputs = new HashMap<>(Map.of("folder", ORL.toFile(), "face_mode", "cropped_resize"));
		for (int i = 0; i < more.length; i += 2) inputs.put((String) more[i], more[i + 1]);
		return inputs;
	}

	/** Inputs of a command that reads images, not a folder (Verify Face, Recognize Faces). */
	private static Map<String, Object> image(Object... more) {
		Map<String, Object> inputs = orl(more);
		inputs.remove("folder");
		return inputs;
	}

	private static String failure(String title, Map<String, Object> inputs) {
		return assertThrows(CommandFailedException.class, () -> commands.run(title, inputs)).getMessage();
	}

	@Test
	void trainedEmbeddingAndClassifierServeTheFaceCommands() throws Exception {
		Path model = temp.resolve("model"), classifier = temp.resolve("classifier"), gallery = temp.resolve("gallery.json");
		Map<String, Object> out = commands.run("Train Face Embedding", orl("persons", "s1-s6", "epochs", 3, "validation_persons", 2,
			"mining", "hard", "model", model.toFile()));
		ResultsTable training = (ResultsTable) out.get("training");
		assertEquals(3, training.size(), "a row per epoch");
		for (int i = 0; i < 3; i++) {
			assertTrue(training.getValue("loss", i) >= 0);
			double active = training.getValue("active_fraction", i), accuracy = training.getValue("validation_accuracy", i);
			assertTrue(active >= 0 && active <= 1 && accuracy > 0 && accuracy <= 1, "epoch " + i + ": active " + active + ", validation accuracy " + accuracy);
		}
		assertTrue(((String) out.get("summary")).contains("validated on [s5, s6]"), (String) out.get("summary"));
		var descriptor = JsonParser.parseString(Files.readString(model.resolve(EmbeddingModel.DESCRIPTOR))).getAsJsonObject();
		assertEquals(EmbeddingModel.FORMAT, descriptor.get("format").getAsString());
		assertEquals("s1,s2,s3,s4", descriptor.getAsJsonObject("training").get("training_persons").getAsString());
		assertTrue(descriptor.get("tau").getAsDouble() > 0);

		// A second run into the same folder is refused, and leaves the model as it was.
		byte[] saved = Files.readAllBytes(model.resolve(EmbeddingModel.PARAMETERS));
		String refused = failure("Train Face Embedding", orl("persons", "s1-s4", "epochs", 1, "model", model.toFile()));
		assertTrue(refused.startsWith("model: " + model + " exists and is not empty"), refused);
		assertArrayEquals(saved, Files.readAllBytes(model.resolve(EmbeddingModel.PARAMETERS)));

		// Enrolled with the trained model, the gallery remembers it; the pretrained model is refused on it.
		commands.run("Enroll Face Folder", orl("folder", personsFolder("s7", "s8"), "gallery", gallery.toFile(), "model", model.toFile()));
		String encoder = JsonParser.parseString(Files.readString(gallery)).getAsJsonObject().get("encoder").getAsString();
		assertEquals(EmbeddingModel.open(model).id(), encoder);
		ImagePlus s7 = IJ.openImage(ORL.resolve("s7/10.pgm").toString());
		ResultsTable recognised = (ResultsTable) commands.run("Recognize Faces", image("image", s7, "gallery", gallery.toFile(), "model", model.toFile()))
			.get("recognition");
		assertEquals("s7", recognised.getStringValue("runner_up", 0).equals("s7") ? "s8" : "s7", "the nearest person is s7, the runner-up s8");
		String other = failure("Recognize Faces", image("image", s7, "gallery", gallery.toFile()));
		assertTrue(other.contains("holds encodings of '" + encoder + "'"), other);

		// The pair classifier on the pretrained encodings, used by Verify Face (y_hat) and refused with the trained model.
		Map<String, Object> trained = commands.run("Train Pair Classifier", orl("persons", "s1-s10", "classifier", classifier.toFile()));
		assertTrue(Files.isRegularFile(classifier.resolve(PairClassifier.FILE)));
		assertEquals(129, ((ResultsTable) trained.get("weights")).size(), "128 weights and the bias");
		Path pretrainedGallery = temp.resolve("pretrained.json");
		commands.run("Enroll Face Folder", orl("folder", personsFolder("s11", "s12"), "gallery", pretrainedGallery.toFile()));
		ImagePlus s11 = IJ.openImage(ORL.resolve("s11/10.pgm").toString());
		ResultsTable yes = (ResultsTable) commands.run("Verify Face", image("image", s11, "name", "s11", "gallery", pretrainedGallery.toFile(),
			"rule", "classifier", "classifier", classifier.toFile())).get("verification");
		ResultsTable no = (ResultsTable) commands.run("Verify Face", image("image", s11, "name", "s12", "gallery", pretrainedGallery.toFile(),
			"rule", "classifier", "classifier", classifier.toFile())).get("verification");
		double threshold = JsonParser.parseString(Files.readString(classifier.resolve(PairClassifier.FILE))).getAsJsonObject().get("threshold").getAsDouble();
		assertTrue(threshold > 0 && threshold < 1, "the threshold chosen on s1..s10's pairs: " + threshold);
		assertTrue(yes.getValue("probability", 0) >= threshold && yes.getValue("same", 0) == 1, "s11 is s11: y_hat " + yes.getValue("probability", 0));
		assertTrue(no.getValue("probability", 0) < threshold && no.getValue("same", 0) == 0, "s11 is not s12: y_hat " + no.getValue("probability", 0));
		String foreign = failure("Verify Face", image("image", s11, "name", "s11", "gallery", pretrainedGallery.toFile(), "rule", "classifier",
			"classifier", classifier.toFile(), "model", model.toFile()));
		assertTrue(foreign.startsWith("gallery: ") || foreign.startsWith("classifier: "), foreign);
	}

	@Test
	void evaluateVerificationSummarisesTheRocOfUnseenPersons() throws Exception {
		Path scores = temp.resolve("scores.csv"), roc = temp.resolve("roc.csv");
		Map<String, Object> out = commands.run("Evaluate Verification", orl("persons", "s11-s20", "output_csv", scores.toFile(), "output_roc_csv", roc.toFile()));
		ResultsTable summary = (ResultsTable) out.get("summary");
		assertEquals(4950, (int) summary.getValue("pairs", 0), "every pair of the 100 faces");
		for (String column : List.of("auc", "eer", "best_tau", "accuracy_at_tau", "accuracy_10fold", "accuracy_10fold_sd", "tar_at_far_1pct", "tar_at_far_0.1pct")) {
			assertTrue(summary.columnExists(column), column);
		}
		// The pretrained network on whole resized ORL images (face-api's resize pipeline): best tau 0.386, best accuracy 0.978 (README).
		assertTrue(summary.getValue("auc", 0) > 0.9, "auc " + summary.getValue("auc", 0));
		assertTrue(summary.getValue("accuracy_10fold", 0) > 0.9, "10-fold accuracy " + summary.getValue("accuracy_10fold", 0));
		assertEquals(0.6, summary.getValue("tau", 0), 1e-12, "the pretrained network's own tau");
		assertNotNull(out.get("roc"));
		assertEquals(4951, Files.readAllLines(scores).size(), "a header and a line per pair");
		assertEquals("first,second,same_person,distance,accepted", Files.readAllLines(scores).get(0));
		assertTrue(((String) out.get("recognition")).contains("closed-set accuracy"));
		List<String> curve = Files.readAllLines(roc);
		assertEquals("distance_threshold,false_accept_rate,true_accept_rate", curve.get(0));
		assertTrue(curve.get(curve.size() - 1).endsWith(",1.000000,1.000000"), "the curve ends at (1, 1)");

		// A pairs list: its line numbers name what is wrong.
		Path pairs = temp.resolve("pairs.txt");
		Files.writeString(pairs, "s11 1 2\ns11 1 s12 x\n");
		String bad = failure("Evaluate Verification", orl("pairs", pairs.toFile()));
		assertTrue(bad.startsWith("pairs: line 2 of " + pairs), bad);
		Files.writeString(pairs, "s11 1 2\ns12 3 4\ns11 1 s12 2\ns13 1 s14 5\n");
		ResultsTable listed = (ResultsTable) commands.run("Evaluate Verification", orl("pairs", pairs.toFile())).get("summary");
		assertEquals(4, (int) listed.getValue("pairs", 0));
		assertEquals(1, listed.getValue("auc", 0), 1e-12, "two clear same and two clear different pairs");
	}

	@Test
	void personsWithOneImageAreSkippedAndListed() throws Exception {
		Path folder = personsFolder("s1", "s2");
		Files.createDirectories(folder.resolve("solo"));
		Files.copy(ORL.resolve("s3/1.pgm"), folder.resolve("solo/1.pgm"));
		Path classifier = temp.resolve("c");
		String summary = (String) commands.run("Train Pair Classifier", orl("folder", folder.toFile(), "classifier", classifier.toFile())).get("summary");
		assertTrue(summary.contains("skipped: solo: skipped, only one image with a face (no positive pair)"), summary);
		String few = failure("Train Face Embedding", orl("folder", folder.toFile(), "model", temp.resolve("m").toFile()));
		assertTrue(few.startsWith("folder: " + folder + " has 2 person(s) with at least two faces; expected at least 4"), few);
		String kind = failure("Verify Face", image("image", IJ.openImage(ORL.resolve("s1/1.pgm").toString()), "name", "s1",
			"gallery", temp.resolve("none.json").toFile(), "model", classifier.toFile()));
		assertTrue(kind.startsWith("model: expected a folder holding embedding.params and embedding.json"), kind);
	}

	@Test
	void aStackWithALabelsTableTrainsAsAFolderWould() throws Exception {
		assumeTrue(Files.isDirectory(ORL), "ORL faces not found at " + ORL.toAbsolutePath() + ": skipping");
		// s1..s4 with four images each, and s5 with one (skipped: no positive pair), as a stack
		ij.ImageStack stack = new ij.ImageStack(92, 112);
		StringBuilder csv = new StringBuilder("slice,label\n");
		for (String person : List.of("s1", "s2", "s3", "s4", "s5")) {
			for (int i = 1; i <= (person.equals("s5") ? 1 : 4); i++) {
				stack.addSlice(person + "/" + i, IJ.openImage(ORL.resolve(person + "/" + i + ".pgm").toString()).getProcessor());
				csv.append(stack.size()).append(',').append(person).append('\n');
			}
		}
		ImagePlus faces = new ImagePlus("faces", stack);
		Path labels = temp.resolve("labels.csv"), model = temp.resolve("stack-model");
		Files.writeString(labels, csv);
		Map<String, Object> out = commands.run("Train Face Embedding", image("image", faces, "labels", labels.toString(), "epochs", 1,
			"validation_persons", 2, "persons_per_batch", 2, "model", model.toFile()));
		String summary = (String) out.get("summary");
		assertTrue(summary.contains("on 2 persons (8 faces), validated on [s3, s4]"), summary);
		assertTrue(summary.contains("skipped: s5: skipped, only one image with a face (no positive pair)"), summary);
		var training = JsonParser.parseString(Files.readString(model.resolve(EmbeddingModel.DESCRIPTOR))).getAsJsonObject().getAsJsonObject("training");
		assertEquals("s1,s2", training.get("training_persons").getAsString());

		Files.writeString(labels, "label\ns1\ns2\n");
		String count = failure("Train Face Embedding", image("image", faces, "labels", labels.toString(), "model", temp.resolve("m2").toFile()));
		assertEquals("labels: expected one label per slice, got 2 labels for 'faces' of 17 slices", count);
		Files.writeString(labels, "slice,person\n1,s1\n");
		String column = failure("Train Face Embedding", image("image", faces, "labels", labels.toString(), "model", temp.resolve("m2").toFile()));
		assertTrue(column.startsWith("labels: " + labels + " has no column 'label' (columns: [slice, person])"), column);
		String one = failure("Train Face Embedding", image("image", faces, "labels", labels.toString(), "validation_persons", 1, "model", temp.resolve("m2").toFile()));
		assertTrue(one.startsWith("validation_persons: expected 0 or at least 2"), one);
		String neither = failure("Train Face Embedding", image("model", temp.resolve("m2").toFile()));
		assertTrue(neither.startsWith("folder: expected a folder of person subfolders, or image=<a stack> with labels="), neither);
	}

	/** A folder holding copies of these ORL persons' subfolders. */
	private Path personsFolder(String... persons) throws IOException {
		assumeTrue(Files.isDirectory(ORL), "ORL faces not found at " + ORL.toAbsolutePath() + ": skipping");
		Path folder = Files.createTempDirectory(temp, "persons");
		for (String person : persons) {
			Files.createDirectories(folder.resolve(person));
			for (int i = 1; i <= 10; i++) Files.copy(ORL.resolve(person + "/" + i + ".pgm"), folder.resolve(person + "/" + i + ".pgm"));
		}
		return folder;
	}
}
