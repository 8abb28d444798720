// Plugins > ConvKit > Batch > Filter Folder: runs macros/filter_folder.ijm, the batch workflow that
// ImageJ macros and the command line use too. From the menu it asks for its folders; with an
// argument (Fiji's --headless -batch, or `bin/convkit macro`) it passes it on unchanged.
// Fiji resolves getDirectory("macros") to Fiji.app/macros/, where ConvKit's macros/ is copied.
workflow = getDirectory("macros") + "filter_folder.ijm";
if (!File.exists(workflow))
	exit("ConvKit: " + workflow + " not found; copy ConvKit's macros/ folder into Fiji.app/ (see ConvKit's README: Install into Fiji)");
runMacro(workflow, getArgument());
