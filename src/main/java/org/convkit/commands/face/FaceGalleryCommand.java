package org.convkit.commands.face;

import ij.measure.ResultsTable;
import org.convkit.commands.ConvKitCommand;
import org.convkit.face.FaceGallery;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;

/**
 * Plugins &gt; ConvKit &gt; Faces &gt; Face Gallery: lists the persons of a gallery, or removes one
 * (under the gallery's lock, from the file as it is then; a read-only gallery is refused).
 */
@Plugin(type = Command.class, menuPath = "Plugins>ConvKit>Faces>Face Gallery")
public class FaceGalleryCommand extends ConvKitCommand {

	static final String NAME_NEEDED = "name: expected the person to remove";
	static final String NOT_FOUND = "name: '%s' is not in the gallery %s; known: %s";

	@Parameter(description = "Gallery file (.json)")
	private File gallery;

	@Parameter(choices = { "list", "remove" })
	private String action = "list";

	@Parameter(required = false, description = "The person to remove")
	private String name = "";

	@Parameter(type = ItemIO.OUTPUT, label = "Gallery")
	private ResultsTable persons;

	@Override
	protected void execute() throws IOException {
		// Listing and removing compare no encodings: a gallery of any model (pretrained or trained) will do.
		FaceGallery people = FaceSupport.loadGallery(gallery, null);
		if (action.equals("remove")) {
			if (name == null || name.isBlank()) throw new IllegalArgumentException(NAME_NEEDED);
			FaceSupport.checkWritable(gallery);
			// Under the gallery's lock, on the file as it is then: an enrolment saved meanwhile stays.
			people = FaceSupport.update(gallery, false, null, g -> {
				if (!g.remove(name)) throw new IllegalArgumentException(String.format(NOT_FOUND, FaceGallery.shorten(name), gallery, g.knownNames()));
			});
		}
		persons = new ResultsTable();
		for (String person : people.names()) {
			persons.incrementCounter();
			persons.addValue("name", person);
			persons.addValue("encodings", people.encodings(person).size());
		}
	}
}
