# ConvKit bench reference: the same single-channel Conv3d as `convkit bench core`, in PyTorch: the
# filter's kernel as ConvKit loads it, on the same volume, borders mirrored as ConvKit's tiling does
# (ImgLib2's extendMirrorSingle = torch's 'reflect'), so the outputs can be compared.
# Usage: python3 conv3d_reference.py PARAMETERS VOLUME DEPTH HEIGHT WIDTH RUNS OUT
#   PARAMETERS: folder with parameters.json/.f32 (the Conv3d's weight); VOLUME: float32 (DEPTH, HEIGHT, WIDTH);
#   OUT: float32 (DEPTH, HEIGHT, WIDTH) filtered volume written here.
# Prints one line: "median_seconds <s> (mirror padding + convolution) threads <n> torch <version> peak_rss_mb <m>".
import sys

import torch
import torch.nn.functional as F

from reference_io import Parameters, info, load_f32, median_seconds, save_f32, set_threads

# libgomp may start with one thread here; the fair reference uses ConvKit's threads.
set_threads()

folder, volume_file = sys.argv[1:3]
depth, height, width, runs = (int(a) for a in sys.argv[3:7])
out_file = sys.argv[7]
params = Parameters(folder)
weight = params.take("weight")  # (1, 1, k, k, k)
params.check_all_taken()
r = weight.shape[-1] // 2
volume = load_f32(volume_file, (1, 1, depth, height, width))


def filtered():
    return F.conv3d(F.pad(volume, (r, r, r, r, r, r), mode="reflect"), weight)


with torch.inference_mode():
    out = filtered()
    assert tuple(out.shape) == (1, 1, depth, height, width)
    save_f32(out_file, out)
    seconds = median_seconds(filtered, 2, runs)
print("median_seconds %.6f %s" % (seconds, info()))
