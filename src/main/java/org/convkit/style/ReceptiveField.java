package org.convkit.style;

import java.util.List;

/**
 * Where a unit of a layer looks in the input: its receptive field's edge ({@code size}), the
 * distance in input pixels between neighbouring units ({@code jump}) and the input coordinate of
 * the centre of unit 0 ({@code start}, may be negative with padding). Computed layer by layer:
 * size += (k - 1) * jump; start += ((k - 1) / 2 - p) * jump; jump *= s.
 */
public record ReceptiveField(int size, int jump, double start) {

	/** The field of the input pixels themselves. */
	public static final ReceptiveField INPUT = new ReceptiveField(1, 1, 0);

	/** The field of the last of these layers (applied in order to the input). */
	public static ReceptiveField of(List<LayerSpec> layers) {
		ReceptiveField field = INPUT;
		for (LayerSpec layer : layers) field = field.then(layer.kernel(), layer.stride(), layer.padding());
		return field;
	}

	/** The field of the first layers of {@code layers} up to and including the one named {@code name}. */
	public static ReceptiveField upTo(List<LayerSpec> layers, String name) {
		for (int i = 0; i < layers.size(); i++) {
			if (layers.get(i).name().equals(name)) return of(layers.subList(0, i + 1));
		}
		throw new IllegalArgumentException("layer: no layer named '" + name + "'; expected one of "
			+ layers.stream().map(LayerSpec::name).toList());
	}

	/** This field after one more layer with this kernel, stride and padding. */
	public ReceptiveField then(int kernel, int stride, int padding) {
		return new ReceptiveField(size + (kernel - 1) * jump, jump * stride, start + ((kernel - 1) / 2.0 - padding) * jump);
	}

	/** Input coordinate of the centre of unit {@code index} along one axis. */
	public double centre(int index) {
		return start + (double) index * jump;
	}
}
