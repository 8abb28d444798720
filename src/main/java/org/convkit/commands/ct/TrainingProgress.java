package org.convkit.commands.ct;

import ij.measure.ResultsTable;

import java.util.Locale;
import java.util.function.BooleanSupplier;

import org.convkit.ct.train.VolumeTrainer;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;

/**
 * What the CT training commands show of a {@link VolumeTrainer} run: the status bar after each
 * step, a row of their training table and a log line after each validation (and after the last
 * step, so a run without validation still leaves one), and whether the command asks it to stop.
 */
final class TrainingProgress implements VolumeTrainer.Listener {

	static final String CANCELED = "canceled at epoch %d, step %d; no model was saved";

	private final String command;
	private final ResultsTable table;
	private final StatusService status;
	private final LogService log;
	private final BooleanSupplier canceled;
	private VolumeTrainer.Progress last;
	/** The ensemble member being trained (0: a single network). */
	private int member;

	/**
	 * @param canceled the command's own cancel (an interrupted thread always stops the run)
	 */
	TrainingProgress(String command, ResultsTable table, StatusService status, LogService log, BooleanSupplier canceled) {
		this.command = command;
		this.table = table;
		this.status = status;
		this.log = log;
		this.canceled = canceled;
	}

	@Override
	public void progress(VolumeTrainer.Progress p) {
		last = p;
		String text = command + (member > 0 ? ", member " + member : "") + ": " + p;
		if (status != null) status.showStatus(p.step(), p.totalSteps(), text);
		if (Double.isNaN(p.validationLoss()) && p.step() != p.totalSteps()) return;
		table.incrementCounter();
		if (member > 0) table.addValue("member", member);
		table.addValue("epoch", p.epoch());
		table.addValue("step", p.step());
		table.addValue("loss", p.loss());
		table.addValue("validation_loss", p.validationLoss());
		table.addValue("voxels_per_s", p.voxelsPerSecond());
		if (log != null) log.info(text);
	}

	@Override
	public void member(int index, int of) {
		member = of > 1 ? index : 0;
	}

	@Override
	public boolean cancelled() {
		return canceled.getAsBoolean() || Thread.currentThread().isInterrupted();
	}

	/** The last step reported, or null before the first. */
	VolumeTrainer.Progress last() {
		return last;
	}

	/** The cancel reason for a run stopped after the last step reported. */
	String canceledMessage() {
		return String.format(Locale.ROOT, CANCELED, last == null ? 0 : last.epoch(), last == null ? 0 : last.step());
	}
}
