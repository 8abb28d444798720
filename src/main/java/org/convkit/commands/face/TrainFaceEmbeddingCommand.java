package org.convkit.commands.face;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.convkit.face.FacePipeline;
import org.convkit.face.LabelledFaces;
import org.convkit.face.SliceLabels;
import org.convkit.face.train.EmbeddingModel;
import org.convkit.face.train.EmbeddingTrainer;
import org.convkit.face.train.TripletMining;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;

/**
 * Plugins &gt; ConvKit &gt; Faces &gt; Train Face Embedding: learns f(x) with the triplet loss on a
 * folder of {@code person/*} images, or on a stack with a labels table (the person of each slice)
 * ({@link EmbeddingTrainer}): from scratch or by fine-tuning the
 * pretrained network, with semi-hard, hard or random triplets over batches of P persons x K
 * images. The last {@code validation_persons} persons (in name order) are held out: never trained
 * on, they choose the epoch kept (early stopping) and the tau the model recommends. The model folder
 * is written only once training has succeeded; then {@code model=} gives it to every face command.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Faces>Train Face Embedding")
public class TrainFaceEmbeddingCommand extends FaceFindingCommand {

	static final String NO_MODEL = "model: expected a folder to save the trained embedding in";
	static final String NO_FACES = "folder: expected a folder of person subfolders, or image=<a stack> with labels=<a CSV file or table with a column 'label', one row per slice>";
	static final String FEW_PERSONS = "validation_persons: %d of the %d persons with two faces or more leaves %d to train on; expected at least 2";
	static final String CANCELED = "Train Face Embedding: canceled at epoch %d; nothing was saved";
	/** The fewest persons: two to train on (a negative exists), and the validation persons. */
	static final int MIN_TRAINING_PERSONS = 2;

	@Parameter(required = false, style = FileWidget.DIRECTORY_STYLE, description = "Folder with one subfolder of images per person; empty: the image and its labels")
	private File folder;

	@Parameter(required = false, description = "Without a folder: a stack of face images, the person of each slice given by labels")
	private ImagePlus image;

	@Parameter(required = false, description = "Without a folder: a CSV file (or an open table's title) with a column 'label', the person of each slice")
	private String labels = "";

	@Parameter(required = false, description = "Persons to use, e.g. 's1-s10' or 'ann, bob'; empty: every subfolder")
	private String persons = "";

	@Parameter(choices = { "scratch", "finetune" }, description = "scratch: a small network trained from random weights; finetune: the pretrained 128-D network")
	private String mode = "scratch";

	@Parameter(choices = { "semi_hard", "hard", "random" }, description = "Triplets: semi_hard (d(A,P) < d(A,N) < d(A,P) + margin), hard (the batch's hardest), random")
	private String mining = "semi_hard";

	@Parameter(min = "0.01", max = "2", description = "alpha: the margin between squared distances of positives and negatives")
	private double margin = 0.2;

	@Parameter(min = "2", max = "1000", description = "P: persons per batch")
	private int persons_per_batch = 8;

	@Parameter(min = "2", max = "1000", description = "K: images per person in a batch")
	private int images_per_person = 4;

	@Parameter(min = "1", max = "10000", description = "Passes over the training images")
	private int epochs = 30;

	@Parameter(min = "0", max = "1", description = "Learning rate (0: 0.001 for scratch, 0.00002 for finetune)")
	private double learning_rate = 0;

	@Parameter(choices = { "adam", "sgd" }, description = "Optimizer (sgd with momentum 0.9)")
	private String optimizer = "adam";

	@Parameter(min = "0", max = "14", description = "finetune: the first convolution and this many of the 14 residual units keep their pretrained weights")
	private int freeze_units = 7;

	@Parameter(min = "0", max = "1000", description = "Persons held out for validation (the last ones in name order): early stopping and tau; 0: none")
	private int validation_persons = 2;

	@Parameter(min = "0", max = "10000", description = "Stop after this many epochs without a better validation accuracy (0: run all epochs)")
	private int patience = 10;

	@Parameter(description = "Random seed (batches, flips, initialisation)")
	private long seed = 1;

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "Folder to save the embedding in (created if needed): embedding.params and embedding.json")
	private File model;

	@Parameter(description = "Save into a model folder that is not empty, replacing its embedding files")
	private boolean overwrite = false;

	@Parameter
	private LogService log;

	@Parameter(required = false)
	private StatusService status;

	@Parameter(type = ItemIO.OUTPUT, label = "Training")
	private ResultsTable training;

	@Parameter(type = ItemIO.OUTPUT, label = "Summary")
	private String summary;

	@Override
	protected void execute() throws IOException {
		if (isBlank(model)) throw new IllegalArgumentException(NO_MODEL);
		EmbeddingModel.Architecture architecture = EmbeddingModel.Architecture.fromKey(mode);
		EmbeddingTrainer.Config config = new EmbeddingTrainer.Config(architecture, TripletMining.fromKey(mining), margin, persons_per_batch,
			images_per_person, epochs, learning_rate > 0 ? learning_rate : EmbeddingTrainer.defaultLearningRate(architecture), optimizer, seed,
			freeze_units, patience);
		if (validation_persons == 1) throw new IllegalArgumentException(EmbeddingTrainer.ONE_VALIDATION_PERSON);
		boolean stack = isBlank(folder);
		if (stack && (image == null || labels == null || labels.isBlank())) throw new IllegalArgumentException(NO_FACES);
		FaceModelFolders.check("model", model.toPath(), overwrite, List.of(EmbeddingModel.PARAMETERS, EmbeddingModel.DESCRIPTOR), stack ? null : folder.toPath());
		FacePipeline.Options options = options();
		int minPersons = MIN_TRAINING_PERSONS + validation_persons;
		LabelledFaces faces = stack ? LabelledFaces.read(image.getTitle(), FaceSupport.planes(image, "image"), sliceLabels(), new FacePipeline(convKit.runtime()), options, minPersons)
			: LabelledFaces.read(folder.toPath(), persons, new FacePipeline(convKit.runtime()), options, minPersons);
		faces.skipped().forEach(line -> log.warn((stack ? "image: " : "folder: ") + line));
		List<String> names = faces.names();
		int train = names.size() - validation_persons;
		if (train < MIN_TRAINING_PERSONS) throw new IllegalArgumentException(String.format(FEW_PERSONS, validation_persons, names.size(), train));
		LabelledFaces trainingFaces = faces.persons(names.subList(0, train));
		LabelledFaces validation = validation_persons == 0 ? null : faces.persons(names.subList(train, names.size()));
		training = new ResultsTable();
		int[] at = { 0 };
		EmbeddingTrainer.Result result;
		try {
			result = new EmbeddingTrainer(config).train(trainingFaces, validation, new EmbeddingTrainer.Listener() {
				@Override
				public void epoch(EmbeddingTrainer.EpochLog e) {
					at[0] = e.epoch();
					training.incrementCounter();
					training.addValue("epoch", e.epoch());
					training.addValue("loss", e.loss());
					training.addValue("active_fraction", e.activeFraction());
					training.addValue("triplets", e.triplets());
					training.addValue("chips_per_s", e.chipsPerSecond());
					training.addValue("validation_accuracy", e.validationAccuracy());
					training.addValue("validation_tau", e.validationTau());
					log.info(e.toString());
					if (status != null) status.showStatus(e.epoch(), epochs, "Train Face Embedding: " + e);
				}

				@Override
				public boolean cancelled() {
					return isCanceled() || Thread.currentThread().isInterrupted();
				}
			});
		}
		catch (CancellationException e) {
			if (!isCanceled()) cancel(String.format(Locale.ROOT, CANCELED, at[0] + 1));
			return;
		}
		result.model().save(model.toPath());
		summary = String.format(Locale.ROOT, "trained a %s embedding with %s triplets on %d persons (%d faces)%s; epoch %d of %d kept, tau %.4f; saved to %s%s",
			mode, mining, train, trainingFaces.size(),
			validation == null ? ", no validation persons (tau chosen on the training persons)" : ", validated on " + validation.names(),
			result.bestEpoch(), result.log().size(), result.model().tau(), model,
			faces.skipped().isEmpty() ? "" : "\nskipped: " + String.join("\nskipped: ", faces.skipped()));
	}

	/** The labels of the stack's slices: a CSV file, or an open table of that title. */
	private List<String> sliceLabels() throws IOException {
		Path file = Path.of(labels.trim());
		if (Files.isRegularFile(file)) return SliceLabels.read(file);
		ResultsTable table = ResultsTable.getResultsTable(labels.trim());
		if (table != null) return SliceLabels.of(table, labels.trim());
		return SliceLabels.read(file); // names the missing file
	}
}
