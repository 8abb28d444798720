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
	private static final List<DemoPart> PARTS = List.of(new FilterDemo(), new FaceDemo(), new EcgDemo(), new StyleDemo(), new CtDemo(), new CtSegmentDemo());

	private Demo() {}

	public static int run(String[] args) throws IOException {
		System.setProperty("java.awt.headless", "true");
		Path folder = Path.of(args.length > 0 ? args[0] : "demo-output").toAbsolutePath().normalize();
		Files.createDirectories(folder);
		DemoPage page = new DemoPage();
		try (Context context = new Context()) {
			for (DemoPart part : PARTS) {
				System.out.println("demo: " + part.title());
				page.section(part.title(), part.run(context, folder));
			}
		}
		String info = ConvKitRuntime.get().info().describe();
		AtomicFiles.writeString(folder.resolve("info.txt"), info);
		AtomicFiles.writeString(folder.resolve("index.html"), page.finish(info));
		System.out.println("ConvKit demo written to " + folder + " (open " + folder.resolve("index.html") + ")");
		return 0;
	}
}
