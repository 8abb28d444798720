# ConvKit bench reference: the same single-channel Conv3d as `convkit bench core`, in PyTorch.
# Usage: python3 conv3d_reference.py DEPTH HEIGHT WIDTH KERNEL RUNS
# Prints one line: "median_seconds <s> threads <n> torch <version> peak_rss_mb <m>".
import sys
import time

import torch

from reference_io import info, set_threads

# libgomp may start with one thread here; the fair reference uses ConvKit's threads.
set_threads()

depth, height, width, kernel, runs = (int(a) for a in sys.argv[1:6])
torch.manual_seed(0)
volume = torch.rand(1, 1, depth + kernel - 1, height + kernel - 1, width + kernel - 1)
weight = torch.rand(1, 1, kernel, kernel, kernel)
times = []
with torch.no_grad():
    for i in range(runs + 2):
        start = time.perf_counter()
        out = torch.nn.functional.conv3d(volume, weight)
        elapsed = time.perf_counter() - start
        if i >= 2:  # warm-up
            times.append(elapsed)
assert tuple(out.shape) == (1, 1, depth, height, width)
times.sort()
print("median_seconds %.6f %s" % (times[len(times) // 2], info()))
