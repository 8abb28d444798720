// convkit_info.ijm: prints what ConvKit runs on (engine, device, threads, model cache, loaded models).
//
// Fiji (with ConvKit installed): Plugins > Macros > Run... (the text goes to the Log window), or
//   ImageJ-linux64 --headless -macro macros/convkit_info.ijm
// ConvKit launcher:
//   bin/convkit macro macros/convkit_info.ijm            (on a virtual display when there is none)
//   bin/convkit macro --headless macros/convkit_info.ijm

// The command logs its text output itself (Log window, or standard output without one).
run("ConvKit Info");
print("convkit_info: ImageJ " + getVersion() + ", Java " + getInfo("java.version"));
