# Shared helpers of ConvKit's bench reference scripts (copied beside each script by the bench):
# torch's threads as ConvKit's, float32 files and parameters written by the bench, timing, and the
# "key value ..." lines the bench reads back.
import json
import os
import resource
import time

import numpy as np
import torch


def set_threads():
    """torch computes on as many threads as ConvKit's engine (the bench passes CONVKIT_REFERENCE_THREADS)."""
    torch.set_num_threads(int(os.environ.get("CONVKIT_REFERENCE_THREADS", os.cpu_count())))


def load_f32(path, shape):
    """A raw little-endian float32 file as a tensor of the given shape."""
    return torch.from_numpy(np.fromfile(path, dtype="<f4").copy()).view(*shape)


def save_f32(path, tensor):
    tensor.detach().contiguous().numpy().astype("<f4").tofile(path)


class Parameters:
    """ConvKit's parameters in DJL's order (parameters.json + parameters.f32), taken one by one."""

    def __init__(self, folder):
        with open(os.path.join(folder, "parameters.json")) as f:
            self.entries = json.load(f)
        self.flat = np.fromfile(os.path.join(folder, "parameters.f32"), dtype="<f4")
        self.index, self.offset = 0, 0

    def take(self, suffix):
        """The next parameter; its DJL name must end with `suffix` (weight, bias, gamma, ...)."""
        entry = self.entries[self.index]
        assert entry["name"].endswith(suffix), "expected a parameter ending in %s, got %s" % (suffix, entry["name"])
        n = int(np.prod(entry["shape"]))
        value = torch.from_numpy(self.flat[self.offset:self.offset + n].copy()).view(*entry["shape"])
        self.index, self.offset = self.index + 1, self.offset + n
        return value

    def check_all_taken(self):
        assert self.index == len(self.entries) and self.offset == self.flat.size, "parameters left over: the architectures differ"


def median_seconds(work, warmups, runs):
    """Median wall time of `runs` calls after `warmups` untimed ones (as the bench's Timing)."""
    for _ in range(warmups):
        work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2]


def info():
    """The closing line's fields: threads used, torch's version, this process's peak resident memory."""
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return "threads %d torch %s peak_rss_mb %.0f" % (torch.get_num_threads(), torch.__version__, peak_mb)
