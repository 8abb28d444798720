package org.convkit.bench;

import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.ecg.beats.BeatClassifier;
import org.convkit.ecg.beats.BeatDataset;
import org.convkit.ecg.beats.BeatModel;
import org.convkit.ecg.beats.BeatNet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The beat classifier in PyTorch (ecg_reference.py): the same BeatNet ensemble with the parameters
 * ConvKit's runtime loaded for the model, on the very inputs ConvKit's network reads for the same
 * beats, in batches of {@link BeatClassifier#BATCH}. Returns its time and its probabilities, to be
 * compared with {@link BeatClassifier#probabilities}.
 */
final class EcgReference {

	/** Median seconds to classify every beat, and the class probabilities (n x 5, row-major). */
	record Result(double seconds, int beats, float[] probabilities, Map<String, String> info) {}

	private EcgReference() {}

	static Result run(PythonReference reference, ConvKitRuntime runtime, BeatModel model, BeatDataset beats, int runs) throws IOException {
		Path folder = Files.createTempDirectory("convkit-ecg-reference");
		try {
			ParameterFile.write(runtime.model(model.spec()).getBlock(), folder);
			BeatNet.Batch batch = BeatNet.batch(beats, null, 0, beats.size(), model.rrFeatures());
			Path signal = folder.resolve("signal.f32"), features = folder.resolve("features.f32"), out = folder.resolve("probabilities.f32");
			Float32Files.write(signal, batch.signal());
			Float32Files.write(features, batch.features());
			String networks = model.property("networks") == null ? "1" : model.property("networks").trim();
			Map<String, String> result = PythonReference.line(reference.run("ecg_reference.py", folder.toString(), signal.toString(),
				features.toString(), "" + beats.size(), "" + beats.length(), networks, "" + BeatClassifier.BATCH, "" + runs, out.toString()), "seconds");
			return new Result(Double.parseDouble(result.get("seconds")), beats.size(), Float32Files.read(out), result);
		}
		finally {
			TempFolders.delete(folder);
		}
	}
}
