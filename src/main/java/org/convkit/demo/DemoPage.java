package org.convkit.demo;

import java.util.List;

/**
 * The demo's index.html: each part's pictures at a readable size (their own, at least 480 px wide),
 * each linked to its full-size file, other files as links, and the runtime at the end.
 */
final class DemoPage {

	private final StringBuilder html = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>ConvKit demo</title>")
		.append("<style>body{font-family:sans-serif;margin:2em} figure{display:inline-block;margin:0 1em 1em 0;max-width:100%}")
		.append(" img{max-width:100%;min-width:480px;height:auto;border:1px solid #888}")
		.append(" figcaption{max-width:60em} pre{background:#f4f4f4;padding:1em}</style>")
		.append("</head><body>\n<h1>ConvKit demo</h1>\n");

	void section(String title, List<DemoPart.Item> items) {
		html.append("<h2>").append(escape(title)).append("</h2>\n");
		for (DemoPart.Item item : items) {
			String file = escape(item.file()), caption = escape(item.caption());
			if (item.file().endsWith(".png")) {
				html.append("<figure><a href=\"").append(file).append("\"><img src=\"").append(file).append("\" alt=\"").append(caption)
					.append("\"></a><figcaption>").append(caption).append("</figcaption></figure>\n");
			}
			else {
				html.append("<p><a href=\"").append(file).append("\">").append(caption).append("</a></p>\n");
			}
		}
	}

	String finish(String runtime) {
		return html.append("<h2>Runtime</h2>\n<pre>").append(escape(runtime)).append("</pre>\n</body></html>\n").toString();
	}

	static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}
}
