// ConvKit Faces II: train a face embedding with the triplet loss on some persons, train a pair
// classifier on the same persons, then evaluate verification on other persons with both rules,
// writing one CSV row per evaluation (pairs, auc, eer, accuracy_10fold, ...) and the ROC curve of the
// trained embedding.
//
// Argument: folder=<folder with one subfolder of images per person> train=<persons, e.g. s1-s10>
//           test=<other persons, e.g. s11-s20> model=<new folder for the embedding>
//           classifier=<new folder for the pair classifier> output=<CSV file>
//           [network=scratch|finetune] [mining=semi_hard|hard|random] [epochs=30]
//           [face_mode=detect|cropped|cropped_resize] [input_size=416] [min_score=0.5]
// In Fiji:   ImageJ-linux64 --headless -batch faces_train_evaluate.ijm "folder=... train=... test=... model=... classifier=... output=..."
// ConvKit:   bin/convkit macro macros/faces_train_evaluate.ijm "folder=... train=... test=... model=... classifier=... output=..."
// For ORL (92x112 faces) use face_mode=detect input_size=128 min_score=0.3.

args = getArgument();
if (args == "") exit("faces_train_evaluate: expected the argument folder=... train=... test=... model=... classifier=... output=...");
folder = call("ij.Macro.getValue", args, "folder", "");
train = call("ij.Macro.getValue", args, "train", "");
test = call("ij.Macro.getValue", args, "test", "");
model = call("ij.Macro.getValue", args, "model", "");
classifier = call("ij.Macro.getValue", args, "classifier", "");
output = call("ij.Macro.getValue", args, "output", "");
// (the key is not "mode": getValue would find it inside face_mode=)
net = call("ij.Macro.getValue", args, "network", "scratch");
mining = call("ij.Macro.getValue", args, "mining", "semi_hard");
epochs = call("ij.Macro.getValue", args, "epochs", "30");
faces = "face_mode=" + call("ij.Macro.getValue", args, "face_mode", "detect") + " input_size=" + call("ij.Macro.getValue", args, "input_size", "416")
	+ " min_score=" + call("ij.Macro.getValue", args, "min_score", "0.5");
if (folder == "" || train == "" || test == "" || model == "" || classifier == "" || output == "")
	exit("faces_train_evaluate: folder, train, test, model, classifier and output are all needed; got: " + args);

setBatchMode(true);
run("Train Face Embedding", "folder=[" + folder + "] persons=[" + train + "] mode=" + net + " mining=" + mining + " epochs=" + epochs
	+ " model=[" + model + "] " + faces);
epochsRun = nResults;
run("Train Pair Classifier", "folder=[" + folder + "] persons=[" + train + "] classifier=[" + classifier + "] " + faces);

columns = newArray("pairs", "auc", "eer", "best_tau", "tau", "accuracy_at_tau", "accuracy_10fold", "accuracy_10fold_sd", "tar_at_far_1pct", "tar_at_far_0.1pct");
csv = "evaluation";
for (c = 0; c < columns.length; c++) csv = csv + "," + columns[c];
csv = csv + "\n";
roc = File.getDirectory(output) + File.getNameWithoutExtension(output) + "-roc.csv";
evaluations = newArray("trained embedding, distance", "pretrained, distance", "pretrained, pair classifier");
options = newArray("model=[" + model + "] output_roc_csv=[" + roc + "] overwrite=true", "", "rule=classifier classifier=[" + classifier + "]");
for (e = 0; e < evaluations.length; e++) {
	run("Evaluate Verification", "folder=[" + folder + "] persons=[" + test + "] " + options[e] + " " + faces);
	csv = csv + "\"" + evaluations[e] + "\"";
	for (c = 0; c < columns.length; c++) csv = csv + "," + d2s(getResult(columns[c], 0), 4);
	csv = csv + "\n";
}
File.saveString(csv, output);
print("faces_train_evaluate: " + epochsRun + " epochs trained, 3 evaluations on " + test + ", results in " + output);
