// ConvKit ECG: detect and classify the beats of every record in a folder (WFDB .hea, EDF, CSV),
// writing <record>_beats.csv per record and summary.csv into the output folder, then print the
// summary. A record that cannot be read is listed as failed (with its error) and the batch goes on.
//
// Argument: records=<folder of records> output=<folder for the CSV files>
//           [model=<folder from Train ECG Classifier; default: the shipped MIT-BIH DS1 model>]
//           [lead=<lead name; default MLII, else the first>] [frequency=<Hz of CSV files without time column>]
//           [overwrite=true: replace the CSV files of an earlier run in the output folder; default: refuse them]
// In Fiji:   ImageJ-linux64 --headless -batch ecg_classify_folder.ijm "records=... output=..."
// ConvKit:   bin/convkit macro --headless macros/ecg_classify_folder.ijm "records=... output=..."

args = getArgument();
if (args == "") exit("ecg_classify_folder: expected the argument records=<folder> output=<folder>");
records = call("ij.Macro.getValue", args, "records", "");
output = call("ij.Macro.getValue", args, "output", "");
model = call("ij.Macro.getValue", args, "model", "");
lead = call("ij.Macro.getValue", args, "lead", "");
frequency = call("ij.Macro.getValue", args, "frequency", "360");
overwrite = call("ij.Macro.getValue", args, "overwrite", "false");
if (records == "" || output == "") exit("ecg_classify_folder: records and output are both needed; got: " + args);
if (!File.isDirectory(output)) File.makeDirectory(output);

options = "folder=[" + records + "] output_folder=[" + output + "] frequency=" + frequency;
if (model != "") options = options + " model=[" + model + "]";
if (lead != "") options = options + " lead=[" + lead + "]";
if (overwrite == "true") options = options + " overwrite";
setBatchMode(true);
run("Classify ECG Folder", options);

ok = 0;
failed = 0;
beats = 0;
for (i = 0; i < nResults; i++) {
	if (getResultString("status", i) == "ok") {
		ok++;
		beats = beats + getResult("beats", i);
		print(getResultString("record", i) + ": " + getResult("beats", i) + " beats, N " + getResult("N", i) + ", S " + getResult("S", i)
			+ ", V " + getResult("V", i) + ", F " + getResult("F", i) + ", Q " + getResult("Q", i)
			+ "; " + getResult("atrial_fibrillation_beats", i) + " in atrial fibrillation");
	} else {
		failed++;
		print(getResultString("record", i) + ": FAILED: " + getResultString("error", i));
	}
}
print("ecg_classify_folder: " + ok + " records classified (" + beats + " beats), " + failed + " failed; CSV files in " + output);
