package org.convkit.commands.ecg;

import ai.djl.Model;
import ij.measure.ResultsTable;
import org.convkit.commands.ConvKitCommand;
import org.convkit.commands.ModelFolders;
import org.convkit.core.runtime.MemoryGuard;
import org.convkit.ecg.EcgFiles;
import org.convkit.ecg.beats.BeatCalibration;
import org.convkit.ecg.beats.BeatDataset;
import org.convkit.ecg.beats.BeatMemory;
import org.convkit.ecg.beats.BeatModel;
import org.convkit.ecg.beats.BeatTrainer;
import org.convkit.ecg.beats.DecisionBias;
import org.convkit.ecg.beats.LabelledRecords;
import org.convkit.ecg.beats.RecordAdaptation;
import org.convkit.ecg.beats.RrFeatures;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Plugins &gt; ConvKit &gt; ECG &gt; Train ECG Classifier: trains the 1-D CNN beat classifier on WFDB
 * records with reference annotations and saves it as a model folder for Classify ECG Beats: an
 * ensemble of {@code networks} networks, each trained with its own seed. With validation records
 * (other patients), each network is kept at its epoch with the best validation macro F1, and each
 * epoch's validation figures are reported. With {@code calibration_folds} (default 0: none), a
 * cross-validation by patient over the training records first chooses the model's decision bias
 * ({@link org.convkit.ecg.beats.BeatCalibration}).
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>ECG>Train ECG Classifier")
public class TrainEcgClassifierCommand extends ConvKitCommand {

	static final String NO_TRAINING = "records: no training records are left once the validation records are set aside";
	static final String OVERLAP = "validation_records: record %s is also a training record; validation must be other patients";
	static final String FEW_BEATS = "records: the training records %s hold %d beats to learn from; expected at least 2 (a beat needs a reference beat "
		+ "annotation, a whole window and a beat on either side)";
	static final String NO_VALIDATION_BEATS = "validation_records: the validation records %s hold no beats to score (a beat needs a reference beat "
		+ "annotation, a whole window and a beat on either side); choose others, or none";
	static final String NO_REFERENCE_RECORD = "record_adaptation: dominant needs a training record of at least %d beats for its reference "
		+ "(the training records' dominant beats); the longest of %s has %d; set record_adaptation=mean or off";
	static final String NO_MODEL = "model: expected a folder to save the trained model in";
	static final String MODEL_NOT_EMPTY = String.format(ModelFolders.NOT_EMPTY, "model", "%s", "%s", BeatModel.PARAMETERS + " and " + BeatModel.PROPERTIES);
	static final String MODEL_IS_FILE = String.format(ModelFolders.IS_FILE, "model", "%s");

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "Folder of WFDB records with reference annotations (.hea, .dat, .atr)")
	private File folder;

	@Parameter(required = false, description = "Training records, e.g. '101, 106' or DS1; empty: every annotated record in the folder not used for validation")
	private String records = "";

	@Parameter(required = false, description = "Validation records (other patients), for early stopping; empty: none")
	private String validation_records = "";

	@Parameter(min = "1", max = "200", description = "Passes over the training beats")
	private int epochs = BeatTrainer.Config.DEFAULT.epochs();

	@Parameter(min = "2", max = "4096", description = "Beats per training step")
	private int batch_size = BeatTrainer.Config.DEFAULT.batchSize();

	@Parameter(min = "0.000001", max = "1", description = "Adam learning rate")
	private double learning_rate = BeatTrainer.Config.DEFAULT.learningRate();

	@Parameter(min = "1", max = "1000", description = "Largest class weight (inverse class frequency, capped); 1: no weighting")
	private double weight_cap = BeatTrainer.Config.DEFAULT.weightCap();

	@Parameter(min = "0", max = "5", description = "Focal loss gamma: beats the network already classifies with probability p count (1 - p)^gamma as much; 0: weighted cross-entropy")
	private double focal_gamma = BeatTrainer.Config.DEFAULT.focalGamma();

	@Parameter(min = "0.01", max = "1", description = "Fraction of the N beats used (1: all)")
	private double normal_fraction = BeatTrainer.Config.DEFAULT.normalFraction();

	@Parameter(min = "0", max = "0.5", description = "Fraction of N beats per batch turned into synthetic premature (S) beats")
	private double premature_fraction = BeatTrainer.Config.DEFAULT.prematureFraction();

	@Parameter(min = "0", max = "1", description = "Fraction of beats per batch given another patient's gain (0.8-1.25), baseline wander and band-limited "
		+ "noise (up to 3% of the beat's amplitude); 0: none")
	private double signal_jitter = BeatTrainer.Config.DEFAULT.signalJitter();

	@Parameter(min = "1", max = "20", description = "Networks in the ensemble, each trained with its own seed and N sample; the classifier averages their probabilities")
	private int networks = BeatTrainer.Config.DEFAULT.networks();

	@Parameter(min = "0", max = "10", description = "Patient-wise folds over the training records on which the decision bias is chosen (0: none, else at least 2; "
		+ "each fold trains the ensemble once more)")
	private int calibration_folds = BeatCalibration.DEFAULT_FOLDS;

	@Parameter(required = false, description = "How the model adapts to each record's own unlabelled beats before classifying them: "
		+ "dominant (its dominant beats against the training records', saved with the model), mean (the record's BatchNorm means), off")
	private String record_adaptation = RecordAdaptation.RECIPE;

	@Parameter(description = "Random seed (shuffling, initialisation, sampling)")
	private long seed = BeatTrainer.Config.DEFAULT.seed();

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "Folder to save the model in (created if needed); its beatnet.params and beatnet.properties are replaced once training succeeds, other files stay")
	private File model;

	@Parameter(description = "Save into a model folder that is not empty, replacing its beatnet.params and beatnet.properties")
	private boolean overwrite = false;

	@Parameter
	private LogService log;

	@Parameter(type = ItemIO.OUTPUT, label = "Training")
	private ResultsTable training;

	@Parameter(type = ItemIO.OUTPUT, label = "Summary")
	private String summary;

	@Override
	protected void execute() throws IOException {
		if (EcgCommandSupport.isBlank(model)) throw new IllegalArgumentException(NO_MODEL);
		RecordAdaptation adaptation;
		try {
			adaptation = RecordAdaptation.parse(record_adaptation == null || record_adaptation.isBlank() ? RecordAdaptation.OFF : record_adaptation);
		}
		catch (IllegalArgumentException e) {
			throw new IllegalArgumentException("record_adaptation: " + e.getMessage(), e);
		}
		if (!(signal_jitter >= 0 && signal_jitter <= 1))
			throw new IllegalArgumentException(String.format(Locale.ROOT, BeatTrainer.Config.SIGNAL_JITTER_RANGE, "signal_jitter", signal_jitter));
		BeatTrainer.Config config = new BeatTrainer.Config(epochs, batch_size, (float) learning_rate, seed, weight_cap, normal_fraction, premature_fraction,
			networks, focal_gamma, signal_jitter);
		Path data = folder == null ? null : folder.toPath();
		List<String> validation = validation_records == null || validation_records.isBlank() ? List.of()
			: LabelledRecords.names(data, validation_records, "validation_records");
		List<String> train = new ArrayList<>(new java.util.LinkedHashSet<>(LabelledRecords.names(data, records, "records"))); // once each
		if (records == null || records.isBlank()) train.removeAll(validation);
		for (String name : validation) if (new HashSet<>(train).contains(name)) throw new IllegalArgumentException(String.format(OVERLAP, name));
		if (train.isEmpty()) throw new IllegalArgumentException(NO_TRAINING);
		List<Path> inputs = new ArrayList<>();
		for (String name : train) inputs.addAll(EcgFiles.inputFiles(data.resolve(name + ".hea")));
		for (String name : validation) inputs.addAll(EcgFiles.inputFiles(data.resolve(name + ".hea")));
		checkModelFolder(model.toPath(), overwrite, inputs);
		String folds = BeatCalibration.checkFolds(calibration_folds, train.size());
		if (folds != null) throw new IllegalArgumentException("calibration_folds: " + folds);
		BeatDataset.Options window = BeatDataset.Options.DEFAULT;
		List<String> all = new ArrayList<>(train);
		all.addAll(validation);
		double seconds = BeatMemory.seconds(data, all);
		MemoryGuard.check("records", String.format(Locale.ROOT, "training on %d records (%.1f hours of signal)", all.size(), seconds / 3600),
			BeatMemory.ENGINE_BYTES, BeatMemory.trainingHeapBytes(seconds, window), (physical, heap) -> "train on fewer records, or raise the heap");
		BeatDataset trainBeats = read(data, train, window), validationBeats = validation.isEmpty() ? null : read(data, validation, window);
		if (trainBeats.size() < 2) throw new IllegalArgumentException(String.format(FEW_BEATS, train, trainBeats.size()));
		if (validationBeats != null && validationBeats.size() == 0) throw new IllegalArgumentException(String.format(NO_VALIDATION_BEATS, validation));
		if (adaptation != null && adaptation.needsReference()) {
			int longest = train.stream().mapToInt(name -> trainBeats.ofRecords(name::equals).size()).max().orElse(0);
			if (!RecordAdaptation.adapts(longest)) throw new IllegalArgumentException(String.format(NO_REFERENCE_RECORD, RecordAdaptation.MIN_BEATS, train, longest));
		}
		DecisionBias bias = calibration_folds > 0 ? BeatCalibration.calibrate(trainBeats, validationBeats, config, calibration_folds, adaptation, log::info) : DecisionBias.NONE;
		training = new ResultsTable();
		try (Model trained = BeatTrainer.train(trainBeats, validationBeats, config, e -> {
			training.incrementCounter();
			training.addValue("network", e.network());
			training.addValue("epoch", e.epoch());
			training.addValue("loss", e.loss());
			training.addValue("beats", e.beats());
			training.addValue("seconds", e.seconds());
			training.addValue("beats_per_s", e.beatsPerSecond());
			training.addValue("validation_accuracy", e.validationAccuracy());
			training.addValue("validation_macro_F1", e.validationMacroF1());
			log.info(e.toString());
		})) {
			Properties recipe = new Properties();
			recipe.setProperty("training.records", String.join(",", train));
			recipe.setProperty("training.validation_records", String.join(",", validation));
			recipe.setProperty("training.config", config.toString());
			recipe.setProperty("training.beats", String.valueOf(trainBeats.size()));
			recipe.setProperty("training.calibration_folds", String.valueOf(calibration_folds));
			// the dominant-beat reference: the training records' dominant beats at each BatchNorm of the trained networks
			RecordAdaptation saved = RecordAdaptation.forTrained(adaptation, trained, trainBeats, RrFeatures.CURRENT);
			EcgCommandSupport.write("model", () -> BeatModel.save(trained, bias, window, saved, recipe, model.toPath()));
		}
		summary = String.format(Locale.ROOT, "trained %d network%s on %d beats of %d records%s for %d epochs; saved to %s", networks,
			networks == 1 ? "" : "s", trainBeats.size(), train.size(),
			validation.isEmpty() ? "" : " (validation: " + validation.size() + " records, best epoch kept)", epochs, model)
			+ "; record adaptation " + (RecordAdaptation.formatOrOff(adaptation))
			+ (calibration_folds > 0 ? "; decision bias " + bias.format() + " chosen on " + calibration_folds + " patient-wise folds" : "");
	}

	/** {@link ModelFolders#check} for the ECG model's two files. */
	static void checkModelFolder(Path folder, boolean overwrite, List<Path> inputs) throws IOException {
		ModelFolders.check("model", folder, overwrite, inputs, List.of(BeatModel.PARAMETERS, BeatModel.PROPERTIES));
	}

	private static BeatDataset read(Path folder, List<String> names, BeatDataset.Options window) throws IOException {
		List<BeatDataset> parts = new ArrayList<>();
		for (String name : names) parts.add(LabelledRecords.read(folder, name, window));
		return BeatDataset.concat(parts);
	}
}
