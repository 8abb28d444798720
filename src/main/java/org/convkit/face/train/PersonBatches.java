package org.convkit.face.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Batches of P persons x K images, the sampling that makes triplet mining work: every anchor has
 * K - 1 positives and (P - 1) K negatives in its batch. Persons and images are drawn at random
 * (seeded) without repeats within a batch; a person with fewer than K images gives all of them, and
 * with fewer than P persons a batch holds them all.
 */
final class PersonBatches {

	/** A batch: each row's person and the row's (person, image) indices. */
	record Batch(int[] labels, int[] persons, int[] images) {
		int size() {
			return labels.length;
		}
	}

	private final int[] imagesPerPerson;
	private final int p;
	private final int k;
	private final Random random;

	PersonBatches(int[] imagesPerPerson, int personsPerBatch, int imagesPerBatchPerson, Random random) {
		if (personsPerBatch < 2) throw new IllegalArgumentException("persons_per_batch: expected at least 2, got " + personsPerBatch);
		if (imagesPerBatchPerson < 2) throw new IllegalArgumentException("images_per_person: expected at least 2, got " + imagesPerBatchPerson);
		this.imagesPerPerson = imagesPerPerson.clone();
		this.p = personsPerBatch;
		this.k = imagesPerBatchPerson;
		this.random = random;
	}

	/** Batches in an epoch: about every image once. */
	int batchesPerEpoch() {
		int images = 0;
		for (int n : imagesPerPerson) images += n;
		return Math.max(1, (int) Math.ceil((double) images / (Math.min(p, imagesPerPerson.length) * k)));
	}

	Batch next() {
		List<Integer> persons = new ArrayList<>();
		for (int i = 0; i < imagesPerPerson.length; i++) persons.add(i);
		Collections.shuffle(persons, random);
		persons = persons.subList(0, Math.min(p, persons.size()));
		List<int[]> rows = new ArrayList<>();
		for (int label = 0; label < persons.size(); label++) {
			int person = persons.get(label);
			List<Integer> images = new ArrayList<>();
			for (int i = 0; i < imagesPerPerson[person]; i++) images.add(i);
			Collections.shuffle(images, random);
			for (int i = 0; i < Math.min(k, images.size()); i++) rows.add(new int[] { label, person, images.get(i) });
		}
		int n = rows.size();
		int[] labels = new int[n], ps = new int[n], is = new int[n];
		for (int i = 0; i < n; i++) {
			labels[i] = rows.get(i)[0];
			ps[i] = rows.get(i)[1];
			is[i] = rows.get(i)[2];
		}
		return new Batch(labels, ps, is);
	}
}
