package org.convkit.face;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FaceMatcherTest {

	/** An encoding at a chosen distance from {@code base}, along the first axis. */
	private static float[] at(float[] base, double distance) {
		float[] moved = base.clone();
		moved[0] += (float) distance;
		return moved;
	}

	@Test
	void verificationComparesTheDistanceWithTau() {
		float[] ada = FaceGalleryTest.encoding(1);
		FaceGallery gallery = new FaceGallery("e");
		gallery.enroll("ada", ada);
		FaceMatcher matcher = new FaceMatcher(gallery, 0.6);
		FaceMatcher.Verification near = matcher.verify(at(ada, 0.5), "ada");
		assertEquals(0.5, near.distance(), 1e-6);
		assertEquals(0.25, near.squaredDistance(), 1e-6);
		assertTrue(near.same());
		assertFalse(matcher.verify(at(ada, 0.7), "ada").same());
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> matcher.verify(ada, "bob"));
		assertEquals("name: 'bob' is not in the gallery; known: [ada]", e.getMessage());
	}

	@Test
	void recognitionNamesTheNearestWithinTauAndTheRunnerUp() {
		float[] ada = FaceGalleryTest.encoding(1);
		float[] bob = FaceGalleryTest.encoding(2);
		FaceGallery gallery = new FaceGallery("e");
		gallery.enroll("ada", ada);
		gallery.enroll("bob", bob);
		gallery.enroll("bob", at(ada, 0.45)); // bob's second photo happens to be near ada
		FaceMatcher matcher = new FaceMatcher(gallery, 0.6);
		FaceMatcher.Recognition r = matcher.recognize(at(ada, 0.1));
		assertEquals("ada", r.identity());
		assertEquals(0.1, r.distance(), 1e-6);
		assertEquals("bob", r.runnerUp());
		assertEquals(0.35, r.runnerUpDistance(), 1e-6, "a person is as close as their closest encoding");
		FaceMatcher.Recognition stranger = matcher.recognize(at(ada, -2.0));
		assertEquals(FaceMatcher.UNKNOWN, stranger.identity());
		assertFalse(stranger.known());
		assertEquals("ada", stranger.nearest());
	}

	@Test
	void emptyGalleryAndBadTau() {
		IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
			() -> new FaceMatcher(new FaceGallery("e"), 0.6).recognize(FaceGalleryTest.encoding(0)));
		assertEquals("gallery: is empty; enroll at least one person first", empty.getMessage());
		IllegalArgumentException tau = assertThrows(IllegalArgumentException.class, () -> new FaceMatcher(new FaceGallery("e"), 0));
		assertEquals("tau: expected a positive distance, got 0.0", tau.getMessage());
	}

	@Test
	void distanceIsEuclidean() {
		float[] a = { 0, 3, 1 }, b = { 4, 0, 1 };
		assertEquals(5, FaceMatcher.distance(a, b));
		assertEquals(0, FaceMatcher.distance(a, a));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaceMatcher.distance(a, new float[2]));
		assertEquals("encodings differ in length: 3 and 2", e.getMessage());
	}
}
