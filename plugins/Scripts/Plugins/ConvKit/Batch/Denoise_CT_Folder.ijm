// Plugins > ConvKit > Batch > Denoise CT Folder: runs macros/ct_denoise_folder.ijm, the batch workflow that
// ImageJ macros and the command line use too. From the menu it asks for the folders; with an
// argument (Fiji's --headless -batch, or `bin/convkit macro`) it passes it on unchanged.
// Fiji resolves getDirectory("macros") to Fiji.app/macros/, where ConvKit's macros/ is copied.
workflow = getDirectory("macros") + "ct_denoise_folder.ijm";
if (!File.exists(workflow))
	exit("ConvKit: " + workflow + " not found; copy ConvKit's macros/ folder into Fiji.app/ (see ConvKit's README: Install into Fiji)");
arguments = getArgument();
if (arguments == "") {
	input = getDirectory("Folder with the CT volumes to denoise");
	output = getDirectory("Folder for the denoised volumes");
	arguments = "input=[" + input + "] output=[" + output + "]";
}
runMacro(workflow, arguments);
