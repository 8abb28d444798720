package org.convkit.face.train;

import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.face.FacePipeline;
import org.convkit.face.LabelledFaces;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The aligned chips of ORL's s1..s20 (../shared/data/faces), read once per JVM; tests skip without the data. */
public final class OrlChips {

	public static final Path ORL = Path.of("..", "shared", "data", "faces");
	/**
	 * Each ORL image resized to the chip: no detector or landmark network, so the 200 images are
	 * read in seconds (the figures in README use face_mode=detect, `convkit evaluate faces-train`).
	 */
	public static final FacePipeline.Options OPTIONS = new FacePipeline.Options(FacePipeline.Mode.CROPPED_RESIZE, 0.5, 416);
	private static LabelledFaces all;

	private OrlChips() {}

	public static synchronized LabelledFaces all() throws IOException {
		Assumptions.assumeTrue(Files.isDirectory(ORL), "ORL faces not found at " + ORL.toAbsolutePath() + ": skipping");
		if (all == null) all = LabelledFaces.read(ORL, ConvKitRuntime.get(), OPTIONS, 2);
		return all;
	}

	/** Persons s{from}..s{to}. */
	public static LabelledFaces persons(int from, int to) throws IOException {
		List<String> names = new ArrayList<>();
		for (int i = from; i <= to; i++) names.add("s" + i);
		return all().persons(names);
	}
}
