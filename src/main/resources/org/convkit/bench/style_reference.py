# ConvKit bench reference: one Gatys style-transfer iteration (forward + backward to the pixels +
# Adam step) in PyTorch, with the same random feature network, weights, inputs and losses as
# `convkit bench style`.
# Usage: python3 style_reference.py WEIGHTS CONTENT STYLE HEIGHT WIDTH RUNS
#   WEIGHTS: float32 little-endian, weight then bias of every convolution in forward order
#   CONTENT, STYLE: float32 (3, HEIGHT, WIDTH) RGB 0..1
# Prints: "median_seconds <s, best layout> layout <l> seconds_nchw <s> seconds_channels_last <s> j0 <J at G = content>
#   j1 <J after one step> threads <n> torch <version> peak_rss_mb <m>" (J of the NCHW run).
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from reference_io import LAYOUTS, in_layout, info, set_threads

set_threads()  # ConvKit's threads

weights_file, content_file, style_file = sys.argv[1:4]
height, width, runs = (int(a) for a in sys.argv[4:7])
BLOCKS, WIDTHS = [2, 2, 2, 2, 1], [32, 64, 128, 256, 256]
CONTENT_LAYER, STYLE_LAYERS, LAMBDA = "conv4_2", ["conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1"], 0.2
ALPHA, BETA, RATE = 1.0, 3e6, 0.05
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)

flat = torch.from_numpy(np.fromfile(weights_file, dtype="<f4").copy())
layers, offset, cin = [], 0, 3
for b, (count, cout) in enumerate(zip(BLOCKS, WIDTHS)):
    if b > 0:
        layers.append(("pool%d" % b, None, None))
    for i in range(count):
        n = cout * cin * 9
        w = flat[offset:offset + n].view(cout, cin, 3, 3)
        bias = flat[offset + n:offset + n + cout]
        offset += n + cout
        layers.append(("conv%d_%d" % (b + 1, i + 1), w, bias))
        cin = cout
assert offset == flat.numel(), "weights file does not match the architecture"


def features(x, wanted, layers):
    out, x = {}, (x - MEAN) / STD
    last = max(i for i, (name, _, _) in enumerate(layers) if name in wanted)
    for name, w, b in layers[:last + 1]:
        x = F.avg_pool2d(x, 2, 2) if w is None else F.relu(F.conv2d(x, w, b, padding=1))
        if name in wanted:
            out[name] = x
    return out


def gram(a):
    c, m = a.shape[1], a.shape[2] * a.shape[3]
    f = a.reshape(c, m)  # a copy in channels_last
    return f @ f.t() / m


def load(path):
    return torch.from_numpy(np.fromfile(path, dtype="<f4").copy()).view(1, 3, height, width)


content, style = load(content_file), load(style_file)
wanted = [CONTENT_LAYER] + STYLE_LAYERS


def iterations(layout):
    """Median seconds of an iteration (after 2 warm-ups) and J's values, with tensors in `layout`."""
    net = [(name, None if w is None else in_layout(w, layout), b) for name, w, b in layers]
    c, s = in_layout(content, layout), in_layout(style, layout)
    with torch.no_grad():
        target = features(c, [CONTENT_LAYER], net)[CONTENT_LAYER]
        grams = {k: gram(v) for k, v in features(s, STYLE_LAYERS, net).items()}

    def objective(g):
        f = features(g, wanted, net)
        j_content = 0.5 * ((f[CONTENT_LAYER] - target) ** 2).sum()
        j_style = sum(LAMBDA * ((gram(f[l]) - grams[l]) ** 2).sum() / (4.0 * f[l].shape[1] ** 2) for l in STYLE_LAYERS)
        return ALPHA * j_content + BETA * j_style

    g = c.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([g], lr=RATE)
    values, times = [], []
    for i in range(runs + 2):
        start = time.perf_counter()
        optimizer.zero_grad()
        j = objective(g)
        j.backward()
        optimizer.step()
        with torch.no_grad():
            g.clamp_(0, 1)
        elapsed = time.perf_counter() - start
        values.append(j.item())
        if i >= 2:  # warm-up
            times.append(elapsed)
    times.sort()
    return times[len(times) // 2], values


seconds = {}
for layout in LAYOUTS:
    seconds[layout], values = iterations(layout)
    if layout == "nchw":
        j = values
best = min(seconds, key=seconds.get)
print("median_seconds %.6f layout %s %s j0 %.6g j1 %.6g %s" % (seconds[best], best, " ".join("seconds_%s %.6f" % kv for kv in seconds.items()),
                                                             j[0], j[1], info()))
