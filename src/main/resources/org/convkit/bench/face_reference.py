# ConvKit bench reference: face-api.js's face recognition network (dlib's ResNet, 128-D
# descriptors) in PyTorch, with the parameters ConvKit computes with (face-api's weights, scale
# layers and input normalisation folded into the convolutions at load), on the same chips.
# Usage: python3 face_reference.py PARAMETERS CHIPS COUNT BATCHES OUT
#   PARAMETERS: folder with parameters.json/.f32 (DJL order); CHIPS: float32 (COUNT, 3, 150, 150),
#   RGB 0..255; BATCHES: e.g. 1,8,32 (each <= COUNT); OUT: float32 (COUNT, 128) descriptors (NCHW run).
# Prints per batch "batch <b> seconds <best> layout <l> seconds_nchw <s> seconds_channels_last <s>",
# then "threads <n> torch <v> peak_rss_mb <m>".
import sys

import torch
import torch.nn.functional as F

from reference_io import LAYOUTS, Parameters, in_layout, info, load_f32, median_seconds, save_f32, set_threads, timing_fields

UNITS = ["conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1", "conv64_2", "conv64_3",
         "conv128_down", "conv128_1", "conv128_2", "conv256_down", "conv256_1", "conv256_2", "conv256_down_out"]

set_threads()
folder, chips_file = sys.argv[1:3]
count = int(sys.argv[3])
batches = [int(b) for b in sys.argv[4].split(",")]
out_file = sys.argv[5]


def network(layout):
    """The descriptor network, its parameters taken in DJL's order, weights in `layout`."""
    params = Parameters(folder)

    def conv(stride, padding):
        w, b = params.take("weight", layout), params.take("bias")
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

    first = conv(2, 0)  # input normalisation folded in
    units = [residual(u.endswith("_down") or u.endswith("_down_out")) for u in UNITS]
    fc = params.take("weight")  # (128, 256), no bias
    params.check_all_taken()

    def describe(x):
        x = F.relu(F.max_pool2d(first(x), 3, 2))  # max commutes with relu: the same as relu first
        for unit in units:
            x = unit(x)
        return F.linear(x.mean((2, 3)), fc)

    return describe


chips = load_f32(chips_file, (count, 3, 150, 150))
seconds = {b: {} for b in batches}
with torch.inference_mode():
    for layout in LAYOUTS:
        describe, x = network(layout), in_layout(chips, layout)
        if layout == "nchw":
            save_f32(out_file, describe(x))
        for b in batches:
            seconds[b][layout] = median_seconds(lambda: describe(x[:b]), 1, max(3, 32 // b))
for b in batches:
    print("batch %d %s" % (b, timing_fields(seconds[b])))
print(info())
