// style_transfer.ijm: paint a photo in the style of a painting (ConvKit Style Transfer) and save
// the result as an RGB TIFF; the loss terms and the network used go to the Log.
//
// Argument: "content=<image file> style=<image file> output=<file.tif> [network=random]
//            [iterations=100] [size=512] [optimizer=adam] [preserve_color=false]"
// (paths with spaces in brackets, ImageJ-style).
//
// Fiji (with ConvKit installed): Plugins > Macros > Run..., or from a shell:
//   ImageJ-linux64 --headless -macro macros/style_transfer.ijm "content=photo.png style=painting.jpg output=out.tif"
// ConvKit launcher:
//   bin/convkit macro --headless macros/style_transfer.ijm "content=photo.png style=painting.jpg output=/tmp/styled.tif"

argument = getArgument();
content = call("ij.Macro.getValue", argument, "content", "");
style = call("ij.Macro.getValue", argument, "style", "");
output = call("ij.Macro.getValue", argument, "output", "");
if (content == "" || style == "" || output == "")
	exit("style_transfer: expected \"content=<image> style=<image> output=<file.tif>\", got \"" + argument + "\"");
network = call("ij.Macro.getValue", argument, "network", "random");
iterations = call("ij.Macro.getValue", argument, "iterations", "100");
size = call("ij.Macro.getValue", argument, "size", "512");
optimizer = call("ij.Macro.getValue", argument, "optimizer", "adam");
preserve = call("ij.Macro.getValue", argument, "preserve_color", "false");

setBatchMode(true);
open(content);
contentTitle = getTitle();
open(style);
styleTitle = getTitle();
run("Style Transfer", "content=[" + contentTitle + "] style=[" + styleTitle + "] network=" + network +
	" iterations=" + iterations + " size=" + size + " optimizer=" + optimizer + " preserve_color=" + preserve);
// The result is the newest image.
saveAs("Tiff", output);
print("style_transfer: wrote " + output + " (" + getWidth() + "x" + getHeight() + ")");
