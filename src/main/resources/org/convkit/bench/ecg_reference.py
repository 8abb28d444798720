# ConvKit bench reference: the ECG beat classifier (BeatNet, an ensemble of 1-D residual CNNs) in
# PyTorch with the shipped model's parameters as ConvKit loads them (BatchNorm folded into the
# convolutions, as ConvKit classifies), on the same beats.
# Usage: python3 ecg_reference.py PARAMETERS SIGNAL FEATURES COUNT LENGTH MEMBERS BATCH RUNS OUT
#   PARAMETERS: folder with parameters.json/.f32 (DJL order); SIGNAL: float32 (COUNT, 3, 1, LENGTH);
#   FEATURES: float32 (COUNT, F), F the model's RR features (7 or 12); OUT: float32 (COUNT, 5) class probabilities (NCHW run) written here.
# Prints: "seconds <all beats, best layout> layout <l> seconds_nchw <s> seconds_channels_last <s> beats <n>
#   threads <n> torch <v> peak_rss_mb <m>".
import sys

import torch
import torch.nn.functional as F

from reference_io import LAYOUTS, Parameters, in_layout, info, load_f32, median_seconds, save_f32, set_threads, timing_fields

EPS = 1e-5  # DJL BatchNorm's default epsilon

set_threads()
folder, signal_file, features_file = sys.argv[1:4]
count, length, members, batch, runs = (int(a) for a in sys.argv[4:9])
out_file = sys.argv[9]


def network(layout):
    """The ensemble, parameters taken in DJL's order, 4-D weights in `layout`. ConvKit classifies with
    each BatchNorm folded into its convolution (BeatNet.fold): then the parameters hold a bias after
    each convolution weight and no BatchNorm, and this network is folded the same way."""
    params = Parameters(folder)
    folded = not any(e["name"].endswith("gamma") for e in params.entries)

    def conv(stride):
        """A 1xk convolution, as BeatNet's Conv2d (kernel (1, k), padding (0, k//2)); a bias when folded."""
        w = params.take("weight", layout)
        b = params.take("bias") if folded else None
        return lambda x: F.conv2d(x, w, b, stride=(1, stride), padding=(0, w.shape[3] // 2))

    def batch_norm():
        if folded:
            return lambda x: x
        gamma, beta, mean, var = params.take("gamma"), params.take("beta"), params.take("runningMean"), params.take("runningVar")
        return lambda x: F.batch_norm(x, mean, var, gamma, beta, training=False, eps=EPS)

    def linear():
        w, b = params.take("weight"), params.take("bias")
        return lambda x: F.linear(x, w, b)

    def residual(stride):
        """conv k3 + BN + ReLU + conv k3 + BN, plus a 1x1 strided projection + BN; sum; ReLU."""
        c1, b1, c2, b2 = conv(stride), batch_norm(), conv(1), batch_norm()
        cp, bp = conv(stride), batch_norm()
        return lambda x: F.relu(b2(c2(F.relu(b1(c1(x))))) + bp(cp(x)))

    def member():
        """One BeatNet (trunk, RR branch, head)."""
        stem_conv, stem_bn = conv(2), batch_norm()
        blocks = [residual(2) for _ in range(3)]
        rr = linear()
        hidden, logits = linear(), linear()

        def forward(signal, features):
            x = F.relu(stem_bn(stem_conv(signal)))
            for block in blocks:
                x = block(x)
            x = x.mean(3).mean(2)  # global average, as BeatNet
            x = torch.cat([x, F.relu(rr(features))], 1)
            return logits(F.relu(hidden(x)))

        return forward

    networks = [member() for _ in range(members)]
    params.check_all_taken()

    def probabilities(signal, features):
        """The ensemble's output (log of the mean probabilities), then softmax, as BeatClassifier."""
        mean = sum(F.softmax(n(signal, features), 1) for n in networks) / len(networks)
        return F.softmax(mean.log(), 1)

    return probabilities


signal = load_f32(signal_file, (count, 3, 1, length))
features = load_f32(features_file, (count, -1))
seconds = {}
with torch.inference_mode():
    for layout in LAYOUTS:
        probabilities, x = network(layout), in_layout(signal, layout)

        def classify_all():
            return torch.cat([probabilities(x[i:i + batch], features[i:i + batch]) for i in range(0, count, batch)])

        if layout == "nchw":
            save_f32(out_file, classify_all())
        seconds[layout] = median_seconds(classify_all, 2, runs)
print("%s beats %d %s" % (timing_fields(seconds), count, info()))
