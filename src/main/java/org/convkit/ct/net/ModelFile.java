package org.convkit.ct.net;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import org.convkit.core.runtime.ModelSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network saved by another framework, loaded through DJL's engine-neutral {@link Model#load}: a
 * TorchScript file ({@code .pt}, {@code .pth}, {@code .torchscript}) under the PyTorch engine, or an
 * MXNet symbol/parameters pair ({@code NAME-symbol.json} beside {@code NAME-NNNN.params}, as Gluon's
 * {@code export} writes them) under the MXNet engine. Either file of a pair names it. The network
 * takes a batch {@code (B, C, z, y, x)} and returns {@code (B, K, z, y, x)}.
 */
public record ModelFile(Path file, Format format, Path folder, String prefix) {

	/** The formats, and the DJL engine each needs. */
	public enum Format {
		TORCHSCRIPT("PyTorch", "a TorchScript file"), MXNET("MXNet", "an MXNet symbol/params pair");

		private final String engine;
		private final String words;

		Format(String engine, String words) {
			this.engine = engine;
			this.words = words;
		}

		public String engine() {
			return engine;
		}
	}

	static final String UNKNOWN = "model: %s is not a model ConvKit runs: expected a ConvKit model folder (" + VolumeModel.PROPERTIES
		+ "), a TorchScript file (.pt) or an MXNet NAME-symbol.json with its NAME-0000.params";
	static final String NO_PARAMS = "model: %s has no parameter file %s-NNNN.params beside it";
	static final String NO_SYMBOL = "model: %s has no symbol file %s beside it";
	static final String WRONG_ENGINE = "model: %s is %s, which the %s engine runs; ConvKit runs on %s now (choose the engine with -Dconvkit.engine=%s "
		+ "or CONVKIT_ENGINE=%s%s)";
	static final String NOT_LOADED = "model: %s could not be loaded by %s: %s";

	private static final Pattern PARAMS = Pattern.compile("(.+)-(\\d{4})\\.params");
	private static final String SYMBOL = "-symbol.json";

	/**
	 * The model a file names.
	 *
	 * @throws IllegalArgumentException naming the file when it is no model file, or half of a pair
	 */
	public static ModelFile of(Path file) throws IOException {
		Path abs = file.toAbsolutePath().normalize();
		String name = abs.getFileName().toString();
		String lower = name.toLowerCase(Locale.ROOT);
		Path folder = abs.getParent();
		if (lower.endsWith(".pt") || lower.endsWith(".pth") || lower.endsWith(".torchscript")) {
			return new ModelFile(abs, Format.TORCHSCRIPT, folder, name.substring(0, name.lastIndexOf('.')));
		}
		if (name.endsWith(SYMBOL)) {
			String prefix = name.substring(0, name.length() - SYMBOL.length());
			try (var files = Files.list(folder)) {
				if (files.noneMatch(p -> matchesPrefix(p, prefix)))
					throw new IllegalArgumentException(String.format(NO_PARAMS, file, prefix));
			}
			return new ModelFile(abs, Format.MXNET, folder, prefix);
		}
		Matcher m = PARAMS.matcher(name);
		if (m.matches()) {
			if (!Files.isRegularFile(folder.resolve(m.group(1) + SYMBOL)))
				throw new IllegalArgumentException(String.format(NO_SYMBOL, file, m.group(1) + SYMBOL));
			return new ModelFile(abs, Format.MXNET, folder, m.group(1));
		}
		throw new IllegalArgumentException(String.format(UNKNOWN, file));
	}

	private static boolean matchesPrefix(Path p, String prefix) {
		Matcher m = PARAMS.matcher(p.getFileName().toString());
		return m.matches() && m.group(1).equals(prefix);
	}

	/** Refuses to run on an engine that cannot load this format, before anything is loaded. */
	public void checkEngine(String engine) {
		if (format.engine.equalsIgnoreCase(engine)) return;
		String build = format == Format.TORCHSCRIPT ? "; the PyTorch engine is added by building with -Ppytorch" : "";
		throw new IllegalArgumentException(String.format(WRONG_ENGINE, file, format.words, format.engine, engine, format.engine, format.engine, build));
	}

	/** How the runtime loads it (once per engine and device); the id changes when the file does. */
	public ModelSpec spec() throws IOException {
		String id = "ct-file:" + format + ":" + file + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis();
		return new ModelSpec() {
			@Override
			public String id() {
				return id;
			}

			@Override
			public Model load(String engine, Device device) throws IOException {
				checkEngine(engine);
				Model model = Model.newInstance(prefix, device, engine);
				try {
					if (format == Format.TORCHSCRIPT) model.load(file);
					else model.load(folder, prefix);
					return model;
				}
				catch (MalformedModelException | IOException | RuntimeException e) {
					model.close();
					throw new IOException(String.format(NOT_LOADED, file, engine, e.getMessage() == null ? e.toString() : e.getMessage()), e);
				}
			}
		};
	}

	@Override
	public String toString() {
		return file.getFileName() + " (" + format.words + ")";
	}
}
