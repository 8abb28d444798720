// ConvKit CT: segment every CT volume in a folder (.nii, .nii.gz, .tif) with a model from Train Segmenter,
// writing <name>_labels.nii.gz (the input's geometry) per volume and summary.csv (file, label, voxels,
// volume_mL, bounding box) into the output folder, then print the volumes. A volume that cannot be
// read or segmented ends the batch with its error (the files of the volumes before it are kept).
//
// Argument: input=<folder of volumes> model=<folder from Train Segmenter> output=<folder for the results>
//           [tile_size=<voxels; default: the model's>] [overwrite=true: replace the files of an earlier run]
// Folders with spaces in brackets, ImageJ-style: "input=[/my data/ct] model=/m output=/out".
// In Fiji:   ImageJ-linux64 --headless -batch ct_segment_folder.ijm "input=... model=... output=..."
// ConvKit:   bin/convkit macro --headless macros/ct_segment_folder.ijm "input=... model=... output=..."

args = getArgument();
if (args == "") exit("ct_segment_folder: expected the argument input=<folder> model=<folder> output=<folder>");
input = call("ij.Macro.getValue", args, "input", "");
model = call("ij.Macro.getValue", args, "model", "");
output = call("ij.Macro.getValue", args, "output", "");
tile = call("ij.Macro.getValue", args, "tile_size", "0");
overwrite = call("ij.Macro.getValue", args, "overwrite", "false");
if (input == "" || model == "" || output == "") exit("ct_segment_folder: input, model and output are all needed; got: " + args);
input = folder(input);
output = folder(output);
if (!File.isDirectory(input)) exit("ct_segment_folder: input is not a folder: " + input);
if (!File.isDirectory(output)) File.makeDirectory(output);
summaryFile = output + "summary.csv";
if (File.exists(summaryFile) && overwrite != "true") exit("ct_segment_folder: " + summaryFile + " exists; set overwrite=true to replace it");

setBatchMode(true);
summary = "file,label,voxels,volume_mL,min_x,min_y,min_z,max_x,max_y,max_z\n";
files = getFileList(input);
Array.sort(files);
done = 0;
for (i = 0; i < files.length; i++) {
	name = files[i];
	lower = toLowerCase(name);
	if (!endsWith(lower, ".nii") && !endsWith(lower, ".nii.gz") && !endsWith(lower, ".tif") && !endsWith(lower, ".tiff"))
		continue;
	base = replace(name, "(?i)\\.(nii\\.gz|nii|tiff?)$", "");
	run("Open CT Volume", "path=[" + input + name + "]");
	volume = getTitle();
	run("Segment Volume", "image=[" + volume + "] model=[" + model + "] tile_size=" + tile);
	saving = "image=[" + volume + "-labels] file=[" + output + base + "_labels.nii.gz] datatype=auto";
	if (overwrite == "true") saving = saving + " overwrite";
	run("Save NIfTI", saving);
	done++;
	for (r = 0; r < nResults; r++) {
		summary = summary + csvText(name) + "," + getResult("label", r) + "," + getResult("voxels", r) + "," + d2s(getResult("volume_mL", r), 3);
		summary = summary + "," + getResult("min_x", r) + "," + getResult("min_y", r) + "," + getResult("min_z", r);
		summary = summary + "," + getResult("max_x", r) + "," + getResult("max_y", r) + "," + getResult("max_z", r) + "\n";
		print(name + ": label " + getResult("label", r) + ", " + getResult("voxels", r) + " voxels, " + d2s(getResult("volume_mL", r), 2) + " mL");
	}
	close("*");
}
File.saveString(summary, summaryFile);
print("ct_segment_folder: " + done + " volumes segmented; labels and summary.csv in " + output);

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
