package org.convkit.cli;

final class Bench {
	private Bench() {}
	static int run(String[] args) { return Main.usage("bench: not yet"); }
}
