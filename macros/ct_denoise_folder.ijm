// ct_denoise_folder.ijm: denoise every CT volume in a folder with ConvKit's self-supervised denoiser
// (Noise2Void: no clean data needed) and save each result as <name>_denoised.nii.gz on the input's
// grid, plus summary.csv (file, size, model, seconds). Volumes: .nii, .nii.gz, .tif stacks, and
// sub-folders of DICOM files (one series each).
//
// Argument: input=<folder> output=<folder>
//           [model=<folder from Train Denoiser>: denoise every volume with this model; default: train a
//            denoiser on each noisy volume itself first, saved as <output>/<name>_model]
//           [epochs=10] [steps_per_epoch=15] [patch_size=48] [patch_depth=48] [seed=42]: training, without model=
//           [tile_size=0: the model's default tile] [overwrite=true: replace the results of an earlier run]
// In Fiji:   ImageJ-linux64 --headless -batch ct_denoise_folder.ijm "input=... output=..."
// ConvKit:   bin/convkit macro --headless macros/ct_denoise_folder.ijm "input=... output=..."

args = getArgument();
if (args == "") exit("ct_denoise_folder: expected the argument input=<folder> output=<folder> [model=<folder>]");
input = call("ij.Macro.getValue", args, "input", "");
output = call("ij.Macro.getValue", args, "output", "");
model = call("ij.Macro.getValue", args, "model", "");
epochs = call("ij.Macro.getValue", args, "epochs", "10");
steps = call("ij.Macro.getValue", args, "steps_per_epoch", "15");
patch = call("ij.Macro.getValue", args, "patch_size", "48");
depth = call("ij.Macro.getValue", args, "patch_depth", "48");
seed = call("ij.Macro.getValue", args, "seed", "42");
tile = call("ij.Macro.getValue", args, "tile_size", "0");
overwrite = call("ij.Macro.getValue", args, "overwrite", "false");
if (input == "" || output == "") exit("ct_denoise_folder: input and output are both needed; got: " + args);
input = folder(input);
output = folder(output);
if (!File.isDirectory(input)) exit("ct_denoise_folder: input is not a folder: " + input);
if (!File.isDirectory(output)) File.makeDirectory(output);
flag = "";
if (overwrite == "true") flag = " overwrite";

setBatchMode(true);
summary = "file,size,model,seconds\n";
files = getFileList(input);
Array.sort(files);
count = 0;
for (i = 0; i < files.length; i++) {
	name = files[i];
	lower = toLowerCase(name);
	if (endsWith(name, "/")) {
		name = substring(name, 0, lengthOf(name) - 1); // a folder: a DICOM series
		base = name;
	} else if (endsWith(lower, ".nii.gz")) {
		base = substring(name, 0, lengthOf(name) - 7);
	} else if (endsWith(lower, ".nii") || endsWith(lower, ".tif") || endsWith(lower, ".tiff")) {
		base = File.getNameWithoutExtension(name);
	} else {
		continue;
	}
	start = getTime();
	run("Open CT Volume", "path=[" + input + name + "]");
	source = getTitle();
	used = model;
	if (used == "") {
		used = output + base + "_model";
		run("Train Denoiser", "image=[" + source + "] model=[" + used + "] epochs=" + epochs + " steps_per_epoch=" + steps + " patch_size=" + patch
			+ " patch_depth=" + depth + " seed=" + seed + flag);
	}
	run("Denoise Volume", "image=[" + source + "] model=[" + used + "] tile_size=" + tile);
	denoised = getTitle();
	run("Save NIfTI", "image=[" + denoised + "] file=[" + output + base + "_denoised.nii.gz]" + flag);
	size = "" + getWidth() + "x" + getHeight() + "x" + nSlices;
	seconds = d2s((getTime() - start) / 1000, 1);
	print(name + ": " + size + " denoised with " + used + " in " + seconds + " s");
	summary = summary + csvText(name) + "," + size + "," + csvText(used) + "," + seconds + "\n";
	close("*");
	count++;
}
File.saveString(summary, output + "summary.csv");
print("ct_denoise_folder: " + count + " volumes denoised from " + input + " into " + output + ", summary in summary.csv");

// A CSV field: quoted when it holds a comma or a quote.
function csvText(text) {
	if (indexOf(text, ",") < 0 && indexOf(text, "\"") < 0)
		return text;
	return "\"" + replace(text, "\"", "\"\"") + "\"";
}

// An absolute folder path ending with a separator; relative paths are taken from the working folder.
function folder(path) {
	path = replace(path, "\\\\", "/");
	if (!startsWith(path, "/") && !matches(path, "^[A-Za-z]:.*"))
		path = getInfo("user.dir") + "/" + path;
	if (!endsWith(path, "/"))
		path = path + "/";
	return path;
}
