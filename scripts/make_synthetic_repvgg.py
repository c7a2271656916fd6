#!/usr/bin/env python3
"""Writes a large synthetic training-form RepVGG network (numpy + onnx only, no torch).

Each block is 3x3 conv -> BN, 1x1 conv -> BN, BN-only identity, summed, then ReLU: the graph the
TorchScript exporter gives for RepVGG with its BNs unfused. With the defaults the weights take
about 316 MB; reparam must fold every block into one 3x3 conv.

    python3 scripts/make_synthetic_repvgg.py OUT.onnx [--channels 512] [--blocks 30] [--size 16]
"""
import argparse

import numpy as np
import onnx
from onnx import helper, numpy_helper

from benchutil import image_model


def bn(prefix, c, rng, inits):
    names = []
    for kind, values in (
        ("weight", rng.uniform(0.5, 1.5, c)),
        ("bias", rng.uniform(-0.2, 0.2, c)),
        ("running_mean", rng.uniform(-0.2, 0.2, c)),
        ("running_var", rng.uniform(0.5, 2.0, c)),
    ):
        name = f"{prefix}.{kind}"
        inits.append(numpy_helper.from_array(values.astype(np.float32), name))
        names.append(name)
    return names


def conv(prefix, cin, cout, k, rng, inits):
    w = (rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (cin * k * k))).astype(np.float32)
    inits.append(numpy_helper.from_array(w, f"{prefix}.weight"))
    return f"{prefix}.weight"


def build(channels, blocks, size, seed):
    rng = np.random.default_rng(seed)
    nodes, inits = [], []
    x = "input"
    for b in range(blocks):
        p = f"blocks.{b}"
        outs = []
        for k, name in ((3, "dense"), (1, "pointwise")):
            w = conv(f"{p}.{name}.conv", channels, channels, k, rng, inits)
            y = f"{p}.{name}.conv_out"
            nodes.append(helper.make_node("Conv", [x, w], [y], name=f"{p}.{name}.conv",
                                          kernel_shape=[k, k], pads=[k // 2] * 4))
            z = f"{p}.{name}.bn_out"
            nodes.append(helper.make_node("BatchNormalization", [y] + bn(f"{p}.{name}.bn", channels, rng, inits),
                                          [z], name=f"{p}.{name}.bn", epsilon=1e-5))
            outs.append(z)
        ident = f"{p}.identity_out"
        nodes.append(helper.make_node("BatchNormalization", [x] + bn(f"{p}.identity", channels, rng, inits),
                                      [ident], name=f"{p}.identity", epsilon=1e-5))
        s1, s2, r = f"{p}.sum1", f"{p}.sum2", f"{p}.relu"
        nodes.append(helper.make_node("Add", [outs[0], outs[1]], [s1], name=f"{p}.add1"))
        nodes.append(helper.make_node("Add", [s1, ident], [s2], name=f"{p}.add2"))
        nodes.append(helper.make_node("Relu", [s2], [r], name=f"{p}.relu"))
        x = r
    return image_model(nodes, "synthetic_repvgg", "input", x, [1, channels, size, size], inits, "isptool-synthetic")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output")
    ap.add_argument("--channels", type=int, default=512)
    ap.add_argument("--blocks", type=int, default=30)
    ap.add_argument("--size", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    model = build(a.channels, a.blocks, a.size, a.seed)
    onnx.save(model, a.output)
    weights = sum(np.prod(t.dims) * 4 for t in model.graph.initializer)
    print(f"wrote {a.output}: {a.blocks} RepVGG blocks of {a.channels} channels, {weights / 1e6:.1f} MB of weights")


if __name__ == "__main__":
    main()
