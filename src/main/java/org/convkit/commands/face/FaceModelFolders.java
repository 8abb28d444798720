package org.convkit.commands.face;

import org.convkit.commands.ModelFolders;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The folders the face trainers save into (an embedding, a pair classifier): checked before any work. */
final class FaceModelFolders {

	static final String NOT_A_FOLDER = "folder: expected a folder of person subfolders with images, got %s";
	static final String INSIDE_INPUT = "%s: %s is inside the image folder %s; choose a folder outside it (it would be read as a person)";

	private FaceModelFolders() {}

	/**
	 * {@link ModelFolders#check}, and refuses a folder inside the image folder, where it would be
	 * read as a person.
	 *
	 * @param files the files the save writes
	 */
	static void check(String parameter, Path folder, boolean overwrite, List<String> files, Path images) throws IOException {
		Path abs = folder.toAbsolutePath().normalize();
		if (images != null && abs.startsWith(images.toAbsolutePath().normalize())) {
			throw new IllegalArgumentException(String.format(INSIDE_INPUT, parameter, folder, images));
		}
		ModelFolders.check(parameter, folder, overwrite, List.of(), files);
	}
}
