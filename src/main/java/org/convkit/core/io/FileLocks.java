package org.convkit.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises the read-merge-write of a file that several commands (or JVMs) may update: an
 * exclusive lock on a sibling lock file ({@code .NAME.lock}, kept, empty) held around the whole
 * update, so each writer re-reads what the one before it wrote. The lock file, not the target, is
 * locked because the target is replaced by rename. In one JVM a per-path lock queues the threads
 * (a JVM may hold one lock per file).
 */
public final class FileLocks {

	/** An update done under the lock. */
	@FunctionalInterface
	public interface Update<T> {
		T apply() throws IOException;
	}

	private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

	private FileLocks() {}

	/** Runs the update while holding the file's lock, waiting for other holders first. */
	public static <T> T update(Path file, Update<T> update) throws IOException {
		Path target = file.toAbsolutePath().normalize();
		Path lockFile = lockFile(target);
		ReentrantLock local = IN_JVM.computeIfAbsent(target, p -> new ReentrantLock());
		local.lock();
		try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
			FileLock lock = channel.lock()) {
			return update.apply();
		}
		catch (OverlappingFileLockException e) {
			throw new IllegalStateException("lock on " + lockFile + " already held in this JVM", e);
		}
		finally {
			local.unlock();
		}
	}

	/** The path of the lock file that guards a file. */
	public static Path lockFile(Path file) {
		Path target = file.toAbsolutePath().normalize();
		return target.resolveSibling("." + target.getFileName() + ".lock");
	}
}
