package org.convkit.demo;

import org.convkit.core.io.AtomicFiles;
import org.convkit.core.runtime.ConvKitRuntime;
import org.scijava.Context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code convkit demo [DIR]}: the main job. Runs every ConvKit capability on bundled (generated)
 * data and writes the outputs and an index.html that shows them into DIR.
 */
public final class Demo {

	/** Each capability adds its part here. */
	private static final List<DemoPart> PARTS = List.of(new FilterDemo(), new FaceDemo(), new EcgDemo(), new StyleDemo());

	private Demo() {}

	public static int run(String[] args) throws IOException {
		System.setProperty("java.awt.headless", "true");
		Path folder = Path.of(args.length > 0 ? args[0] : "demo-output").toAbsolutePath().normalize();
		Files.createDirectories(folder);
		StringBuilder html = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>ConvKit demo</title>")
			.append("<style>body{font-family:sans-serif;margin:2em} figure{display:inline-block;margin:0 1em 1em 0}")
			.append(" img{image-rendering:pixelated;width:320px;border:1px solid #888} pre{background:#f4f4f4;padding:1em}</style>")
			.append("</head><body>\n<h1>ConvKit demo</h1>\n");
		try (Context context = new Context()) {
			for (DemoPart part : PARTS) {
				System.out.println("demo: " + part.title());
				html.append("<h2>").append(escape(part.title())).append("</h2>\n");
				for (DemoPart.Item item : part.run(context, folder)) {
					if (item.file().endsWith(".png")) {
						html.append("<figure><img src=\"").append(item.file()).append("\" alt=\"").append(escape(item.caption()))
							.append("\"><figcaption>").append(escape(item.caption())).append("</figcaption></figure>\n");
					}
					else {
						html.append("<p><a href=\"").append(item.file()).append("\">").append(escape(item.caption())).append("</a></p>\n");
					}
				}
			}
		}
		String info = ConvKitRuntime.get().info().describe();
		AtomicFiles.writeString(folder.resolve("info.txt"), info);
		html.append("<h2>Runtime</h2>\n<pre>").append(escape(info)).append("</pre>\n</body></html>\n");
		AtomicFiles.writeString(folder.resolve("index.html"), html.toString());
		System.out.println("ConvKit demo written to " + folder + " (open " + folder.resolve("index.html") + ")");
		return 0;
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}
}
