package org.convkit.face.net;

/** Test access to the network's variants. */
public final class FaceRecognitionNetAccess {

	private FaceRecognitionNetAccess() {}

	/** The network with face-api's scale layers run as separate ops (not folded into the convolutions). */
	public static FaceRecognitionNet unfolded() {
		return new FaceRecognitionNet(false);
	}
}
