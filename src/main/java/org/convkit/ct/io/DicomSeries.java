package org.convkit.ct.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.convkit.ct.ValueKind;
import org.convkit.ct.Volume;
import org.convkit.ct.VolumeGeometry;

import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;

/**
 * A DICOM series read from a folder into a {@link Volume}.
 *
 * <ul>
 * <li>Files are grouped by SeriesInstanceUID; files that are not DICOM (no "DICM" marker) and DICOM
 * files without pixel data are skipped, and a note says which. Several series: the caller names one
 * ({@code series}: its UID, number or description), else the read is refused with a list of them.</li>
 * <li>Slices are sorted along the slice normal ({@link SliceLayout}); values are
 * {@code stored * RescaleSlope + RescaleIntercept} (HU for CT; another modality is read too, with a
 * note that its values are not HU).</li>
 * <li>Non-uniform slice spacing is never assumed away: the slices are resampled (linearly along the
 * normal) onto a uniform grid whose spacing is the smallest gap that is at least half the median gap,
 * adjusted so the first and last slices keep their positions.</li>
 * <li>Gantry tilt (slice origins walking sideways as they advance) is corrected as dcm2niix does: each
 * slice is shifted in its plane (a shear, bilinear) so that the volume's axes are the row, column and
 * normal directions, at right angles; the grid grows to keep every pixel, and the new border is
 * filled with the slice's lowest value (air or the scanner's padding).</li>
 * <li>Transfer syntaxes: explicit and implicit VR little endian, uncompressed, and JPEG 2000
 * (lossless and lossy, through jai-imageio's JJ2000 decoder, which gave the same HU as dcm2niix's
 * OpenJPEG on every voxel of the TotalSegmentator series). Other compressed syntaxes (JPEG, JPEG-LS,
 * RLE, HTJ2K, deflate, big endian) are refused naming the syntax ({@link #unsupported}).</li>
 * </ul>
 */
public final class DicomSeries {

	/** One series in a folder. */
	public record Series(String uid, String number, String description, String modality, List<DicomSlice> slices) {

		/** The series in words: UID, number, description, modality and slice count. */
		public String describe() {
			return uid + (number.isEmpty() ? "" : " #" + number) + (description.isEmpty() ? " (no description)" : " '" + description + "'") + " (" + modality + ", " + slices.size() + " slice"
				+ (slices.size() == 1 ? "" : "s") + ")";
		}
	}

	/** What a folder holds: its series, and the files skipped because they are not DICOM images. */
	public record Contents(List<Series> series, List<String> skipped) {
	}

	static final String SEVERAL = "series: %s holds %d series; choose one with series=<UID, number or description>: %s";
	static final String NO_SUCH = "series: %s holds no series '%s'; it holds: %s";

	private DicomSeries() {}

	/** Whether a folder holds at least one DICOM file (by its marker), looking at a few files. */
	public static boolean looksLikeDicomFolder(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.filter(Files::isRegularFile).limit(64).anyMatch(DicomSeries::hasMarker);
		}
	}

	private static boolean hasMarker(Path file) {
		try (var in = Files.newInputStream(file)) {
			byte[] head = in.readNBytes(132);
			return DicomSlice.isDicom(head, head.length);
		}
		catch (IOException e) {
			return false;
		}
	}

	/** Parses the headers of every file in a folder (not its subfolders). */
	public static Contents scan(Path folder) throws IOException {
		if (!Files.isDirectory(folder)) {
			if (!Files.exists(folder)) throw new NoSuchFileException(folder.toString(), null, "no such folder");
			throw new IOException(folder.getFileName() + ": not a folder");
		}
		List<Path> files;
		try (Stream<Path> list = Files.list(folder)) {
			files = list.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
		}
		Map<String, List<DicomSlice>> groups = new LinkedHashMap<>();
		List<String> skipped = new ArrayList<>();
		for (Path f : files) {
			byte[] bytes = readFile(f);
			if (!DicomSlice.isDicom(bytes, bytes.length)) {
				skipped.add(f.getFileName().toString());
				continue;
			}
			DicomSlice slice = DicomSlice.parse(f, bytes);
			if (slice.pixelOffset() < 0) {
				skipped.add(f.getFileName().toString() + " (no pixel data)");
				continue;
			}
			groups.computeIfAbsent(slice.seriesUid(), k -> new ArrayList<>()).add(slice);
		}
		List<Series> series = new ArrayList<>();
		for (Map.Entry<String, List<DicomSlice>> e : groups.entrySet()) {
			DicomSlice first = e.getValue().get(0);
			series.add(new Series(e.getKey(), first.seriesNumber(), first.seriesDescription(), first.modality(), List.copyOf(e.getValue())));
		}
		return new Contents(List.copyOf(series), List.copyOf(skipped));
	}

	static byte[] readFile(Path f) throws IOException {
		long size = Files.size(f);
		if (size > Integer.MAX_VALUE - 16) throw new IOException(f.getFileName() + ": " + size + " bytes; DICOM files of 2 GB and more are not supported");
		return Files.readAllBytes(f);
	}

	/**
	 * Reads one series of a folder as a volume.
	 *
	 * @param series the series' UID, number or description; blank when the folder holds one series
	 * @throws IllegalArgumentException (starting with {@code series}) when the folder holds several
	 *         and none is named, or the one named is not there
	 */
	public static Volume read(Path folder, String series) throws IOException {
		String where = folder.getFileName() == null ? folder.toString() : folder.getFileName().toString();
		Contents contents = scan(folder);
		if (contents.series().isEmpty()) {
			throw new IOException(where + ": no DICOM images in the folder" + (contents.skipped().isEmpty() ? "" : " (skipped: " + summary(contents.skipped()) + ")"));
		}
		Series chosen = choose(where, contents.series(), series);
		List<String> notes = new ArrayList<>();
		if (!contents.skipped().isEmpty()) notes.add("skipped " + contents.skipped().size() + " file" + (contents.skipped().size() == 1 ? "" : "s")
			+ " that are not DICOM images: " + summary(contents.skipped()));
		return assemble(where, folder, chosen, notes);
	}

	private static String summary(List<String> names) {
		return names.size() <= 5 ? String.join(", ", names) : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
	}

	private static Series choose(String where, List<Series> all, String wanted) {
		String list = String.join("; ", all.stream().map(Series::describe).toList());
		if (wanted == null || wanted.isBlank()) {
			if (all.size() == 1) return all.get(0);
			throw new IllegalArgumentException(String.format(Locale.ROOT, SEVERAL, where, all.size(), list));
		}
		String w = wanted.strip();
		List<Series> matches = all.stream().filter(s -> s.uid().equals(w)).toList();
		if (matches.isEmpty()) matches = all.stream().filter(s -> s.number().equals(w)).toList();
		if (matches.isEmpty()) matches = all.stream().filter(s -> s.description().equalsIgnoreCase(w)).toList();
		if (matches.size() == 1) return matches.get(0);
		if (matches.isEmpty()) throw new IllegalArgumentException(String.format(Locale.ROOT, NO_SUCH, where, w, list));
		throw new IllegalArgumentException(String.format(Locale.ROOT, SEVERAL, where, matches.size(), String.join("; ", matches.stream().map(Series::describe).toList()))
			+ " ('" + w + "' names " + matches.size() + "; use the UID)");
	}

	/** The refusal of a compressed series: the syntax by name and UID, and what to do. */
	static IOException unsupported(DicomSlice s) {
		return new IOException(s.file().getFileName() + ": " + DicomSlice.syntaxName(s.transferSyntax())
			+ " is not supported; convert the series with dcm2niix or gdcmconv --raw");
	}

	static Volume assemble(String where, Path folder, Series series, List<String> notes) throws IOException {
		for (DicomSlice s : series.slices()) {
			String name = s.file().getFileName().toString();
			if (!s.uncompressed() && !s.jpeg2000()) throw unsupported(s);
			if (s.samplesPerPixel() != 1) throw new IOException(name + ": SamplesPerPixel (0028,0002) is " + s.samplesPerPixel() + "; only grey images (1) form CT volumes");
			if (s.frames() != 1) throw new IOException(name + ": NumberOfFrames (0028,0008) is " + s.frames() + "; multi-frame (enhanced) DICOM is not supported");
			if (s.bitsAllocated() != 8 && s.bitsAllocated() != 16 && s.bitsAllocated() != 32) {
				throw new IOException(name + ": BitsAllocated (0028,0100) is " + s.bitsAllocated() + ", expected 8, 16 or 32");
			}
			if (s.bitsStored() < 1 || s.bitsStored() > s.bitsAllocated()) {
				throw new IOException(name + ": BitsStored (0028,0101) is " + s.bitsStored() + ", expected 1 to BitsAllocated (" + s.bitsAllocated() + ")");
			}
			if (s.rows() < 1 || s.columns() < 1) throw new IOException(name + ": image is " + s.columns() + "x" + s.rows() + " (Columns x Rows); expected a positive size");
			if (s.slope() == 0) throw new IOException(name + ": RescaleSlope (0028,1053) is 0");
		}
		SliceLayout layout = SliceLayout.of(where, series.slices());
		DicomSlice first = layout.slices().get(0);
		int n = layout.slices().size();
		int w = first.columns(), h = first.rows();
		double[] pixel = layout.pixelSize();
		if (first.pixelSpacing() == null) notes.add("no PixelSpacing (0028,0030): pixels taken as 1 mm");

		// in-plane shear (gantry tilt): offsets in pixels, ignored below 1% of a pixel
		double[] shiftX = new double[n], shiftY = new double[n];
		double minX = 0, maxX = 0, minY = 0, maxY = 0;
		boolean sheared = false;
		for (int k = 0; k < n; k++) {
			shiftX[k] = layout.rowOffset()[k] / pixel[0];
			shiftY[k] = layout.colOffset()[k] / pixel[1];
			if (Math.abs(shiftX[k]) > 0.01 || Math.abs(shiftY[k]) > 0.01) sheared = true;
		}
		if (!sheared) {
			shiftX = new double[n];
			shiftY = new double[n];
		}
		for (int k = 0; k < n; k++) {
			minX = Math.min(minX, shiftX[k]);
			maxX = Math.max(maxX, shiftX[k]);
			minY = Math.min(minY, shiftY[k]);
			maxY = Math.max(maxY, shiftY[k]);
		}
		if (!(pixel[0] > 0 && pixel[1] > 0)) throw new IOException(first.file().getFileName() + ": PixelSpacing (0028,0030) is " + pixel[1] + "\\" + pixel[0] + "; expected positive sizes");
		if (maxX - minX > 2.0 * w || maxY - minY > 2.0 * h) {
			throw new IOException(String.format(Locale.ROOT, "%s: slice origins wander %.1f mm sideways over %.1f mm along the normal, more than twice the image's size: "
				+ "not a gantry tilt; check ImagePositionPatient (0020,0032) of %s and %s", where, layout.maxOffset(), layout.positions()[n - 1],
				first.file().getFileName(), layout.slices().get(n - 1).file().getFileName()));
		}
		int outW = w + (int) Math.ceil(maxX - minX - 1e-6), outH = h + (int) Math.ceil(maxY - minY - 1e-6);

		// slices along the normal: as they are when uniform, else resampled
		double[] pos = layout.positions();
		double extent = pos[n - 1] - pos[0];
		boolean uniform = layout.uniform();
		long slices;
		double dz;
		if (n == 1) {
			slices = 1;
			dz = first.sliceThickness() > 0 ? first.sliceThickness() : 1;
		}
		else if (uniform) {
			slices = n;
			dz = extent / (n - 1);
		}
		else {
			double median = SliceLayout.median(layout.gaps());
			double step = Double.POSITIVE_INFINITY;
			for (double g : layout.gaps()) if (g >= median / 2) step = Math.min(step, g);
			slices = Math.round(extent / step) + 1;
			dz = extent / (slices - 1);
		}
		if ((long) outW * outH > Integer.MAX_VALUE || slices > Integer.MAX_VALUE) {
			throw new IOException(where + ": the volume would be " + outW + "x" + outH + "x" + slices + " voxels; a plane and the number of planes must each fit in a Java array");
		}
		int outN = (int) slices;
		NiftiFiles.guardMemory(where, outW + "x" + outH + "x" + outN, (long) outW * outH * outN + 2L * w * h);

		PlanarImg<FloatType, FloatArray> img = Volume.allocate(outW, outH, outN);
		Decoded lower = null, upper = null;
		int k = 0;
		for (int m = 0; m < outN; m++) {
			double s = m == outN - 1 ? pos[n - 1] : pos[0] + m * dz;
			while (k < n - 2 && pos[k + 1] <= s) k++;
			float[] out = img.getPlane(m).getCurrentStorageArray();
			if (n == 1 || uniform) {
				int index = n == 1 ? 0 : m;
				Decoded d = decode(layout.slices().get(index));
				shear(d, w, h, shiftX[index] - minX, shiftY[index] - minY, out, outW, outH);
				continue;
			}
			if (lower == null || lower.index != k) lower = upper != null && upper.index == k ? upper : decoded(layout, k);
			if (upper == null || upper.index != k + 1) upper = decoded(layout, k + 1);
			double t = Math.max(0, Math.min(1, (s - pos[k]) / (pos[k + 1] - pos[k])));
			float[] a = new float[outW * outH], b = new float[outW * outH];
			shear(lower, w, h, shiftX[k] - minX, shiftY[k] - minY, a, outW, outH);
			shear(upper, w, h, shiftX[k + 1] - minX, shiftY[k + 1] - minY, b, outW, outH);
			float ft = (float) t;
			for (int i = 0; i < out.length; i++) out[i] = a[i] + ft * (b[i] - a[i]);
		}

		double[] origin = new double[3];
		double[] p0 = first.position();
		for (int r = 0; r < 3; r++) origin[r] = p0[r] + minX * pixel[0] * layout.row()[r] + minY * pixel[1] * layout.column()[r];
		double[] direction = new double[9];
		for (int r = 0; r < 3; r++) {
			direction[3 * r] = layout.row()[r];
			direction[3 * r + 1] = layout.column()[r];
			direction[3 * r + 2] = layout.normal()[r];
		}
		VolumeGeometry geometry = new VolumeGeometry(new double[] {pixel[0], pixel[1], dz}, origin, direction);

		if (!uniform && n > 1) {
			double[] g = layout.gaps();
			double gmin = Double.POSITIVE_INFINITY, gmax = 0;
			for (double x : g) {
				gmin = Math.min(gmin, x);
				gmax = Math.max(gmax, x);
			}
			notes.add(String.format(Locale.ROOT, "non-uniform slice spacing: %d slices %.3f to %.3f mm apart along the slice normal "
				+ "were resampled (linear) to %d slices %.4f mm apart over the same %.2f mm", n, gmin, gmax, outN, dz, extent));
		}
		if (sheared) {
			notes.add(String.format(Locale.ROOT, "gantry tilt %.2f degrees%s corrected: slices shifted in their plane (shear) by up to %.2f mm "
				+ "so the axes are at right angles; the grid grew from %dx%d to %dx%d", layout.tiltDegrees(),
				first.gantryTilt() != 0 ? String.format(Locale.ROOT, " (GantryDetectorTilt %.1f)", first.gantryTilt()) : "",
				layout.maxOffset(), w, h, outW, outH));
		}
		if (first.transferSyntax().equals(DicomSlice.JPEG2000)) notes.add("pixel data in lossy JPEG 2000: values are approximate");
		ValueKind kind = ValueKind.HOUNSFIELD;
		if (!series.modality().equalsIgnoreCase("CT")) {
			kind = ValueKind.INTENSITY;
			notes.add("modality " + (series.modality().isEmpty() ? "not given" : series.modality()) + ", not CT: values are not HU");
		}
		return new Volume(img, geometry, kind, folder.toAbsolutePath().toString() + " (series " + series.uid() + ")", notes);
	}

	private record Decoded(int index, float[] values, float min) {
	}

	private static Decoded decoded(SliceLayout layout, int k) throws IOException {
		Decoded d = decode(layout.slices().get(k));
		return new Decoded(k, d.values, d.min);
	}

	private static Decoded decode(DicomSlice s) throws IOException {
		byte[] bytes = readFile(s.file());
		// the file may have changed since it was scanned: parse again
		DicomSlice now = DicomSlice.parse(s.file(), bytes);
		if (now.rows() != s.rows() || now.columns() != s.columns() || now.pixelOffset() != s.pixelOffset()) {
			throw new IOException(s.file().getFileName() + ": changed while the series was read");
		}
		float[] values = new float[s.rows() * s.columns()];
		s.decode(bytes, values);
		float min = Float.POSITIVE_INFINITY;
		for (float v : values) min = Math.min(min, v);
		return new Decoded(-1, values, min);
	}

	/**
	 * Places a slice into a (larger) output plane shifted by (dx, dy) pixels, bilinear; outside the
	 * slice the slice's lowest value.
	 */
	private static void shear(Decoded d, int w, int h, double dx, double dy, float[] out, int outW, int outH) {
		float[] in = d.values();
		if (dx == 0 && dy == 0 && w == outW && h == outH) {
			System.arraycopy(in, 0, out, 0, in.length);
			return;
		}
		int ix = (int) Math.floor(dx), iy = (int) Math.floor(dy);
		float fx = (float) (dx - ix), fy = (float) (dy - iy);
		// out(x, y) = in(x - dx, y - dy): source x0 = x - ix - 1 with weight fx, x - ix with weight 1 - fx
		for (int y = 0; y < outH; y++) {
			int sy1 = y - iy, sy0 = sy1 - 1;
			for (int x = 0; x < outW; x++) {
				int sx1 = x - ix, sx0 = sx1 - 1;
				float v00 = at(in, w, h, sx0, sy0, d.min), v10 = at(in, w, h, sx1, sy0, d.min);
				float v01 = at(in, w, h, sx0, sy1, d.min), v11 = at(in, w, h, sx1, sy1, d.min);
				float top = v10 + fx * (v00 - v10), bottom = v11 + fx * (v01 - v11);
				out[y * outW + x] = bottom + fy * (top - bottom);
			}
		}
	}

	private static float at(float[] in, int w, int h, int x, int y, float fill) {
		return x < 0 || y < 0 || x >= w || y >= h ? fill : in[y * w + x];
	}
}
