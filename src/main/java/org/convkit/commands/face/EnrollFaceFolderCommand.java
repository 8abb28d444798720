package org.convkit.commands.face;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.convkit.face.FaceGallery;
import org.convkit.face.FacePipeline;
import org.convkit.ij.io.ImageFiles;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Plugins &gt; ConvKit &gt; Faces &gt; Enroll Face Folder: a folder of {@code person/*.png}
 * subfolders, each subfolder's name the person's. Images without exactly one face are skipped and
 * listed; the gallery is saved once, at the end.
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Faces>Enroll Face Folder")
public class EnrollFaceFolderCommand extends FaceCommand {

	static final String NOT_A_FOLDER = "folder: expected a folder of person subfolders with images, got %s";
	static final String NO_PERSONS = "folder: %s has no person subfolders with images (.tif, .png, .jpg, .pgm, .bmp, .gif)";

	@Parameter(style = FileWidget.DIRECTORY_STYLE, description = "Folder with one subfolder of images per person")
	private File folder;

	@Parameter(style = FileWidget.SAVE_STYLE, description = "Gallery file (.json); created if it does not exist")
	private File gallery;

	@Parameter(type = ItemIO.OUTPUT, label = "Enrolled")
	private ResultsTable enrolled;

	@Override
	protected void execute() throws IOException {
		if (folder == null || !folder.isDirectory()) throw new IllegalArgumentException(String.format(NOT_A_FOLDER, folder));
		FaceGallery people = FaceSupport.loadOrCreateGallery(gallery);
		enrolled = new ResultsTable();
		int persons = 0;
		for (Path person : sorted(folder.toPath(), Files::isDirectory)) {
			List<Path> images = sorted(person, EnrollFaceFolderCommand::isImage);
			if (images.isEmpty()) continue;
			String name = FaceGallery.checkName(person.getFileName().toString());
			persons++;
			for (Path file : images) {
				String status;
				try {
					ImagePlus image = ImageFiles.open("folder", file);
					List<FacePipeline.Face> faces = faces(image, "image");
					status = faces.size() == 1 ? "enrolled" : "skipped: " + faces.size() + " faces";
					if (faces.size() == 1) people.enroll(name, faces.get(0).encoding());
				}
				catch (IllegalArgumentException e) {
					status = "skipped: " + e.getMessage();
				}
				enrolled.incrementCounter();
				enrolled.addValue("name", name);
				enrolled.addValue("file", person.getFileName() + "/" + file.getFileName());
				enrolled.addValue("status", status);
			}
		}
		if (persons == 0) throw new IllegalArgumentException(String.format(NO_PERSONS, folder));
		people.save(gallery.toPath());
	}

	private static boolean isImage(Path file) {
		String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
		return Files.isRegularFile(file) && name.matches(".*\\.(tif|tiff|png|jpg|jpeg|pgm|bmp|gif)$");
	}

	private static List<Path> sorted(Path folder, java.util.function.Predicate<Path> filter) throws IOException {
		try (Stream<Path> entries = Files.list(folder)) {
			return entries.filter(filter).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
		}
	}
}
