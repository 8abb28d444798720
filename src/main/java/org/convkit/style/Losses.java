package org.convkit.style;

import java.util.Locale;

/**
 * The terms of J(G) at one point: the total (alpha, beta and the TV weight applied) and the
 * unweighted terms: content, lambda-weighted style sum, per-layer style, total variation.
 */
public record Losses(double total, double content, double style, double[] styleLayers, double tv) {

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "J=%.5g (terms before alpha, beta, tv_weight: J_content=%.5g J_style=%.5g J_tv=%.5g)", total, content, style, tv);
	}
}
