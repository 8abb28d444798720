# ConvKit bench reference: one Gatys style-transfer iteration (forward + backward to the pixels +
# Adam step) in PyTorch, with the same random feature network, weights, inputs and losses as
# `convkit bench style`.
# Usage: python3 style_reference.py WEIGHTS CONTENT STYLE HEIGHT WIDTH RUNS
#   WEIGHTS: float32 little-endian, weight then bias of every convolution in forward order
#   CONTENT, STYLE: float32 (3, HEIGHT, WIDTH) RGB 0..1
# Prints: "median_seconds <s> j0 <J at G = content> j1 <J after one step> threads <n> torch <version> peak_rss_mb <m>".
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from reference_io import info, set_threads

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


def features(x, wanted):
    out, x = {}, (x - MEAN) / STD
    last = max(i for i, (name, _, _) in enumerate(layers) if name in wanted)
    for name, w, b in layers[:last + 1]:
        x = F.avg_pool2d(x, 2, 2) if w is None else F.relu(F.conv2d(x, w, b, padding=1))
        if name in wanted:
            out[name] = x
    return out


def gram(a):
    c, m = a.shape[1], a.shape[2] * a.shape[3]
    f = a.view(c, m)
    return f @ f.t() / m


def load(path):
    return torch.from_numpy(np.fromfile(path, dtype="<f4").copy()).view(1, 3, height, width)


content, style = load(content_file), load(style_file)
with torch.no_grad():
    target = features(content, [CONTENT_LAYER])[CONTENT_LAYER]
    grams = {k: gram(v) for k, v in features(style, STYLE_LAYERS).items()}
wanted = [CONTENT_LAYER] + STYLE_LAYERS


def objective(g):
    f = features(g, wanted)
    j_content = 0.5 * ((f[CONTENT_LAYER] - target) ** 2).sum()
    j_style = sum(LAMBDA * ((gram(f[l]) - grams[l]) ** 2).sum() / (4.0 * f[l].shape[1] ** 2) for l in STYLE_LAYERS)
    return ALPHA * j_content + BETA * j_style


g = content.clone().requires_grad_(True)
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
print("median_seconds %.6f j0 %.6g j1 %.6g %s" % (times[len(times) // 2], values[0], values[1], info()))
