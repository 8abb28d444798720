package org.convkit.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
