package org.convkit.demo;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ShortProcessor;

import java.util.Random;

/**
 * A reproducible 16-bit test volume: bright Gaussian blobs of several sizes on a dim background with
 * Gaussian noise, like nuclei in a fluorescence stack. Same seed, same pixels, on every machine.
 */
public final class SyntheticBlobs {

	private SyntheticBlobs() {}

	/**
	 * @param blobs number of blobs, radius 2 to 6 pixels, placed at least one radius inside the volume
	 */
	public static ImagePlus volume(int width, int height, int depth, int blobs, long seed) {
		Random random = new Random(seed);
		double[] values = new double[width * height * depth];
		for (int b = 0; b < blobs; b++) {
			double radius = 2 + 4 * random.nextDouble();
			double cx = radius + random.nextDouble() * (width - 2 * radius);
			double cy = radius + random.nextDouble() * (height - 2 * radius);
			double cz = Math.min(radius, depth / 2.0) + random.nextDouble() * Math.max(0, depth - 2 * radius);
			double peak = 800 + 1200 * random.nextDouble();
			addBlob(values, width, height, depth, cx, cy, cz, radius, peak);
		}
		ImageStack stack = new ImageStack(width, height);
		for (int z = 0; z < depth; z++) {
			short[] plane = new short[width * height];
			for (int i = 0; i < plane.length; i++) {
				double value = 100 + values[z * width * height + i] + 20 * random.nextGaussian();
				plane[i] = (short) Math.max(0, Math.min(65535, Math.round(value)));
			}
			stack.addSlice("z" + (z + 1), new ShortProcessor(width, height, plane, null));
		}
		ImagePlus image = new ImagePlus("blobs", stack);
		Calibration calibration = image.getCalibration();
		calibration.pixelWidth = calibration.pixelHeight = 0.5;
		calibration.pixelDepth = 1.0;
		calibration.setUnit("micron");
		return image;
	}

	private static void addBlob(double[] values, int width, int height, int depth, double cx, double cy, double cz,
		double radius, double peak)
	{
		double sigma = radius / 2;
		int reach = (int) Math.ceil(3 * sigma);
		for (int z = Math.max(0, (int) cz - reach); z <= Math.min(depth - 1, (int) cz + reach); z++)
			for (int y = Math.max(0, (int) cy - reach); y <= Math.min(height - 1, (int) cy + reach); y++)
				for (int x = Math.max(0, (int) cx - reach); x <= Math.min(width - 1, (int) cx + reach); x++) {
					double r2 = (x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz);
					values[(z * height + y) * width + x] += peak * Math.exp(-r2 / (2 * sigma * sigma));
				}
	}
}
