package org.convkit.commands.face;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.gui.TextRoi;
import ij.measure.ResultsTable;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.convkit.core.io.AtomicFiles;
import org.convkit.core.io.FileLocks;
import org.convkit.face.FaceBox;
import org.convkit.face.FaceGallery;
import org.convkit.face.FaceImages;
import org.convkit.face.FacePipeline;
import org.convkit.face.PairClassifier;
import org.convkit.face.PairRule;
import org.convkit.ij.ImagePlusImgs;

import java.awt.Color;
import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the face commands share: image planes in, faces found, galleries, tables and overlays out. */
final class FaceSupport {

	static final String NO_IMAGE = "image: expected an open image";
	static final String NO_GALLERY = "gallery: expected a gallery file (.json), e.g. gallery=/path/to/faces.json";
	static final String ROI_OUTSIDE = "%s: its ROI (x %d, y %d, %d x %d) does not overlap the image (%d x %d); draw it on the image or remove it";
	static final String GALLERY_IS_FOLDER = "gallery: %s is a folder; expected a gallery file (.json), e.g. gallery=/path/to/faces.json";
	static final String GALLERY_FOLDER = "gallery: cannot create the folder %s for the gallery (%s)";
	static final String READ_ONLY = "gallery: %s is read-only; make it writable (chmod u+w) or choose another gallery";
	/** How to show a command the face without a display (the command line, headless macros), where no ROI can be drawn. */
	static final String HINT_HEADLESS = "crop the image to the face, or use face_mode=cropped for an image that is one face";
	static final String OTHER_ENCODER = "gallery: %s holds encodings of '%s', but this ConvKit encodes with '%s'; they cannot be compared";

	private FaceSupport() {}

	/** Every Z/T plane of the image as RGB, cropped to its rectangle ROI if it has one. */
	static List<RandomAccessibleInterval<FloatType>> planes(ImagePlus image, String parameter) {
		if (image == null) throw new IllegalArgumentException(parameter + ": expected an open image");
		List<RandomAccessibleInterval<FloatType>> planes = FaceImages.rgbPlanes(ImagePlusImgs.wrap(image),
			image.getDisplayRangeMin(), image.getDisplayRangeMax());
		Roi roi = image.getRoi();
		if (roi == null || !roi.isArea()) return planes;
		Rectangle r = origin(image);
		if (r.isEmpty()) {
			Rectangle b = roi.getBounds();
			throw new IllegalArgumentException(String.format(ROI_OUTSIDE, parameter, b.x, b.y, b.width, b.height, image.getWidth(), image.getHeight()));
		}
		List<RandomAccessibleInterval<FloatType>> cropped = new ArrayList<>(planes.size());
		for (RandomAccessibleInterval<FloatType> plane : planes) {
			cropped.add(Views.zeroMin(Views.interval(plane, new long[] { r.x, r.y, 0 }, new long[] { r.x + r.width - 1, r.y + r.height - 1, 2 })));
		}
		return cropped;
	}

	/** Offset of the planes returned by {@link #planes}, to put boxes back in image coordinates. */
	static Rectangle origin(ImagePlus image) {
		Roi roi = image.getRoi();
		Rectangle whole = new Rectangle(0, 0, image.getWidth(), image.getHeight());
		// A ROI may reach past the image's edges (drawn or set so): only its part on the image counts.
		return roi != null && roi.isArea() ? roi.getBounds().intersection(whole) : whole;
	}

	/**
	 * The gallery in this file, which must exist.
	 *
	 * @param encoder the id of the encoder whose encodings it must hold (null: any, e.g. to list it)
	 */
	static FaceGallery loadGallery(File file, String encoder) throws IOException {
		if (file == null) throw new IllegalArgumentException(NO_GALLERY);
		if (file.isDirectory()) throw new IllegalArgumentException(String.format(GALLERY_IS_FOLDER, file));
		FaceGallery gallery = FaceGallery.load(file.toPath());
		if (encoder != null) checkEncoder(gallery, file, encoder);
		return gallery;
	}

	/** The gallery in this file, or a new empty one for this encoder when the file does not exist yet. */
	static FaceGallery loadOrCreateGallery(File file, String encoder) throws IOException {
		if (file == null) throw new IllegalArgumentException(NO_GALLERY);
		if (file.isDirectory()) throw new IllegalArgumentException(String.format(GALLERY_IS_FOLDER, file));
		if (!file.exists()) return new FaceGallery(encoder);
		return loadGallery(file, encoder);
	}

	/**
	 * Checks, before any work, that a gallery that exists may be replaced ({@link AtomicFiles#isReadOnly}:
	 * AtomicFiles would refuse it only after the faces were encoded).
	 */
	static void checkWritable(File file) {
		if (file == null) throw new IllegalArgumentException(NO_GALLERY);
		if (AtomicFiles.isReadOnly(file.toPath())) throw new IllegalArgumentException(String.format(READ_ONLY, file));
	}

	/** A change to a gallery, applied to what the file holds when the lock is taken. */
	@FunctionalInterface
	interface GalleryUpdate {
		void apply(FaceGallery gallery) throws IOException;
	}

	/**
	 * Read-merge-write of a gallery under its lock ({@link FileLocks}): the file is read again (or a
	 * new gallery made) once the lock is held, changed and saved, so enrolments running at the same
	 * time, in this JVM or others, all end up in the file. Slow work (encoding faces) belongs
	 * before this call, so the lock is held for milliseconds.
	 *
	 * @param create whether a missing file starts a new gallery (else it is an error)
	 * @param encoder the id of the encoder whose encodings it holds (null: any)
	 * @return the gallery as saved
	 */
	static FaceGallery update(File file, boolean create, String encoder, GalleryUpdate update) throws IOException {
		if (file == null) throw new IllegalArgumentException(NO_GALLERY);
		// A new gallery's folder is made, as saving always did; the lock file lives there too.
		Path folder = file.toPath().toAbsolutePath().getParent();
		try {
			Files.createDirectories(folder);
		}
		catch (IOException e) {
			throw new IOException(String.format(GALLERY_FOLDER, folder, e), e);
		}
		return FileLocks.update(file.toPath(), () -> {
			checkWritable(file);
			FaceGallery gallery = create ? loadOrCreateGallery(file, encoder) : loadGallery(file, encoder);
			update.apply(gallery);
			gallery.save(file.toPath());
			return gallery;
		});
	}

	/**
	 * What to tell a user who must show a command where the face is: the command's advice with a
	 * display (a ROI), {@link #HINT_HEADLESS} without one, where no ROI can be drawn.
	 */
	static String showTheFace(String withDisplay) {
		return GraphicsEnvironment.isHeadless() ? HINT_HEADLESS : withDisplay;
	}

	static final String NO_CLASSIFIER = "classifier: expected a pair classifier folder (from Train Pair Classifier) for rule=classifier";
	static final String CLASSIFIER_TAU = "tau: expected a threshold on y_hat between 0 and 1 for rule=classifier (0: the classifier's own), got %s";

	/**
	 * The rule that says "same person": {@code distance} (d &lt;= tau; tau 0: the encoder's own) or
	 * {@code classifier} (y_hat &gt;= tau; tau 0: the classifier's own threshold), the classifier
	 * checked against the encoder its encodings come from.
	 */
	static PairRule rule(String rule, File classifier, double tau, String encoder, double encoderTau) throws IOException {
		if ("distance".equals(rule)) return PairRule.distance(tau > 0 ? tau : encoderTau);
		if (!"classifier".equals(rule)) throw new IllegalArgumentException("rule: expected distance or classifier, got '" + FaceGallery.shorten(rule) + "'");
		if (FaceFindingCommand.isBlank(classifier)) throw new IllegalArgumentException(NO_CLASSIFIER);
		PairClassifier pairs = PairClassifier.open(classifier.toPath());
		pairs.checkEncoder(encoder, classifier.toPath());
		if (tau == 0) return pairs;
		if (!(tau < 1)) throw new IllegalArgumentException(String.format(CLASSIFIER_TAU, tau));
		return pairs.withThreshold(tau);
	}

	private static void checkEncoder(FaceGallery gallery, File file, String encoder) {
		if (!gallery.encoder().equals(encoder)) {
			throw new IllegalArgumentException(String.format(OTHER_ENCODER, file, gallery.encoder(), encoder));
		}
	}

	/** A table row with where a face is: slice, x, y, w, h (image pixels) and detection score. */
	static void addFaceColumns(ResultsTable table, FacePipeline.Face face, Rectangle origin) {
		table.incrementCounter();
		table.addValue("slice", face.slice());
		FaceBox box = face.box();
		table.addValue("x", box.x() + origin.x);
		table.addValue("y", box.y() + origin.y);
		table.addValue("w", box.width());
		table.addValue("h", box.height());
		table.addValue("score", box.score());
	}

	/** A row per slice where no face was found, so every slice of a stack is accounted for. */
	static void addMissingSlices(ResultsTable table, ImagePlus image, List<FacePipeline.Face> faces) {
		int planes = image.getNSlices() * image.getNFrames();
		for (int slice = 1; slice <= planes; slice++) {
			int s = slice;
			if (faces.stream().noneMatch(f -> f.slice() == s)) {
				table.incrementCounter();
				table.addValue("slice", slice);
				table.addValue("status", "no face found");
			}
		}
	}

	/** Draws each face's box with a label on the image's overlay, on its slice. */
	/** The name of the overlay ROIs the face commands draw; the user's own ROIs are left alone. */
	static final String FACE_ROI = "ConvKit face";

	static void drawFaces(ImagePlus image, List<FacePipeline.Face> faces, List<String> labels, List<Color> colours) {
		Overlay overlay = image.getOverlay() == null ? new Overlay() : image.getOverlay();
		overlay.remove(FACE_ROI); // a second run replaces the first one's boxes instead of piling up
		Rectangle origin = origin(image);
		boolean stack = image.getStackSize() > 1;
		for (int i = 0; i < faces.size(); i++) {
			FaceBox box = faces.get(i).box();
			Roi rectangle = new Roi(box.x() + origin.x, box.y() + origin.y, box.width(), box.height());
			rectangle.setStrokeColor(colours.get(i));
			rectangle.setStrokeWidth(2);
			TextRoi label = new TextRoi(box.x() + origin.x, Math.max(0, box.y() + origin.y - 14), labels.get(i), new Font("SansSerif", Font.PLAIN, 12));
			label.setStrokeColor(colours.get(i));
			if (stack) place(image, faces.get(i).slice(), rectangle, label);
			overlay.add(rectangle, FACE_ROI);
			overlay.add(label, FACE_ROI);
		}
		image.setOverlay(overlay);
	}

	/** Puts ROIs on a plane numbered as FaceImages numbers them: Z fastest, then T, all channels. */
	private static void place(ImagePlus image, int plane, Roi... rois) {
		int z = (plane - 1) % image.getNSlices() + 1, t = (plane - 1) / image.getNSlices() + 1;
		for (Roi roi : rois) {
			if (image.isHyperStack() || image.getNChannels() > 1) roi.setPosition(0, z, t);
			else roi.setPosition(plane);
		}
	}
}
