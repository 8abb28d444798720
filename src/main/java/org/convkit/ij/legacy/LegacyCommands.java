package org.convkit.ij.legacy;

import ij.IJ;
import ij.ImageJ;
import ij.Menus;
import org.convkit.commands.run.CommandExecutor;
import org.scijava.Context;
import org.scijava.MenuPath;
import org.scijava.command.CommandInfo;

import java.awt.Menu;
import java.awt.MenuBar;
import java.awt.MenuItem;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Objects;

/**
 * Outside Fiji, puts every ConvKit command into ImageJ 1.x's command table, so that
 * {@code run("<Command>", "key=value ...")} works from macros, and, when ImageJ's window exists,
 * under Plugins &gt; ConvKit in its menu bar. Inside Fiji, imagej-legacy does this itself and this
 * class is not used: each command then still has exactly one menu entry.
 */
public final class LegacyCommands {

	private static Context context;

	private LegacyCommands() {}

	/** The context whose commands were installed; the ImageJ 1.x plug-in runs them there. */
	static synchronized Context context() {
		if (context == null) throw new IllegalStateException("ConvKit commands were not installed (LegacyCommands.install)");
		return context;
	}

	/**
	 * Registers the ConvKit commands of this context. Idempotent: a second call adds nothing.
	 *
	 * @return the titles registered by this call
	 */
	@SuppressWarnings("unchecked")
	public static synchronized List<String> install(Context newContext) {
		if (context != null && context != newContext) {
			throw new IllegalStateException("ConvKit commands are already installed from another SciJava context");
		}
		context = Objects.requireNonNull(newContext);
		Hashtable<String, String> table = commandTable();
		List<String> added = new ArrayList<>();
		for (CommandInfo info : new CommandExecutor(context).convKitCommands()) {
			String title = CommandExecutor.title(info);
			String target = ConvKitPlugIn.class.getName() + "(\"" + info.getClassName() + "\")";
			String existing = table.putIfAbsent(title, target);
			if (existing == null) {
				added.add(title);
				addMenuItem(info, title);
			}
			else if (!existing.equals(target)) {
				IJ.log("ConvKit: '" + title + "' is already an ImageJ command (" + existing + "); ConvKit's is not installed");
			}
		}
		return added;
	}

	/** ImageJ 1.x's table of command titles to plug-in classes, built on first use. */
	@SuppressWarnings("unchecked")
	private static Hashtable<String, String> commandTable() {
		if (Menus.getCommands() == null) {
			try {
				// ImageJ builds its command table on the first run(); "Close All" with no image is a no-op.
				IJ.run("Close All");
			}
			catch (java.awt.HeadlessException e) {
				// Without a display ImageJ cannot build menus; the table exists but holds only what we add.
			}
		}
		Hashtable<String, String> table = Menus.getCommands();
		if (table == null) throw new IllegalStateException("ImageJ 1.x did not create its command table");
		addSaveCommands(table);
		return table;
	}

	/**
	 * Without a display ImageJ's table lacks File &gt; Save As, so a macro's {@code saveAs("PNG", f)}
	 * fails ("Unrecognized command: PNG..."); its writers need no display, so they are added from
	 * ImageJ's own IJ_Props.txt (PNG, GIF, ZIP, BMP, PGM, FITS, raw, text image, results, ...).
	 */
	private static void addSaveCommands(Hashtable<String, String> table) {
		try (java.io.InputStream in = IJ.class.getResourceAsStream("/IJ_Props.txt")) {
			if (in == null) return;
			java.util.Properties props = new java.util.Properties();
			props.load(in);
			for (String key : props.stringPropertyNames()) {
				if (!key.matches("save\\d+")) continue;
				String entry = props.getProperty(key);
				int comma = entry.indexOf("\",");
				if (!entry.startsWith("\"") || comma < 0) continue;
				String target = entry.substring(comma + 2);
				if (target.contains("AVI") || target.contains("StackWriter")) continue; // these open dialogs
				table.putIfAbsent(entry.substring(1, comma), target);
			}
		}
		catch (java.io.IOException e) {
			// ImageJ without its properties: saveAs keeps TIFF and JPEG, which need no table
		}
	}

	/** Adds the command under Plugins > ConvKit > ... when ImageJ's menu bar exists. */
	private static void addMenuItem(CommandInfo info, String title) {
		ImageJ ij = IJ.getInstance();
		MenuBar bar = Menus.getMenuBar();
		if (ij == null || bar == null) return;
		Menu menu = null;
		for (int i = 0; i < bar.getMenuCount(); i++) {
			if ("Plugins".equals(bar.getMenu(i).getLabel())) menu = bar.getMenu(i);
		}
		if (menu == null) return;
		MenuPath path = info.getMenuPath();
		for (int level = 1; level < path.size() - 1; level++) menu = submenu(menu, path.get(level).getName());
		MenuItem item = new MenuItem(title);
		item.addActionListener(ij);
		menu.add(item);
	}

	private static Menu submenu(Menu parent, String label) {
		for (int i = 0; i < parent.getItemCount(); i++) {
			if (parent.getItem(i) instanceof Menu sub && sub.getLabel().equals(label)) return sub;
		}
		Menu sub = new Menu(label);
		parent.add(sub);
		return sub;
	}
}
