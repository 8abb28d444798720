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

    def take(self, suffix, layout="nchw"):
        """The next parameter (4-D and 5-D ones in `layout`); its DJL name must end with `suffix`."""
        entry = self.entries[self.index]
        assert entry["name"].endswith(suffix), "expected a parameter ending in %s, got %s" % (suffix, entry["name"])
        n = int(np.prod(entry["shape"]))
        value = torch.from_numpy(self.flat[self.offset:self.offset + n].copy()).view(*entry["shape"])
        self.index, self.offset = self.index + 1, self.offset + n
        return in_layout(value, layout)

    def check_all_taken(self):
        assert self.index == len(self.entries) and self.offset == self.flat.size, "parameters left over: the architectures differ"


# Memory layouts the references are timed in. PyTorch's default (NCHW, contiguous) is how the inputs
# arrive, but its oneDNN convolutions can be several times faster in channels_last on some CPUs; a
# fair reference is PyTorch at the better of the two, so the scripts time both and report each.
LAYOUTS = {"nchw": torch.contiguous_format, "channels_last": torch.channels_last}


def in_layout(tensor, layout):
    """A 4-D tensor in the layout (channels_last_3d for 5-D); others unchanged."""
    if tensor.dim() == 4:
        return tensor.contiguous(memory_format=LAYOUTS[layout])
    if tensor.dim() == 5 and layout == "channels_last":
        return tensor.contiguous(memory_format=torch.channels_last_3d)
    return tensor


def timing_fields(seconds_by_layout):
    """"seconds <best> layout <its name> seconds_nchw <s> seconds_channels_last <s>"."""
    best = min(seconds_by_layout, key=seconds_by_layout.get)
    return "seconds %.6f layout %s %s" % (seconds_by_layout[best], best,
                                          " ".join("seconds_%s %.6f" % (k, v) for k, v in seconds_by_layout.items()))


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
