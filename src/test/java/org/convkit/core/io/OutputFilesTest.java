package org.convkit.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class OutputFilesTest {

	@Test
	void anInputIsNeverAnOutputEvenWithOverwriteOrThroughALink(@TempDir Path folder) throws IOException {
		Path atr = Files.writeString(folder.resolve("208.atr"), "reference");
		Path link = Files.createSymbolicLink(folder.resolve("alias.atr"), atr);
		for (Path target : List.of(atr, link, folder.resolve("sub/../208.atr"))) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> OutputFiles.check("output_annotations", target, true, List.of(folder.resolve("208.hea"), atr)));
			assertEquals(String.format(OutputFiles.IS_INPUT, "output_annotations", target, "208.atr"), e.getMessage());
		}
		assertEquals("reference", Files.readString(atr));
	}

	@Test
	void anExistingFileIsReplacedOnlyWhenAsked(@TempDir Path folder) throws IOException {
		Path csv = Files.writeString(folder.resolve("beats.csv"), "old");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputFiles.check("output_csv", csv, false, List.of()));
		assertEquals(String.format(OutputFiles.EXISTS, "output_csv", csv), e.getMessage());
		assertEquals(csv, OutputFiles.check("output_csv", csv, true, List.of()));
		Path fresh = folder.resolve("new.csv");
		assertEquals(fresh, OutputFiles.check("output_csv", fresh, false, List.of()));
	}

	@Test
	void aFolderOrAMissingFolderIsNamed(@TempDir Path folder) {
		IllegalArgumentException isFolder = assertThrows(IllegalArgumentException.class, () -> OutputFiles.check("output_csv", folder, true, List.of()));
		assertEquals(String.format(OutputFiles.IS_FOLDER, "output_csv", folder), isFolder.getMessage());
		Path nowhere = folder.resolve("missing/beats.csv");
		IllegalArgumentException noFolder = assertThrows(IllegalArgumentException.class, () -> OutputFiles.check("output_csv", nowhere, false, List.of()));
		assertEquals(String.format(OutputFiles.NO_FOLDER, "output_csv", folder.resolve("missing")), noFolder.getMessage());
	}
}
