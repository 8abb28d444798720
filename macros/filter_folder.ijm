// filter_folder.ijm: Laplacian-of-Gaussian filter (ConvKit) every .tif image in a folder, save each
// result as a 32-bit TIFF (<name>_LoG.tif) and a summary (file, slices, mean, max) as summary.csv.
//
// Argument: "input=<folder> output=<folder>"; folders with spaces in brackets, ImageJ-style:
//   "input=[/my data/in] output=[/my data/out]". Without an argument it asks for both folders.
//
// Fiji (with ConvKit installed): Plugins > Macros > Run... (asks for the folders), or from a shell:
//   ImageJ-linux64 --headless -macro macros/filter_folder.ijm "input=/data/in output=/data/out"
// ConvKit launcher (starts a virtual display when there is none; --headless runs without one):
//   bin/convkit macro macros/filter_folder.ijm "input=test-data/blobs output=/tmp/blobs-log"
//   bin/convkit macro --headless macros/filter_folder.ijm "input=test-data/blobs output=/tmp/blobs-log"

argument = getArgument();
if (argument != "") {
	// ImageJ's own option parser: handles key=value and key=[value with spaces].
	input = call("ij.Macro.getValue", argument, "input", "");
	output = call("ij.Macro.getValue", argument, "output", "");
	if (input == "" || output == "")
		exit("filter_folder: expected \"input=<folder> output=<folder>\", got \"" + argument + "\"");
} else {
	input = getDirectory("Folder with the .tif images to filter");
	output = getDirectory("Folder for the filtered images");
}
input = folder(input);
output = folder(output);
if (!File.isDirectory(input))
	exit("filter_folder: input is not a folder: " + input);
if (!File.isDirectory(output))
	File.makeDirectory(output);

setBatchMode(true);
// The summary is written as CSV text by the macro itself: ImageJ's Table functions save a
// different file (an extra row-number column) when there is no display.
summary = "file,slices,mean,max\n";
files = getFileList(input);
Array.sort(files);
count = 0;
for (i = 0; i < files.length; i++) {
	name = files[i];
	lower = toLowerCase(name);
	if (!endsWith(lower, ".tif") && !endsWith(lower, ".tiff"))
		continue;
	open(input + name);
	source = getTitle();
	// Every plane on its own (2D), as the images may be single planes or Z stacks.
	run("Convolution Filter", "image=[" + source + "] filter=laplacian_of_gaussian sigma=2 dimensions=2D");
	saveAs("Tiff", output + File.getNameWithoutExtension(name) + "_LoG.tif");
	// Statistics of the whole stack, not just the current slice.
	if (nSlices > 1)
		Stack.getStatistics(voxels, mean, min, max);
	else
		getStatistics(area, mean, min, max);
	summary = summary + csvText(name) + "," + nSlices + "," + d2s(mean, 6) + "," + d2s(max, 6) + "\n";
	close("*");
	count++;
}
File.saveString(summary, output + "summary.csv");
print("filter_folder: " + count + " images filtered (LoG, sigma 2) from " + input + " to " + output + ", summary in summary.csv");

// A CSV field: quoted when it holds a comma or a quote.
function csvText(text) {
	if (indexOf(text, ",") < 0 && indexOf(text, "\"") < 0)
		return text;
	return "\"" + replace(text, "\"", "\"\"") + "\"";
}

// An absolute folder path ending with a separator; relative paths are taken from the working folder.
function folder(path) {
	path = replace(path, "\\\\", "/"); // Windows separators: Java takes "/" everywhere
	if (!startsWith(path, "/") && !matches(path, "^[A-Za-z]:.*"))
		path = getInfo("user.dir") + "/" + path;
	if (!endsWith(path, "/"))
		path = path + "/";
	return path;
}
