// ConvKit Faces: enrol a folder of persons, then recognize every image of another folder,
// writing one CSV row per face (and per image without a face).
//
// Argument: persons=<folder with one subfolder of images per person>
//           queries=<folder of images to recognize> gallery=<gallery .json to create or extend>
//           output=<CSV file> [face_mode=detect|cropped|cropped_resize] [tau=0.6] [input_size=416]
// In Fiji:   ImageJ-linux64 --headless -batch faces_enroll_recognize.ijm "persons=... queries=... gallery=... output=..."
// ConvKit:   bin/convkit macro macros/faces_enroll_recognize.ijm "persons=... queries=... gallery=... output=..."
// For small images of one face each (e.g. the ORL database, 92x112) use face_mode=detect input_size=128
// (on ORL it does better than face_mode=cropped, which takes every image as a face, even one without).

args = getArgument();
if (args == "") exit("faces_enroll_recognize: expected the argument persons=... queries=... gallery=... output=...");
persons = call("ij.Macro.getValue", args, "persons", "");
queries = call("ij.Macro.getValue", args, "queries", "");
gallery = call("ij.Macro.getValue", args, "gallery", "");
output = call("ij.Macro.getValue", args, "output", "");
mode = call("ij.Macro.getValue", args, "face_mode", "detect");
tau = call("ij.Macro.getValue", args, "tau", "0.6");
size = call("ij.Macro.getValue", args, "input_size", "416");
if (persons == "" || queries == "" || gallery == "" || output == "")
	exit("faces_enroll_recognize: persons, queries, gallery and output are all needed; got: " + args);
if (!endsWith(queries, "/")) queries = queries + "/";

setBatchMode(true);
run("Enroll Face Folder", "folder=[" + persons + "] gallery=[" + gallery + "] face_mode=" + mode + " input_size=" + size);
enrolled = 0;
for (i = 0; i < nResults; i++)
	if (getResultString("status", i) == "enrolled") enrolled++;

csv = "file,slice,identity,distance,runner_up,runner_up_distance\n";
files = getFileList(queries);
Array.sort(files);
images = 0;
for (f = 0; f < files.length; f++) {
	name = files[f];
	if (endsWith(name, "/") || !matches(toLowerCase(name), ".*\\.(tif|tiff|png|jpg|jpeg|pgm|bmp|gif)")) continue;
	open(queries + name);
	title = getTitle();
	run("Recognize Faces", "image=[" + title + "] gallery=[" + gallery + "] tau=" + tau + " face_mode=" + mode + " input_size=" + size);
	for (row = 0; row < nResults; row++) {
		identity = getResultString("identity", row);
		if (identity == "null" || identity == "") identity = "no face";
		csv = csv + name + "," + getResult("slice", row) + "," + identity + "," + d2s(getResult("distance", row), 4) + ","
			+ getResultString("runner_up", row) + "," + d2s(getResult("runner_up_distance", row), 4) + "\n";
	}
	close(title);
	images++;
}
File.saveString(csv, output);
print("faces_enroll_recognize: " + enrolled + " images enrolled, " + images + " images recognized, results in " + output);
