package org.convkit.commands.face;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.convkit.commands.BatchCommand;
import org.convkit.face.FaceGallery;
import org.convkit.face.FacePipeline;
import org.convkit.face.PersonFolder;
import org.convkit.ij.io.ImageFiles;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plugins &gt; ConvKit &gt; Faces &gt; Enroll Face Folder: a folder of {@code person/*.png}
 * subfolders, each subfolder's name the person's. Images without exactly one face are skipped and
 * listed; a subfolder that cannot be a person (a name the gallery refuses, a folder that cannot be
 * read) or none of whose images gives a face is skipped, listed with the reason, and the others go
 * on. The faces are encoded first; then the gallery, read again under its lock, gets them all and is
 * saved once. The summary says how many persons were enrolled and skipped, with a line per skipped
 * subfolder; persons skipped count as failed items ({@link BatchCommand}).
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Faces>Enroll Face Folder")
public class EnrollFaceFolderCommand extends FaceCommand implements BatchCommand {

	static final String NOT_A_FOLDER = "folder: expected a folder of person subfolders with images, got %s";
	static final String NO_PERSONS = "folder: %s has no person subfolders with images (" + PersonFolder.IMAGE_TYPES + ")";
	/** A subfolder skipped: its name and why (logged, and the reason in the table's error column). */
	static final String SUBFOLDER_SKIPPED = "folder: subfolder '%s' skipped: %s";
	static final String NOT_ONE_FACE = "expected one face, found %d";
	static final String NO_FACE_ENROLLED = "none of its %d images gave one face";
	static final String SUMMARY = "%d of %d persons enrolled, %d skipped";
	static final String ENROLLED = "enrolled";
	static final String SKIPPED = "skipped";

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "Folder with one subfolder of images per person")
	private File folder;

	@Parameter(style = FileWidget.SAVE_STYLE, description = "Gallery file (.json); created if it does not exist")
	private File gallery;

	@Parameter(type = ItemIO.OUTPUT, label = "Enrolled")
	private ResultsTable enrolled;

	@Parameter(type = ItemIO.OUTPUT, label = "Summary")
	private String summary;

	@Parameter
	private LogService log;

	private int skippedPersons;
	private final List<String> skippedLines = new ArrayList<>();

	@Override
	public int failedItems() {
		return skippedPersons;
	}

	@Override
	protected void execute() throws IOException {
		skippedPersons = 0;
		skippedLines.clear();
		if (folder == null || !folder.isDirectory()) throw new IllegalArgumentException(String.format(NOT_A_FOLDER, folder));
		// Before any work: the gallery must be one this ConvKit can add to.
		FaceSupport.loadOrCreateGallery(gallery, encoder());
		FaceSupport.checkWritable(gallery);
		enrolled = new ResultsTable();
		Map<String, List<float[]>> encodings = new LinkedHashMap<>();
		int persons = 0;
		for (Path person : PersonFolder.persons(folder.toPath())) {
			String folderName = person.getFileName().toString();
			List<Path> images;
			String name;
			try {
				images = PersonFolder.images(person);
				if (images.isEmpty()) continue;
				name = FaceGallery.checkName(folderName);
			}
			catch (IllegalArgumentException | IOException | java.io.UncheckedIOException e) {
				persons++;
				skip(folderName, e.getMessage());
				continue;
			}
			persons++;
			List<float[]> found = new ArrayList<>();
			for (Path file : images) {
				String error = "";
				try {
					ImagePlus image = ImageFiles.open("folder", file);
					List<FacePipeline.Face> faces = faces(image, "image");
					if (faces.size() == 1) found.add(faces.get(0).encoding());
					else error = String.format(NOT_ONE_FACE, faces.size());
				}
				catch (IllegalArgumentException e) {
					error = e.getMessage();
				}
				row(name, folderName + "/" + file.getFileName(), error.isEmpty() ? ENROLLED : SKIPPED, error);
			}
			if (found.isEmpty()) skip(folderName, String.format(NO_FACE_ENROLLED, images.size()));
			else encodings.put(name, found);
		}
		if (persons == 0) throw new IllegalArgumentException(String.format(NO_PERSONS, folder));
		if (!encodings.isEmpty()) {
			FaceSupport.update(gallery, true, encoder(), g -> encodings.forEach((name, list) -> list.forEach(e -> g.enroll(name, e))));
		}
		StringBuilder text = new StringBuilder(String.format(SUMMARY, encodings.size(), persons, skippedPersons));
		for (String line : skippedLines) text.append('\n').append(line);
		summary = text.toString();
	}

	/** A person not enrolled: logged, and a row naming the subfolder with the reason. */
	private void skip(String folderName, String reason) {
		skippedPersons++;
		String line = String.format(SUBFOLDER_SKIPPED, FaceGallery.shorten(folderName), reason);
		skippedLines.add(line);
		if (log != null) log.warn(line);
		row(FaceGallery.shorten(folderName), FaceGallery.shorten(folderName) + "/", SKIPPED, reason);
	}

	private void row(String name, String file, String status, String error) {
		enrolled.incrementCounter();
		enrolled.addValue("name", name);
		enrolled.addValue("file", file);
		enrolled.addValue("status", status);
		enrolled.addValue("error", error);
	}

}
