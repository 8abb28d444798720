package org.convkit.face.eval;

import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.face.FaceMatcher;
import org.convkit.face.FacePipeline;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * ConvKit's face pipeline against face-api.js's on the same ORL pairs (s1..s20 of ../shared/data):
 * resizing whole images must give face-api's descriptors; detection with aligned chips must be no
 * worse than face-api's detection pipeline.
 */
class OrlAccuracyTest {

	private static final Path ORL = Path.of("..", "shared", "data", "faces");

	private static OrlFaces orl() throws IOException {
		Assumptions.assumeTrue(Files.isDirectory(ORL), "ORL faces not found at " + ORL.toAbsolutePath() + ": skipping the accuracy test");
		return OrlFaces.open(ORL);
	}

	@Test
	void wholeImagesGiveFaceApisDescriptors() throws IOException {
		Map<String, List<float[]>> ours = OrlEvaluation.encode(orl(), ConvKitRuntime.get(),
			new FacePipeline.Options(FacePipeline.Mode.CROPPED_RESIZE, 0.5, 416));
		Map<String, List<float[]>> faceApi = OrlEvaluation.faceApi("whole_image");
		assertEquals(faceApi.keySet(), ours.keySet());
		double worst = 0;
		for (String person : ours.keySet()) {
			for (int i = 0; i < ours.get(person).size(); i++) {
				float[] a = ours.get(person).get(i), b = faceApi.get(person).get(i);
				for (int k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
			}
		}
		assertTrue(worst < 1e-4, "largest difference to face-api's descriptor component: " + worst);
	}

	@Test
	void detectionPipelineIsNoWorseThanFaceApis() throws IOException {
		FaceEvaluation ours = FaceEvaluation.of(OrlEvaluation.encode(orl(), ConvKitRuntime.get(),
			new FacePipeline.Options(FacePipeline.Mode.DETECT, 0.3, 128)), FaceMatcher.DEFAULT_TAU);
		FaceEvaluation faceApi = FaceEvaluation.of(OrlEvaluation.faceApi("detect"), FaceMatcher.DEFAULT_TAU);
		System.out.println("ConvKit, face_mode=detect input_size=128 on ORL s1..s20:\n" + ours.report());
		assertEquals(faceApi.missing(), ours.missing(), "faces found: the same detector");
		assertTrue(ours.verification().atTau().accuracy() >= faceApi.verification().atTau().accuracy(),
			"verification accuracy at tau 0.6: ours " + ours.verification().atTau().accuracy() + ", face-api " + faceApi.verification().atTau().accuracy());
		assertTrue(ours.verification().bestAccuracy().rates().accuracy() >= faceApi.verification().bestAccuracy().rates().accuracy());
		assertTrue(ours.closedSet().meanAccuracy() >= faceApi.closedSet().meanAccuracy(),
			"one-shot closed-set accuracy: ours " + ours.closedSet().meanAccuracy() + ", face-api " + faceApi.closedSet().meanAccuracy());
		assertTrue(ours.openSet().meanFalseAcceptRate() <= faceApi.openSet().meanFalseAcceptRate(),
			"open-set false accepts: ours " + ours.openSet().meanFalseAcceptRate() + ", face-api " + faceApi.openSet().meanFalseAcceptRate());
		assertTrue(ours.closedSet().meanAccuracy() > 0.98, "closed-set accuracy " + ours.closedSet().meanAccuracy());
	}
}
