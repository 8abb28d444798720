package org.convkit.commands.ct;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

import org.convkit.ct.ValueKind;
import org.convkit.ct.net.VolumeModel;

/**
 * What the CT commands share about ConvKit model folders: opening one with messages that name the
 * option, recording what a model was trained on (value kind, third axis), and refusing a volume of
 * another kind (a model trained on CT in HU applied to MR intensities, or the reverse).
 */
public final class CtModels {

	/** Recipe keys the CT commands add to a trained model. */
	public static final String VALUES = "recipe.values", THIRD_AXIS = "recipe.third_axis", SOURCE = "recipe.source";

	static final String NO_MODEL = "model: expected a model folder (written by Train Denoiser or ConvKit's CT training)";
	static final String NOT_FOUND = "model: %s not found";
	static final String OTHER_VALUES = "image: '%s' holds %s, but the model %s was trained on %s; train a model on volumes of this kind";

	private CtModels() {}

	/** The ConvKit model in a folder, or a message naming the option. */
	public static VolumeModel open(Path folder) throws IOException {
		if (folder == null || folder.toString().isBlank()) throw new IllegalArgumentException(NO_MODEL);
		if (!Files.exists(folder)) throw new IllegalArgumentException(String.format(NOT_FOUND, folder));
		return VolumeModel.open(folder);
	}

	/** The model with what the CT commands record beside the trainer's recipe. */
	public static VolumeModel describe(VolumeModel m, ValueKind values, boolean timeAsDepth, String source) {
		Properties recipe = m.recipe();
		recipe.setProperty(VALUES, values.name());
		recipe.setProperty(THIRD_AXIS, timeAsDepth ? "t" : "z");
		recipe.setProperty(SOURCE, source);
		return m.withRecipe(recipe);
	}

	/** Refuses a volume whose values are of another kind than the model's training volumes (when the model says). */
	public static void checkValues(VolumeModel m, Path folder, VolumeStacks volume) {
		String trained = m.recipe().getProperty(VALUES);
		if (trained == null) return;
		ValueKind kind = ValueKind.parse(trained);
		if (kind != volume.kind()) {
			throw new IllegalArgumentException(String.format(OTHER_VALUES, volume.image().getTitle(), words(volume.kind(), volume.volume().notes()), folder,
				words(kind, null)));
		}
	}

	private static String words(ValueKind kind, java.util.List<String> notes) {
		String w = switch (kind) {
			case HOUNSFIELD -> "CT values (HU)";
			case LABELS -> "labels";
			case INTENSITY -> "intensities, not HU";
		};
		if (notes != null) {
			for (String note : notes) if (note.toLowerCase(Locale.ROOT).contains("modality")) return w + " (" + note + ")";
		}
		return w;
	}
}
