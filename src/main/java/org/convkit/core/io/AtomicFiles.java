package org.convkit.core.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Writes files so that a reader never sees half of one: the content goes to a temporary file in the
 * same folder, which then replaces the target in one rename. A failed write leaves the old file (or
 * no file) and no temporary behind.
 */
public final class AtomicFiles {

	/** Writes the content to the path it is given. */
	@FunctionalInterface
	public interface Writer {
		void write(Path temporary) throws IOException;
	}

	private AtomicFiles() {}

	public static void write(Path target, Writer writer) throws IOException {
		Path folder = target.toAbsolutePath().getParent();
		Files.createDirectories(folder);
		String name = target.getFileName().toString();
		// Not created here, so the writer makes it with the user's usual permissions; the extension
		// stays last because some writers (ImageJ's) choose the format from it.
		Path temporary = folder.resolve("." + name + "." + UUID.randomUUID() + "." + extension(name));
		try {
			writer.write(temporary);
			if (!Files.exists(temporary) || Files.size(temporary) == 0) {
				throw new IOException("writing " + target + " produced no data");
			}
			try {
				Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException e) {
				Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	/** Writes text as UTF-8. */
	public static void writeString(Path target, String text) throws IOException {
		write(target, temporary -> Files.writeString(temporary, text));
	}

	private static String extension(String name) {
		int dot = name.lastIndexOf('.');
		return dot < 0 ? "tmp" : name.substring(dot + 1);
	}
}
