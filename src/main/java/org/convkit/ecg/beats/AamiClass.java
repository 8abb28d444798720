package org.convkit.ecg.beats;

import java.util.Optional;

/**
 * The five AAMI EC57 heartbeat classes and the standard mapping from MIT-BIH beat symbols
 * (de Chazal et al. 2004): N (normal, bundle branch blocks, escapes), S (supraventricular ectopic),
 * V (ventricular ectopic), F (fusion of ventricular and normal), Q (paced, fusion of paced and
 * normal, unclassifiable). Other symbols (rhythm changes, noise, '~', '+', '|', '[', ...) are not
 * beats.
 */
public enum AamiClass {
	N, S, V, F, Q;

	/** The number of classes. */
	public static final int COUNT = values().length;

	/** The class of a MIT-BIH beat symbol, or empty for a symbol that is not a beat. */
	public static Optional<AamiClass> ofSymbol(String symbol) {
		if (symbol == null) return Optional.empty();
		return Optional.ofNullable(switch (symbol) {
			case "N", "L", "R", "e", "j" -> N;
			case "A", "a", "J", "S" -> S;
			case "V", "E" -> V;
			case "F" -> F;
			case "/", "f", "Q" -> Q;
			default -> null;
		});
	}

	/** Whether a MIT-BIH symbol marks a beat of one of the five classes. */
	public static boolean isBeat(String symbol) {
		return ofSymbol(symbol).isPresent();
	}

	/**
	 * The WFDB symbol written for a prediction of this class: N, A (premature atrial, the commonest
	 * S symbol), V, F, Q; each maps back to this class.
	 */
	public String wfdbSymbol() {
		return this == S ? "A" : name();
	}
}
