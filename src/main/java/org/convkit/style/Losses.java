package org.convkit.style;

import java.util.Locale;

/** The terms of J(G) at one point: content, weighted style sum, per-layer style, total variation, total. */
public record Losses(double total, double content, double style, double[] styleLayers, double tv) {

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "J=%.5g J_content=%.5g J_style=%.5g J_tv=%.5g", total, content, style, tv);
	}
}
