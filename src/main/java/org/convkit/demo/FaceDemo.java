package org.convkit.demo;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.ImageProcessor;
import org.convkit.commands.run.CommandExecutor;
import org.convkit.core.io.SharedData;
import org.convkit.ij.io.ImageFiles;
import org.scijava.Context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Faces part: one-shot enrolment of the three persons of a bundled photo, then recognition on
 * a stack of that photo and its mirror image (a view the gallery never saw), with the overlay drawn;
 * with the shared ORL faces, the ROC curve of verification on persons s11..s20.
 */
final class FaceDemo implements DemoPart {

	private static final String PHOTO = "faces/group-of-three.jpg";
	private static final Path ORL = SharedData.resolve("faces");

	@Override
	public String title() {
		return "Faces: one-shot enrolment and recognition on a stack";
	}

	@Override
	public List<Item> run(Context context, Path folder) throws IOException {
		ImagePlus photo = bundledPhoto(folder);
		DemoPart.data("the bundled photo " + PHOTO + " (see its PROVENANCE.md)");
		CommandExecutor executor = new CommandExecutor(context);
		ResultsTable found = (ResultsTable) DemoPart.command(executor, "Detect Faces", Map.of("image", photo)).get("faces");
		Path gallery = folder.resolve("faces-gallery.json");
		Files.deleteIfExists(gallery);
		// Enrol each detected face from a rectangle ROI around it, as a user would.
		for (int row = 0; row < found.size(); row++) {
			photo.setRoi((int) found.getValue("x", row), (int) found.getValue("y", row), (int) found.getValue("w", row), (int) found.getValue("h", row));
			DemoPart.command(executor, "Enroll Face", Map.of("image", photo, "name", "person " + (row + 1), "gallery", gallery.toFile()));
		}
		photo.deleteRoi();
		ImagePlus stack = withMirror(photo);
		ResultsTable recognition = (ResultsTable) DemoPart.command(executor, "Recognize Faces", Map.of("image", stack, "gallery", gallery.toFile())).get("recognition");
		ImageFiles.saveCsv(recognition, folder.resolve("faces-recognition.csv"));
		List<Item> items = new ArrayList<>();
		for (int slice = 1; slice <= stack.getStackSize(); slice++) {
			stack.setSlice(slice);
			String name = "faces-slice" + slice + ".png";
			ImageFiles.savePng(stack, folder.resolve(name));
			items.add(new Item(name, slice == 1
				? "Slice 1: the photo; its " + found.size() + " faces were enrolled one-shot (person 1.." + found.size() + ")"
				: "Slice 2: the mirrored photo, recognized against the gallery (label: identity and distance)"));
		}
		items.add(new Item("faces-recognition.csv", "faces-recognition.csv: slice, box, identity, distance, runner-up"));
		items.add(new Item("faces-gallery.json", "faces-gallery.json: the gallery (encodings only, no images)"));
		items.addAll(verificationRoc(executor, folder));
		return items;
	}

	/** ORL's s11..s20 (100 faces, 4,950 pairs) through Evaluate Verification: the ROC curve of the pretrained network, when the data is there. */
	private static List<Item> verificationRoc(CommandExecutor executor, Path folder) throws IOException {
		if (!Files.isDirectory(ORL.resolve("s20"))) {
			DemoPart.data("no ROC curve: " + SharedData.missing(ORL));
			return List.of();
		}
		DemoPart.data("ORL faces s11..s20 (" + ORL + ") for the verification ROC curve");
		Path roc = folder.resolve("faces-roc.csv");
		Map<String, Object> out = DemoPart.command(executor, "Evaluate Verification", Map.of("folder", ORL.toFile(), "persons", "s11-s20",
			"face_mode", "detect", "input_size", 128, "min_score", 0.3, "output_roc_csv", roc.toFile(), "overwrite", true));
		ResultsTable summary = (ResultsTable) out.get("summary");
		ImageFiles.savePng((ImagePlus) out.get("roc"), folder.resolve("faces-roc.png"));
		ImageFiles.saveCsv(summary, folder.resolve("faces-verification.csv"));
		return List.of(new Item("faces-roc.png", String.format(java.util.Locale.ROOT,
				"Verification ROC of the pretrained network on ORL s11..s20 (%d pairs): AUC %.4f, EER %.4f, 10-fold accuracy %.4f",
				(int) summary.getValue("pairs", 0), summary.getValue("auc", 0), summary.getValue("eer", 0), summary.getValue("accuracy_10fold", 0))),
			new Item("faces-verification.csv", "faces-verification.csv: Evaluate Verification's summary (auc, eer, best_tau, accuracy_10fold, tar_at_far_1pct, ...)"),
			new Item("faces-roc.csv", "faces-roc.csv: the ROC curve (distance threshold, false- and true-accept rate)"));
	}

	private static ImagePlus bundledPhoto(Path folder) throws IOException {
		Path copy = folder.resolve("faces-photo.jpg");
		try (InputStream in = FaceDemo.class.getResourceAsStream(PHOTO)) {
			if (in == null) throw new IOException("the demo photo " + PHOTO + " is missing from the jar");
			Files.write(copy, in.readAllBytes());
		}
		ImagePlus photo = IJ.openImage(copy.toString());
		if (photo == null) throw new IOException("cannot read the demo photo " + copy);
		return photo;
	}

	private static ImagePlus withMirror(ImagePlus photo) {
		ImageStack stack = new ImageStack(photo.getWidth(), photo.getHeight());
		stack.addSlice("photo", photo.getProcessor().duplicate());
		ImageProcessor mirror = photo.getProcessor().duplicate();
		mirror.flipHorizontal();
		stack.addSlice("mirrored", mirror);
		return new ImagePlus("group-of-three", stack);
	}
}
