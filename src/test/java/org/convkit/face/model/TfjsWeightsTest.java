package org.convkit.face.model;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class TfjsWeightsTest {

	private static final String MANIFEST = "[{\"paths\":[\"a.bin\"],\"weights\":["
		+ "{\"name\":\"q\",\"shape\":[2,2],\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint8\",\"scale\":0.5,\"min\":-1.0}},"
		+ "{\"name\":\"f\",\"shape\":[1],\"dtype\":\"float32\"}]}]";

	@Test
	void dequantizesUint8AndReadsFloat32() throws IOException {
		byte[] shard = { 0, 1, 2, (byte) 255, 0, 0, (byte) 0xc0, 0x3f }; // 4 x uint8, then 1.5f little-endian
		TfjsWeights weights = read(MANIFEST, shard);
		assertArrayEquals(new long[] { 2, 2 }, weights.get("q").shape());
		assertArrayEquals(new float[] { -1.0f, -0.5f, 0.0f, 126.5f }, weights.get("q").values());
		assertArrayEquals(new float[] { 1.5f }, weights.get("f").values());
	}

	@Test
	void truncatedOrOversizedShardsAreNamed() {
		IOException shortShard = assertThrows(IOException.class, () -> read(MANIFEST, new byte[] { 1, 2, 3, 4, 5 }));
		assertEquals("test.json: the shards end inside tensor f (corrupt or truncated model file)", shortShard.getMessage());
		IOException longShard = assertThrows(IOException.class, () -> read(MANIFEST, new byte[9]));
		assertEquals("test.json: the shards hold 1 bytes more than the manifest describes", longShard.getMessage());
		IOException notJson = assertThrows(IOException.class, () -> read("{oops", new byte[0]));
		assertTrue(notJson.getMessage().startsWith("test.json: not a TensorFlow.js weights manifest"), notJson.getMessage());
	}

	@Test
	void shippedRecognitionModelHasAllItsTensors() throws IOException {
		TfjsWeights weights = TfjsWeights.readResource(TfjsWeights.class, "face_recognition_model-weights_manifest.json");
		assertEquals(117, weights.names().size());
		assertArrayEquals(new long[] { 7, 7, 3, 32 }, weights.get("conv32_down/conv/filters").shape());
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> weights.get("nope"));
		assertEquals("face_recognition_model-weights_manifest.json: no tensor named nope", e.getMessage());
	}

	private static TfjsWeights read(String manifest, byte[] shard) throws IOException {
		return TfjsWeights.read(new ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8)), "test.json", path -> {
			assertEquals("a.bin", path);
			return new ByteArrayInputStream(shard);
		});
	}
}
