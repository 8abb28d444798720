package org.convkit.ct.net;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.ndarray.types.Shape;
import org.convkit.core.io.AtomicFiles;
import org.convkit.core.runtime.ConvKitRuntime;
import org.convkit.core.runtime.MemoryGuard;
import org.convkit.core.runtime.ModelSpec;
import org.convkit.core.tensor.TileGrid;
import org.convkit.core.tensor.TiledProcessor;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Consumer;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.converter.Converters;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * A trained 3-D network as ConvKit keeps it: the {@link UNet3d.Config}, its parameters
 * ({@link ai.djl.nn.Block#saveParameters}, engine-neutral) and what running it needs: the task,
 * the intensity normalisation, tile and overlap defaults, the voxel spacing it was trained at, and
 * the training recipe. Held in memory after training; {@link #save} writes a folder of
 * {@value #PARAMETERS} and {@value #PROPERTIES}, each atomically, parameters first.
 * <p>
 * {@link #apply} runs it on a volume {@code (x, y, z)} (one input channel) or {@code (x, y, z, c)}
 * through the runtime's model cache, tiled by {@link TiledProcessor} (FITTED sizing, halo from the
 * configuration) in batches, with the volume normalised on the fly (no copy of the input).
 * <p>
 * An ensemble ({@link #ensemble}) is one model with several parameter sets of the same network,
 * the members, each trained with its own seed on the same data: the folder holds the first as
 * {@value #PARAMETERS} and the others as {@code unet3d-member2.params}, ..., and the descriptor
 * their count ({@value #MEMBERS}; a folder without it is one member). {@link #apply} gives the mean
 * of the members' outputs; {@link #member} one member as a model of its own.
 */
public final class VolumeModel {

	public static final String PARAMETERS = "unet3d.params";
	public static final String PROPERTIES = "convkit-model.properties";
	public static final String ARCHITECTURE = "unet3d";
	/** Descriptor key: the number of members (parameter sets) of an ensemble. */
	public static final String MEMBERS = "members";

	/** What the network computes. */
	public enum Task {
		/** A volume in the input's units (the output is mapped back through the normalisation). */
		DENOISE,
		/** Per-class scores (logits), one output channel per class. */
		SEGMENT;

		public String id() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	static final String MISSING = "model: expected a folder holding " + PARAMETERS + " and " + PROPERTIES + " (written by ConvKit's CT training), got %s";
	static final String WRONG_TASK = "model: %s holds a %s model, but a %s model is needed here";
	static final String WRONG_CHANNELS = "model: %s expects %d input channel(s), but the volume has %d";
	static final String DAMAGED = "model: %s of %s cannot be read: %s";
	static final String MEMBER_MISSING = "model: %s lists %d members, but its member file %s is missing";
	static final String NOT_MEMBERS = "members: expected models of one network, normalisation, tile, spacing and task; member %d differs (%s)";

	private final UNet3d.Config config;
	private final Task task;
	private final Intensity intensity;
	private final long tile;
	private final double[] spacing;
	private final Properties recipe;
	/** The members' parameters, the first one's first. */
	private final byte[][] members;
	private final String id;
	private final double noiseVariance;

	public VolumeModel(UNet3d.Config config, Task task, Intensity intensity, long tile, double[] spacing, Properties recipe, byte[] parameters) {
		this(config, task, intensity, tile, spacing, recipe, parameters, Double.NaN);
	}

	/**
	 * @param noiseVariance for a {@link Task#DENOISE} model with two output channels (a mean and a
	 *        log prior variance relative to the noise, as trained by probabilistic Noise2Void): the
	 *        noise variance in normalised units it was trained with, kept in the descriptor; the
	 *        output is then the posterior mean of the clean value (see {@link #posteriorMean}),
	 *        which needs only the network's two channels
	 */
	public VolumeModel(UNet3d.Config config, Task task, Intensity intensity, long tile, double[] spacing, Properties recipe, byte[] parameters,
		double noiseVariance)
	{
		this(config, task, intensity, tile, spacing, recipe, new byte[][] {parameters.clone()}, noiseVariance);
	}

	private VolumeModel(UNet3d.Config config, Task task, Intensity intensity, long tile, double[] spacing, Properties recipe, byte[][] members,
		double noiseVariance)
	{
		UNet3d.checkTile(config, tile, tile, tile);
		if (task == Task.DENOISE && config.outChannels() == 2 && !(noiseVariance > 0))
			throw new IllegalArgumentException("noise_variance: a two-channel denoiser needs the noise variance, got " + noiseVariance);
		this.noiseVariance = noiseVariance;
		this.config = config;
		this.task = task;
		this.intensity = intensity;
		this.tile = tile;
		this.spacing = spacing == null ? new double[] {1, 1, 1} : spacing.clone();
		this.recipe = new Properties();
		if (recipe != null) this.recipe.putAll(recipe);
		this.members = members;
		StringBuilder digests = new StringBuilder();
		for (byte[] m : members) digests.append(digests.isEmpty() ? "" : "+").append(digest(m));
		this.id = "ct-" + ARCHITECTURE + ":" + config.describe() + ":" + digests;
	}

	/**
	 * One model of several members (see the class comment), with the first member's descriptor and
	 * {@code recipe}.
	 *
	 * @throws IllegalArgumentException when the members differ in network, task, normalisation, tile or spacing
	 */
	public static VolumeModel ensemble(List<VolumeModel> models, Properties recipe) {
		if (models.isEmpty()) throw new IllegalArgumentException("members: expected at least one model");
		VolumeModel first = models.get(0);
		List<byte[]> parameters = new ArrayList<>();
		for (int i = 0; i < models.size(); i++) {
			VolumeModel m = models.get(i);
			if (!m.config.equals(first.config) || m.task != first.task || !m.intensity.equals(first.intensity) || m.tile != first.tile
				|| !Arrays.equals(m.spacing, first.spacing) || Double.compare(m.noiseVariance, first.noiseVariance) != 0)
				throw new IllegalArgumentException(String.format(Locale.ROOT, NOT_MEMBERS, i + 1, m));
			parameters.addAll(Arrays.asList(m.members));
		}
		return new VolumeModel(first.config, first.task, first.intensity, first.tile, first.spacing, recipe, parameters.toArray(new byte[0][]),
			first.noiseVariance);
	}

	/** The number of members (1 for a single network). */
	public int members() {
		return members.length;
	}

	/** Member {@code i} (from 0) as a model of its own, with this model's descriptor. */
	public VolumeModel member(int i) {
		return new VolumeModel(config, task, intensity, tile, spacing, recipe, new byte[][] {members[i]}, noiseVariance);
	}

	/** The same members with another recipe. */
	public VolumeModel withRecipe(Properties other) {
		return new VolumeModel(config, task, intensity, tile, spacing, other, members, noiseVariance);
	}

	/** The same members with another normalisation. */
	public VolumeModel withIntensity(Intensity other) {
		return new VolumeModel(config, task, other, tile, spacing, recipe, members, noiseVariance);
	}

	public UNet3d.Config config() {
		return config;
	}

	public Task task() {
		return task;
	}

	public Intensity intensity() {
		return intensity;
	}

	/** Default tile edge (voxels, halo included). */
	public long tile() {
		return tile;
	}

	/** Default overlap: the halo per side. */
	public long overlap() {
		return UNet3d.halo(config);
	}

	/** Voxel spacing (x, y, z) the model was trained at, in the volume's units (mm for CT). */
	public double[] spacing() {
		return spacing.clone();
	}

	public Properties recipe() {
		Properties p = new Properties();
		p.putAll(recipe);
		return p;
	}

	/** A new model with other default tile edge. */
	public VolumeModel withTile(long edge) {
		return new VolumeModel(config, task, intensity, edge, spacing, recipe, members, noiseVariance);
	}

	/** Whether {@link #apply} returns the posterior mean from a predicted mean and variance (see the constructor). */
	public boolean posterior() {
		return task == Task.DENOISE && config.outChannels() == 2;
	}

	/** The noise variance in normalised units (NaN when the model does not use one). */
	public double noiseVariance() {
		return noiseVariance;
	}

	/** The (first member's) parameters as {@link ai.djl.nn.Block#saveParameters} wrote them. */
	public byte[] parameters() {
		return members[0].clone();
	}

	/**
	 * The mean over the members of their outputs ({@link #apply}), each first transformed in place by
	 * {@code perMember} (for instance a softmax); one member's inference at a time. For a single
	 * member: its output, transformed.
	 */
	public ArrayImg<FloatType, FloatArray> meanOverMembers(RandomAccessibleInterval<? extends RealType<?>> volume, long tileEdge, int batchSize,
		Consumer<float[]> perMember) throws IOException
	{
		ArrayImg<FloatType, FloatArray> mean = member(0).apply(volume, tileEdge, batchSize);
		float[] total = mean.update(null).getCurrentStorageArray();
		perMember.accept(total);
		for (int i = 1; i < members.length; i++) {
			float[] one = member(i).apply(volume, tileEdge, batchSize).update(null).getCurrentStorageArray();
			perMember.accept(one);
			for (int v = 0; v < total.length; v++) total[v] += one[v];
		}
		if (members.length > 1) for (int v = 0; v < total.length; v++) total[v] /= members.length;
		return mean;
	}

	/** The file of member {@code i} (from 0) in a model folder. */
	public static String memberFile(int i) {
		return i == 0 ? PARAMETERS : "unet3d-member" + (i + 1) + ".params";
	}

	/** Writes the model's two files into {@code folder} (created if needed); other files there stay. */
	public void save(Path folder) throws IOException {
		Path target = folder.toAbsolutePath().normalize();
		Properties p = new Properties();
		p.putAll(recipe);
		p.setProperty("architecture", ARCHITECTURE);
		p.setProperty("depth", String.valueOf(config.depth()));
		p.setProperty("base_width", String.valueOf(config.baseWidth()));
		p.setProperty("normalization", config.normalization().id());
		p.setProperty("residual", String.valueOf(config.residual()));
		p.setProperty("in_channels", String.valueOf(config.inChannels()));
		p.setProperty("out_channels", String.valueOf(config.outChannels()));
		if (config.blindSpotBase()) p.setProperty("blind_spot_base", "true");
		p.setProperty("task", task.id());
		intensity.store(p);
		p.setProperty("tile", String.valueOf(tile));
		p.setProperty("overlap", String.valueOf(overlap()));
		p.setProperty("spacing", spacing[0] + "," + spacing[1] + "," + spacing[2]);
		if (members.length > 1) p.setProperty(MEMBERS, String.valueOf(members.length));
		if (posterior()) {
			p.setProperty("noise_variance", String.valueOf(noiseVariance));
			p.setProperty("noise_sigma", String.valueOf(Math.sqrt(noiseVariance) / intensity.scale()));
		}
		StringWriter text = new StringWriter();
		p.store(text, "ConvKit CT model (" + config.describe() + ")");
		// the descriptor last: it names the member files, which are all in place by then
		for (int i = 0; i < members.length; i++) {
			byte[] m = members[i];
			AtomicFiles.write(target.resolve(memberFile(i)), file -> Files.write(file, m));
		}
		AtomicFiles.writeString(target.resolve(PROPERTIES), text.toString());
	}

	/** A model saved by {@link #save}, whatever its task. */
	public static VolumeModel open(Path folder) throws IOException {
		Path abs = folder.toAbsolutePath().normalize();
		Path params = abs.resolve(PARAMETERS), props = abs.resolve(PROPERTIES);
		if (!Files.isRegularFile(params) || !Files.isRegularFile(props)) throw new IllegalArgumentException(String.format(MISSING, folder));
		Properties p = new Properties();
		try (var reader = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
			p.load(reader);
		}
		catch (IOException | IllegalArgumentException e) {
			throw new IOException(String.format(DAMAGED, PROPERTIES, abs, "not a properties file (" + e + ")"), e);
		}
		try {
			if (!ARCHITECTURE.equals(p.getProperty("architecture")))
				throw new IllegalArgumentException("architecture is '" + p.getProperty("architecture") + "', expected " + ARCHITECTURE);
			UNet3d.Config config = new UNet3d.Config(Integer.parseInt(p.getProperty("depth")), Integer.parseInt(p.getProperty("base_width")),
				UNet3d.Normalization.parse(p.getProperty("normalization")), Boolean.parseBoolean(p.getProperty("residual")),
				Integer.parseInt(p.getProperty("in_channels")), Integer.parseInt(p.getProperty("out_channels")),
				Boolean.parseBoolean(p.getProperty("blind_spot_base", "false")));
			Task task = Task.valueOf(p.getProperty("task").trim().toUpperCase(Locale.ROOT));
			String[] s = p.getProperty("spacing", "1,1,1").split(",");
			double[] spacing = {Double.parseDouble(s[0]), Double.parseDouble(s[1]), Double.parseDouble(s[2])};
			Properties recipe = new Properties();
			for (String key : p.stringPropertyNames())
				if (key.startsWith("recipe.")) recipe.setProperty(key, p.getProperty(key));
			int count = Integer.parseInt(p.getProperty(MEMBERS, "1").trim());
			if (count < 1 || count > 1000) throw new IllegalArgumentException(MEMBERS + " is " + count + ", expected 1 to 1000");
			byte[][] members = new byte[count][];
			for (int i = 0; i < count; i++) {
				Path file = abs.resolve(memberFile(i));
				if (!Files.isRegularFile(file)) throw new MissingMember(String.format(Locale.ROOT, MEMBER_MISSING, abs, count, file.getFileName()));
				members[i] = Files.readAllBytes(file);
			}
			return new VolumeModel(config, task, Intensity.load(p), Long.parseLong(p.getProperty("tile")), spacing, recipe, members,
				Double.parseDouble(p.getProperty("noise_variance", "NaN")));
		}
		catch (MissingMember e) {
			throw new IllegalArgumentException(e.getMessage());
		}
		catch (RuntimeException e) {
			throw new IOException(String.format(DAMAGED, PROPERTIES, abs, e.getMessage() == null ? e.toString() : e.getMessage()), e);
		}
	}

	/** A member file the descriptor names is not there (a folder copied in part): the folder's fault, not the descriptor's. */
	private static final class MissingMember extends RuntimeException {
		MissingMember(String message) {
			super(message);
		}
	}

	/**
	 * A model of {@code folder} for {@code task} on volumes of {@code channels} channels.
	 *
	 * @throws IllegalArgumentException naming the folder and the mismatch
	 */
	public static VolumeModel open(Path folder, Task task, int channels) throws IOException {
		VolumeModel model = open(folder);
		model.check(folder.toString(), task, channels);
		return model;
	}

	/** Refuses another task or channel count, naming {@code source} (a folder, "the trained model"). */
	public void check(String source, Task expected, int channels) {
		if (task != expected) throw new IllegalArgumentException(String.format(WRONG_TASK, source, task.id(), expected.id()));
		if (channels != config.inChannels()) throw new IllegalArgumentException(String.format(WRONG_CHANNELS, source, config.inChannels(), channels));
	}

	/** How the runtime loads this model. */
	public ModelSpec spec() {
		return new ModelSpec() {
			@Override
			public String id() {
				return id;
			}

			@Override
			public Model load(String engine, Device device) throws IOException {
				Model model = Model.newInstance(ARCHITECTURE, device, engine);
				try {
					model.setBlock(UNet3d.build(config));
					int s = config.stride();
					model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, config.inChannels(), s, s, s));
					if (members.length != 1) throw new IllegalStateException("an ensemble loads one member at a time (member(i))");
					model.getBlock().loadParameters(model.getNDManager(), new DataInputStream(new ByteArrayInputStream(members[0])));
					return model;
				}
				catch (MalformedModelException | IOException | RuntimeException e) {
					model.close();
					throw new IOException("model: the parameters do not fit " + config.describe() + " (" + e.getMessage() + ")", e);
				}
			}
		};
	}

	/** Native bytes of one batch of tiled inference: every activation lives until the batch ends; counted from the layers, about 20 floats per voxel and base channel (an estimate, not yet fitted to measured peaks). */
	public static long inferenceBytes(UNet3d.Config config, long tileVoxels, int batch) {
		return (256L << 20) + 20L * config.baseWidth() * Float.BYTES * tileVoxels * batch;
	}

	/** {@link #apply(RandomAccessibleInterval, long, int)} with the model's tile and batch 1. */
	public ArrayImg<FloatType, FloatArray> apply(RandomAccessibleInterval<? extends RealType<?>> volume) throws IOException {
		return apply(volume, tile, 1);
	}

	/**
	 * Runs the model on a volume, tile by tile.
	 *
	 * @param volume {@code (x, y, z)} for one input channel, or {@code (x, y, z, c)}
	 * @param tileEdge tile edge (halo included), at least {@link UNet3d#minimumTile}
	 * @param batchSize tiles per network call
	 * @return {@code (x, y, z)} for one output channel, else {@code (x, y, z, c)}; for
	 *         {@link Task#DENOISE} in the input's units
	 */
	public ArrayImg<FloatType, FloatArray> apply(RandomAccessibleInterval<? extends RealType<?>> volume, long tileEdge, int batchSize)
		throws IOException
	{
		if (members.length > 1) return meanOverMembers(volume, tileEdge, batchSize, output -> {});
		int channels = volume.numDimensions() == 4 ? (int) volume.dimension(3) : 1;
		if (volume.numDimensions() != 3 && volume.numDimensions() != 4)
			throw new IllegalArgumentException("volume: expected (x, y, z) or (x, y, z, c), got " + volume.numDimensions() + " dimensions");
		check("this model", task, channels);
		UNet3d.checkTile(config, tileEdge, tileEdge, tileEdge);
		ConvKitRuntime runtime = ConvKitRuntime.get();
		UNet3d.checkEngine(runtime.engine().getEngineName(), runtime.device());
		long h = overlap();
		RandomAccessibleInterval<FloatType> normalised = Converters.convert(volume, (a, b) -> b.set(intensity.forward(a.getRealFloat())), new FloatType());
		RandomAccessibleInterval<FloatType> input = volume.numDimensions() == 3 ? Views.addDimension(normalised, 0, 0) : normalised;
		long[] dims = Arrays.copyOf(volume.dimensionsAsLongArray(), 4);
		int produced = posterior() ? 1 : config.outChannels();
		dims[3] = produced;
		TiledProcessor tiler = new TiledProcessor(new long[] {tileEdge, tileEdge, tileEdge, channels}, new long[] {h, h, h, 0}, batchSize,
			TileGrid.Sizing.FITTED);
		TileGrid grid = tiler.grid(input);
		long voxels = 1;
		for (int d = 0; d < 3; d++) voxels *= grid.inputSize(d);
		MemoryGuard.check("tile_size", "tiled 3-D U-Net inference", inferenceBytes(config, voxels, batchSize), 8L * Math.multiplyExact(
			dims[0] * dims[1], dims[2] * dims[3]));
		ArrayImg<FloatType, FloatArray> out = ArrayImgs.floats(dims);
		ConvKitRuntime.get().infer(spec(), session -> {
			tiler.process(input, out, batch -> {
				NDArray result = UNet3d.forward(session::forward, batch, config);
				return posterior() ? posteriorMean(batch, result) : result;
			}, session.manager());
			return null;
		});
		if (task == Task.DENOISE && intensity.mode() != Intensity.Mode.NONE) {
			float[] data = out.update(null).getCurrentStorageArray();
			for (int i = 0; i < data.length; i++) data[i] = intensity.inverse(data[i]);
		}
		if (produced == 1) {
			return ArrayImgs.floats(out.update(null).getCurrentStorageArray(), Arrays.copyOf(dims, 3));
		}
		return out;
	}

	/**
	 * The posterior mean of the clean value under a Gaussian prior from the network and Gaussian
	 * noise (variance {@code noise}) around the observed {@code y} (Laine et al. 2019): the output's
	 * first channel is the prior mean, its second {@code raw} the log of the prior variance in units
	 * of the noise variance (prior = noise * exp(raw)), so that an untrained network starts near
	 * prior = noise whatever the intensity scale, and {@code (mean * noise + y * prior) / (prior +
	 * noise)} is {@code mean + sigmoid(raw) (y - mean)}.
	 */
	public static NDArray posteriorMean(NDArray y, NDArray output) {
		NDArray mean = output.get(new NDIndex().addAllDim().addSliceDim(0, 1));
		NDArray trust = Activation.sigmoid(output.get(new NDIndex().addAllDim().addSliceDim(1, 2)));
		return mean.add(y.sub(mean).mul(trust));
	}

	private static String digest(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%s%s, task %s, normalisation %s, tile %d, overlap %d%s", config.describe(),
			members.length > 1 ? " x " + members.length + " members" : "", task.id(), intensity, tile, overlap(), posterior() ? String.format(Locale.ROOT, ", noise variance %.4g", noiseVariance) : "");
	}
}
