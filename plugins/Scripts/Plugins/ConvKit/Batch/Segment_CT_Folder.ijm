// Plugins > ConvKit > Batch > Segment CT Folder: runs macros/ct_segment_folder.ijm, the batch workflow that
// ImageJ macros and the command line use too. From the menu it asks for its folders; with an
// argument (Fiji's --headless -batch, or `bin/convkit macro`) it passes it on unchanged.
// Fiji resolves getDirectory("macros") to Fiji.app/macros/, where ConvKit's macros/ is copied.
workflow = getDirectory("macros") + "ct_segment_folder.ijm";
if (!File.exists(workflow))
	exit("ConvKit: " + workflow + " not found; copy ConvKit's macros/ folder into Fiji.app/ (see ConvKit's README: Install into Fiji)");
argument = getArgument();
if (argument == "") {
	input = getDirectory("Folder with the CT volumes (.nii, .nii.gz, .tif)");
	model = getDirectory("Model folder (from Train Segmenter)");
	output = getDirectory("Folder for the label volumes and summary.csv");
	argument = "input=[" + input + "] model=[" + model + "] output=[" + output + "]";
}
runMacro(workflow, argument);
