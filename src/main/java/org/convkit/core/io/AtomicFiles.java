package org.convkit.core.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.UUID;

/**
 * Writes files so that a reader never sees half of one: the content goes to a temporary file in the
 * same folder, which then replaces the target in one rename. A failed write leaves the old file (or
 * no file) and no temporary behind. A file that is replaced keeps its permissions (and owner, where
 * the user may set it); a read-only file is refused rather than replaced, since a rename would
 * bypass its mode.
 */
public final class AtomicFiles {

	static final String IS_FOLDER = "%s is a folder; expected a file name";
	static final String READ_ONLY = "%s is read-only; make it writable (chmod u+w) or write to another file";
	static final String FOLDER_NOT_WRITABLE = "cannot write in the folder %s (permission denied)";

	/** Writes the content to the path it is given. */
	@FunctionalInterface
	public interface Writer {
		void write(Path temporary) throws IOException;
	}

	private AtomicFiles() {}

	public static void write(Path target, Writer writer) throws IOException {
		Path folder = target.toAbsolutePath().getParent();
		Files.createDirectories(folder);
		if (Files.isDirectory(target)) throw new IOException(String.format(IS_FOLDER, target));
		if (isReadOnly(target)) throw new IOException(String.format(READ_ONLY, target));
		PosixFileAttributes existing = posixAttributes(target);
		String name = target.getFileName().toString();
		// Not created here, so the writer makes it with the user's usual permissions; the extension
		// stays last because some writers (ImageJ's) choose the format from it.
		Path temporary = folder.resolve("." + name + "." + UUID.randomUUID() + "." + extension(name));
		try {
			if (!canWriteIn(folder)) throw new IOException(String.format(FOLDER_NOT_WRITABLE, folder));
			try {
				writer.write(temporary);
			}
			catch (AccessDeniedException e) {
				throw new IOException(String.format(FOLDER_NOT_WRITABLE, folder), e);
			}
			if (!Files.exists(temporary) || Files.size(temporary) == 0) {
				throw new IOException("writing " + target + " produced no data");
			}
			if (existing != null) keepAttributes(temporary, existing);
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

	private static PosixFileAttributes posixAttributes(Path file) {
		if (!Files.isRegularFile(file)) return null;
		try {
			return Files.readAttributes(file, PosixFileAttributes.class);
		}
		catch (IOException | UnsupportedOperationException e) {
			return null;
		}
	}

	/**
	 * Whether an existing file may not be replaced: its owner's write bit is off. The mode, not
	 * access(2), decides, since access(2) passes every file for root; where there are no POSIX
	 * permissions, access(2) does. Commands ask before their work, so a refusal costs nothing.
	 */
	public static boolean isReadOnly(Path file) {
		if (!Files.isRegularFile(file)) return false;
		try {
			return !Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_WRITE);
		}
		catch (IOException | UnsupportedOperationException e) {
			return !Files.isWritable(file);
		}
	}

	/** Whether new files can be made in a folder, by the same rule (the mode counts, also for root). */
	public static boolean canWriteIn(Path folder) {
		return Files.isWritable(folder) && canCreateIn(folder);
	}

	/** A folder of one's own without its owner's write bit: root passes every access(2) check, so look at the mode too. */
	private static boolean canCreateIn(Path folder) {
		try {
			PosixFileAttributes attributes = Files.readAttributes(folder, PosixFileAttributes.class);
			return attributes.permissions().contains(PosixFilePermission.OWNER_WRITE)
				|| !attributes.owner().getName().equals(System.getProperty("user.name"));
		}
		catch (IOException | UnsupportedOperationException e) {
			return true;
		}
	}

	private static void keepAttributes(Path temporary, PosixFileAttributes existing) throws IOException {
		Files.setPosixFilePermissions(temporary, existing.permissions());
		PosixFileAttributeView view = Files.getFileAttributeView(temporary, PosixFileAttributeView.class);
		try {
			if (!view.getOwner().equals(existing.owner())) view.setOwner(existing.owner());
			if (!view.readAttributes().group().equals(existing.group())) view.setGroup(existing.group());
		}
		catch (IOException e) {
			// Only the superuser may give a file away; the permissions are kept either way.
		}
	}

	private static String extension(String name) {
		int dot = name.lastIndexOf('.');
		return dot < 0 ? "tmp" : name.substring(dot + 1);
	}
}
