# ConvKit bench reference: face-api.js's face recognition network (dlib's ResNet, 128-D
# descriptors) in PyTorch, with the parameters ConvKit computes with (face-api's weights, scale
# layers and input normalisation folded into the convolutions at load), on the same chips.
# Usage: python3 face_reference.py PARAMETERS CHIPS COUNT BATCHES OUT
#   PARAMETERS: folder with parameters.json/.f32 (DJL order); CHIPS: float32 (COUNT, 3, 150, 150),
#   RGB 0..255; BATCHES: e.g. 1,8,32 (each <= COUNT); OUT: float32 (COUNT, 128) descriptors (NCHW run).
# Prints per batch "batch <b> seconds <best> layout <l> seconds_nchw <s> seconds_channels_last <s>",
# then "threads <n> torch <v> peak_rss_mb <m>".
# Or: python3 face_reference.py train ARCHITECTURE PARAMETERS CHIPS P K MARGIN LR FREEZE RUNS
#   Train Face Embedding's step (org.convkit.face.train.EmbeddingTrainer.step) on P x K chips (chip i
#   of person i / K): forward in training mode, batch-hard triplets on the embeddings' squared
#   distances, the summed triplet loss, backward, Adam. ARCHITECTURE: scratch (ScratchEmbeddingNet)
#   or finetune (this network, its first convolution and FREEZE units frozen). Prints "seconds
#   <median step, best layout> layout <l> seconds_nchw <s> seconds_channels_last <s> first_loss <l>
#   triplets <t> threads ...".
import sys

import torch
import torch.nn.functional as F

from reference_io import LAYOUTS, Parameters, in_layout, info, load_f32, median_seconds, save_f32, set_threads, timing_fields

UNITS = ["conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1", "conv64_2", "conv64_3",
         "conv128_down", "conv128_1", "conv128_2", "conv256_down", "conv256_1", "conv256_2", "conv256_down_out"]

set_threads()


def network(folder, layout, groups=None):
    """The descriptor network, its parameters taken in DJL's order, weights in `layout`; `groups`
    collects them: the first convolution's, each unit's, the final matrix."""
    params = Parameters(folder)
    groups = [] if groups is None else groups

    def conv(stride, padding):
        w, b = params.take("weight", layout), params.take("bias")
        groups[-1].extend([w, b])
        return lambda x: F.conv2d(x, w, b, stride=stride, padding=padding)

    def residual(down):
        """relu(conv2(relu(conv1(x))) + shortcut); down-sampling: stride-2 'valid' conv1, shortcut
        average-pooled 2x2 with zero channels appended, conv output zero-padded bottom/right."""
        conv1, conv2 = conv(2 if down else 1, 0 if down else 1), conv(1, 1)

        def forward(x):
            out = conv2(F.relu(conv1(x)))
            if not down:
                return F.relu(out + x)
            short = F.avg_pool2d(x, 2, 2)
            short = F.pad(short, (0, 0, 0, 0, 0, out.shape[1] - short.shape[1]))
            out = F.pad(out, (0, short.shape[3] - out.shape[3], 0, short.shape[2] - out.shape[2]))
            return F.relu(out + short)

        return forward

    groups.append([])
    first = conv(2, 0)  # input normalisation folded in
    units = []
    for u in UNITS:
        groups.append([])
        units.append(residual(u.endswith("_down") or u.endswith("_down_out")))
    fc = params.take("weight")  # (128, 256), no bias
    groups.append([fc])
    params.check_all_taken()

    def describe(x):
        x = F.relu(F.max_pool2d(first(x), 3, 2))  # max commutes with relu: the same as relu first
        for unit in units:
            x = unit(x)
        return F.linear(x.mean((2, 3)), fc)

    return describe


def scratch(folder, layout, groups):
    """ScratchEmbeddingNet: x / 127.5 - 1, five blocks of 3x3 convolution (no bias; stride 2 but the
    last), batch norm (batch statistics: training) and relu, global average, linear, L2 normalisation."""
    params = Parameters(folder)
    blocks = []
    for i in range(5):
        w = params.take("weight", layout)
        gamma, beta, mean, var = (params.take(n) for n in ("gamma", "beta", "runningMean", "runningVar"))
        groups.append([w, gamma, beta])
        blocks.append((w, gamma, beta, mean, var, 2 if i < 4 else 1))
    lw, lb = params.take("weight"), params.take("bias")
    groups.append([lw, lb])
    params.check_all_taken()

    def embed(x):
        x = x / 127.5 - 1
        for w, gamma, beta, mean, var, stride in blocks:
            x = F.relu(F.batch_norm(F.conv2d(x, w, None, stride=stride, padding=1), mean, var, gamma, beta, True, 0.1, 1e-5))
        x = F.linear(x.mean((2, 3)), lw, lb)
        return x / (x.square().sum(1, keepdim=True) + 1e-12).sqrt()

    return embed


def train():
    architecture, folder, chips_file = sys.argv[2:5]
    p, k = int(sys.argv[5]), int(sys.argv[6])
    margin, lr = float(sys.argv[7]), float(sys.argv[8])
    freeze, runs = int(sys.argv[9]), int(sys.argv[10])
    chips = load_f32(chips_file, (p * k, 3, 150, 150))
    labels = torch.arange(p * k) // k
    same = labels[:, None] == labels[None, :]
    itself = torch.eye(p * k, dtype=torch.bool)
    seconds, first_loss, triplets = {}, None, p * k
    for layout in LAYOUTS:
        groups = []
        embed = scratch(folder, layout, groups) if architecture == "scratch" else network(folder, layout, groups)
        # fine-tuning: the first convolution and `freeze` units keep their weights
        trainable = [w for g in groups[(1 + freeze if architecture == "finetune" else 0):] for w in g]
        for w in trainable:
            w.requires_grad_(True)
        optimizer = torch.optim.Adam(trainable, lr=lr)
        x = in_layout(chips, layout)
        losses = []

        def step():
            optimizer.zero_grad(set_to_none=True)
            e = embed(x)
            with torch.no_grad():
                d = (e.square().sum(1, keepdim=True) + e.square().sum(1)[None, :] - 2 * e @ e.T).clamp(min=0)
                positive = d.masked_fill(~same | itself, float("-inf")).argmax(1)  # the farthest positive
                negative = d.masked_fill(same, float("inf")).argmin(1)  # the nearest negative
            loss = ((e - e[positive]).square().sum(1) - (e - e[negative]).square().sum(1) + margin).clamp(min=0).sum()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())

        seconds[layout] = median_seconds(step, 1, runs)
        if first_loss is None:
            first_loss = losses[0]
    print("%s first_loss %.7g triplets %d %s" % (timing_fields(seconds), first_loss, triplets, info()))


def describe_chips():
    folder, chips_file = sys.argv[1:3]
    count = int(sys.argv[3])
    batches = [int(b) for b in sys.argv[4].split(",")]
    out_file = sys.argv[5]
    chips = load_f32(chips_file, (count, 3, 150, 150))
    seconds = {b: {} for b in batches}
    with torch.inference_mode():
        for layout in LAYOUTS:
            describe, x = network(folder, layout), in_layout(chips, layout)
            if layout == "nchw":
                save_f32(out_file, describe(x))
            for b in batches:
                seconds[b][layout] = median_seconds(lambda: describe(x[:b]), 1, max(3, 32 // b))
    for b in batches:
        print("batch %d %s" % (b, timing_fields(seconds[b])))
    print(info())


if sys.argv[1] == "train":
    train()
else:
    describe_chips()
