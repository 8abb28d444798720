package org.convkit.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.*;

class AtomicFilesTest {

	@Test
	void replacesTheTargetWhole(@TempDir Path folder) throws IOException {
		Path target = folder.resolve("table.csv");
		AtomicFiles.writeString(target, "old");
		AtomicFiles.writeString(target, "new");
		assertEquals("new", Files.readString(target));
		assertEquals(1, Files.list(folder).count(), "no temporary file is left");
	}

	@Test
	void aFailedWriteKeepsTheOldFileAndLeavesNothingElse(@TempDir Path folder) throws IOException {
		Path target = folder.resolve("result.tif");
		AtomicFiles.writeString(target, "complete");
		IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, temporary -> {
			Files.writeString(temporary, "half");
			throw new IOException("disk full");
		}));
		assertEquals("disk full", e.getMessage());
		assertEquals("complete", Files.readString(target));
		assertEquals(1, Files.list(folder).count());
	}

	@Test
	void aWriterThatWritesNothingIsAnError(@TempDir Path folder) {
		Path target = folder.resolve("empty.png");
		IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, temporary -> {}));
		assertEquals("writing " + target + " produced no data", e.getMessage());
		assertFalse(Files.exists(target));
	}

	@Test
	void aReadOnlyFileIsRefusedAndKeepsItsModeAndContent(@TempDir Path folder) throws IOException {
		Path gallery = Files.writeString(folder.resolve("gallery.json"), "{}");
		Files.setPosixFilePermissions(gallery, PosixFilePermissions.fromString("r--r--r--"));
		IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(gallery, "{\"new\": 1}"));
		assertEquals(String.format(AtomicFiles.READ_ONLY, gallery), e.getMessage());
		assertEquals("{}", Files.readString(gallery));
		assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(gallery)));
		assertEquals(1, Files.list(folder).count());
	}

	@Test
	void aReplacedFileKeepsItsPermissions(@TempDir Path folder) throws IOException {
		Path shared = Files.writeString(folder.resolve("shared.csv"), "old");
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-rw----"));
		AtomicFiles.writeString(shared, "new");
		assertEquals("new", Files.readString(shared));
		assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
	}

	@Test
	void aFolderTargetOrAReadOnlyFolderIsNamedNotTheTemporaryFile(@TempDir Path folder) throws IOException {
		IOException isFolder = assertThrows(IOException.class, () -> AtomicFiles.writeString(folder, "x"));
		assertEquals(String.format(AtomicFiles.IS_FOLDER, folder), isFolder.getMessage());
		Path locked = Files.createDirectory(folder.resolve("locked"));
		Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
		IOException readOnly = assertThrows(IOException.class, () -> AtomicFiles.writeString(locked.resolve("out.csv"), "x"));
		assertEquals(String.format(AtomicFiles.FOLDER_NOT_WRITABLE, locked), readOnly.getMessage());
		Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
		assertEquals(0, Files.list(locked).count());
	}
}
