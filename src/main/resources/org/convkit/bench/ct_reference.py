# ConvKit bench reference: CT's 3-D U-Net (org.convkit.ct.net.UNet3d, no normalisation) in PyTorch with
# the parameters ConvKit initialised, on the very tiles ConvKit's tiler cut, a Noise2Void training step
# on the same patches, and the network's ops one by one at the tile's shapes.
# Usage (NET = DEPTH WIDTH IN OUT BLIND_SPOT_BASE, as UNet3d.Config; BLIND_SPOT_BASE 0 or 1):
#   ct_reference.py infer PARAMETERS NET TILES COUNT EDGE RUNS OUT
#     TILES: float32 (COUNT, IN, EDGE, EDGE, EDGE); OUT: float32 (COUNT, OUT, EDGE, EDGE, EDGE) (NCDHW run).
#     Prints "seconds <all tiles, batch 1, best layout> layout <l> seconds_nchw <s> seconds_channels_last <s> tiles <n> threads ...".
#   ct_reference.py train PARAMETERS NET BATCH EDGE NOISE_VARIANCE INPUTS TARGETS WEIGHTS RUNS
#     Adam (lr 1e-3) steps of the probabilistic Noise2Void loss on (BATCH, 1, EDGE^3) patches, per layout.
#     Prints "seconds <median step, best layout> layout <l> seconds_nchw <s> seconds_channels_last <s>
#     first_loss <loss before any update> threads ...".
#   ct_reference.py train_segment PARAMETERS NET BATCH Z Y X INPUTS CLASSES RUNS
#     Adam (lr 1e-3) steps of the segmentation loss (softmax cross-entropy + 1 - mean foreground Dice over
#     the batch, as SegmentationObjective) on (BATCH, 1, Z, Y, X) patches and their class indices, per layout.
#     Prints "seconds ... first_loss <loss before any update> threads ...".
#   ct_reference.py ops RUNS SPEC ...
#     SPEC as CtBenchmark writes them: conv:CIN:COUT:K:EDGE, pool:C:EDGE, up:C:EDGE, cat:C1:C2:EDGE, relu:C:EDGE
#     (batch 1, forward), in each layout. Prints one "op <spec> seconds <best layout's median> layout <l> ..." line each.
import sys

import torch
import torch.nn.functional as F

from reference_io import LAYOUTS, Parameters, in_layout, info, load_f32, median_seconds, save_f32, set_threads, timing_fields

set_threads()
mode = sys.argv[1]


def unet(params, depth, width, blind, layout, weights):
    """UNet3d.build's network, parameters taken in DJL's order (each level: two convolutions, the level
    below, two convolutions after the concatenation; then the 1x1x1 head); `weights` collects them.
    `blind`: the blind-spot base, the mean of the 26 neighbours, added to the first output channel."""

    def conv(k):
        w, b = params.take("weight", layout), params.take("bias")
        weights.extend([w, b])
        return lambda x: F.conv3d(x, w, b, padding=k // 2)

    def convs():
        c1, c2 = conv(3), conv(3)
        return lambda x: F.relu(c2(F.relu(c1(x))))

    def level(l):
        first = convs()
        if l == depth:
            return first
        down, last = level(l + 1), convs()

        def forward(x):
            skip = first(x)
            up = F.interpolate(down(F.max_pool3d(skip, 2, 2)), scale_factor=2, mode="nearest")
            return last(torch.cat([skip, up], 1))

        return forward

    body, head = level(0), conv(1)
    params.check_all_taken()
    stride = 1 << depth

    def forward(x):
        """As UNet3d.forward: zero-pad each spatial axis at its end to a multiple of 2^depth, crop back."""
        size = x.shape[2:]
        pad = [(-s) % stride for s in size]
        if any(pad):
            x = F.pad(x, (0, pad[2], 0, pad[1], 0, pad[0]))
        out = head(body(x))
        if blind:
            mean26 = (F.avg_pool3d(x, 3, 1, 1, count_include_pad=True) * 27 - x) / 26
            out = torch.cat([out[:, 0:1] + mean26, out[:, 1:]], 1)
        return out[:, :, :size[0], :size[1], :size[2]]

    return forward


def timed_training(folder, depth, width, blind, runs, inputs_in, loss_of):
    """Per layout, the median seconds of an Adam step (lr 1e-3) of the U-Net from the folder's weights on
    inputs_in(layout) with loss_of(net, inputs); and the first step's loss (same weights and inputs as ConvKit)."""
    seconds, first_loss = {}, None
    for layout in LAYOUTS:
        weights = []
        net = unet(Parameters(folder), depth, width, blind, layout, weights)
        inputs = inputs_in(layout)
        for p in weights:
            p.requires_grad_(True)
        optimizer = torch.optim.Adam(weights, lr=1e-3)
        losses = []

        def step():
            optimizer.zero_grad(set_to_none=True)
            loss = loss_of(net, inputs)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())

        seconds[layout] = median_seconds(step, 1, runs)
        if first_loss is None:
            first_loss = losses[0]
    return seconds, first_loss


def nll(out, target, weight, noise):
    """Noise2Void.loss (probabilistic): with s = softplus(raw), (y - mean)^2 / noise * exp(-s) + s over the masked voxels."""
    s = F.softplus(out[:, 1:2])
    return (((target - out[:, 0:1]) ** 2 / noise * torch.exp(-s) + s) * weight).sum() / weight.sum().clamp(min=1e-6)


if mode == "infer":
    folder = sys.argv[2]
    depth, width, cin, cout, blind = (int(a) for a in sys.argv[3:8])
    tiles_file = sys.argv[8]
    count, edge, runs = (int(a) for a in sys.argv[9:12])
    out_file = sys.argv[12]
    tiles = load_f32(tiles_file, (count, cin, edge, edge, edge))
    seconds = {}
    with torch.inference_mode():
        for layout in LAYOUTS:
            net, x = unet(Parameters(folder), depth, width, blind, layout, []), in_layout(tiles, layout)

            def all_tiles():
                return torch.cat([net(x[i:i + 1]) for i in range(count)])

            if layout == "nchw":
                save_f32(out_file, all_tiles())
            seconds[layout] = median_seconds(all_tiles, 1, runs)
    print("%s tiles %d %s" % (timing_fields(seconds), count, info()))
elif mode == "train":
    folder = sys.argv[2]
    depth, width, cin, cout, blind, batch, edge = (int(a) for a in sys.argv[3:10])
    noise = float(sys.argv[10])
    shape = (batch, 1, edge, edge, edge)
    inputs = [load_f32(f, shape) for f in sys.argv[11:14]]
    runs = int(sys.argv[14])

    def noise2void(net, layout_inputs):
        x, y, w = layout_inputs
        return nll(net(x), y, w, noise)

    seconds, first_loss = timed_training(folder, depth, width, blind, runs, lambda layout: [in_layout(t, layout) for t in inputs], noise2void)
    print("%s first_loss %.7g %s" % (timing_fields(seconds), first_loss, info()))
elif mode == "train_segment":
    folder = sys.argv[2]
    depth, width, cin, cout, blind, batch, nz, ny, nx = (int(a) for a in sys.argv[3:12])
    shape = (batch, 1, nz, ny, nx)
    x_all, classes = load_f32(sys.argv[12], shape), load_f32(sys.argv[13], shape)
    runs = int(sys.argv[14])
    one_hot = F.one_hot(classes[:, 0].long(), cout).permute(0, 4, 1, 2, 3).float()

    def segmentation_loss(out, hot):
        cross_entropy = -(F.log_softmax(out, 1) * hot).sum() / hot[:, :1].numel()
        p = F.softmax(out, 1)
        dims = (0, 2, 3, 4)
        dice = (2 * (p * hot).sum(dims) + 1) / (p.sum(dims) + hot.sum(dims) + 1)
        return cross_entropy + 1 - dice[1:].mean()

    seconds, first_loss = timed_training(folder, depth, width, blind, runs, lambda layout: (in_layout(x_all, layout), in_layout(one_hot, layout)),
                                         lambda net, layout_inputs: segmentation_loss(net(layout_inputs[0]), layout_inputs[1]))
    print("%s first_loss %.7g %s" % (timing_fields(seconds), first_loss, info()))
elif mode == "ops":
    runs = int(sys.argv[2])
    with torch.inference_mode():
        for spec in sys.argv[3:]:
            kind, *n = spec.split(":")
            n = [int(v) for v in n]
            edge = n[-1]
            seconds = {}
            for layout in LAYOUTS:

                def volume(c):
                    return in_layout(torch.rand(1, c, edge, edge, edge), layout)

                if kind == "conv":
                    x, wt, b = volume(n[0]), in_layout(torch.rand(n[1], n[0], n[2], n[2], n[2]), layout), torch.rand(n[1])
                    work = lambda: F.conv3d(x, wt, b, padding=n[2] // 2)
                elif kind == "pool":
                    x = volume(n[0])
                    work = lambda: F.max_pool3d(x, 2, 2)
                elif kind == "up":
                    x = volume(n[0])
                    work = lambda: F.interpolate(x, scale_factor=2, mode="nearest")
                elif kind == "cat":
                    a, b = volume(n[0]), volume(n[1])
                    work = lambda: torch.cat([a, b], 1)
                elif kind == "relu":
                    x = volume(n[0])
                    work = lambda: F.relu(x)
                else:
                    raise SystemExit("unknown op " + spec)
                seconds[layout] = median_seconds(work, 1, runs)
            print("op %s %s" % (spec, timing_fields(seconds)))
    print(info())
else:
    raise SystemExit("mode: expected infer, train, train_segment or ops, got " + mode)
