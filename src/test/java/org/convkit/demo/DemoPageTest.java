package org.convkit.demo;

import org.convkit.core.io.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DemoPageTest {

	@Test
	void picturesAreLinkedToTheirFilesAndShownAtAReadableSize() {
		DemoPage page = new DemoPage();
		page.section("ECG <1-D>", List.of(new DemoPart.Item("ecg-predicted.png", "Predicted & reference"), new DemoPart.Item("ecg-beats.csv", "beats")));
		String html = page.finish("MXNet");
		assertTrue(html.contains("<figure><a href=\"ecg-predicted.png\"><img src=\"ecg-predicted.png\" alt=\"Predicted &amp; reference\"></a>"), html);
		assertTrue(html.contains("<p><a href=\"ecg-beats.csv\">beats</a></p>"), html);
		assertTrue(html.contains("<h2>ECG &lt;1-D&gt;</h2>"), html);
		// Was width:320px for every picture: axis text and face labels could not be read.
		assertFalse(html.contains("width:320px"), html);
		assertTrue(html.contains("img{max-width:100%;min-width:480px;height:auto"), html);
	}

	@Test
	void theDataFolderIsTheProjectsNotTheCurrentFolders(@TempDir Path elsewhere) {
		String home = System.getProperty(SharedData.HOME), data = System.getProperty(SharedData.PROPERTY);
		try {
			System.clearProperty(SharedData.PROPERTY);
			System.setProperty(SharedData.HOME, elsewhere.resolve("project").toString());
			assertEquals(elsewhere.resolve("shared/data"), SharedData.folder(), "beside the project the launcher names");
			System.setProperty(SharedData.PROPERTY, elsewhere.resolve("mine").toString());
			assertEquals(elsewhere.resolve("mine/mitdb/208.hea"), SharedData.resolve("mitdb/208.hea"), "the user's setting first");
			assertTrue(SharedData.missing(SharedData.resolve("mitdb/208.hea")).endsWith("; set CONVKIT_DATA to the data folder to use it"));
		}
		finally {
			if (home == null) System.clearProperty(SharedData.HOME); else System.setProperty(SharedData.HOME, home);
			if (data == null) System.clearProperty(SharedData.PROPERTY); else System.setProperty(SharedData.PROPERTY, data);
		}
	}
}
