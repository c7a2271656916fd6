"""A long chain of one elementwise op on a small image tensor: the node-count benchmark's model.

    python3 scripts/make_chain.py out.onnx --nodes 100000 --op Add

Add and Mul take a per-channel constant (their own initializer each, as exporters write them, or
with --shared one initializer that every node reads);
Relu takes none. The graph is x -> op -> op -> ... -> y on a [1, 4, 8, 8] float input.
"""
import argparse

import numpy as np
import onnx
from onnx import helper, numpy_helper

from benchutil import image_model


def chain(nodes, op, channels=4, size=8, shared=False):
    shape = [1, channels, size, size]
    inits, graph_nodes = [], []
    prev = "x"
    rng = np.random.default_rng(0)
    for i in range(nodes):
        out = "y" if i == nodes - 1 else f"t{i}"
        inputs = [prev]
        if op in ("Add", "Mul"):
            c = "c" if shared else f"c{i}"
            if i == 0 or not shared:
                value = rng.uniform(-1e-3, 1e-3, (channels, 1, 1)) + (1.0 if op == "Mul" else 0.0)
                inits.append(numpy_helper.from_array(value.astype(np.float32), c))
            inputs.append(c)
        graph_nodes.append(helper.make_node(op, inputs, [out], name=f"{op.lower()}_{i}"))
        prev = out
    return image_model(graph_nodes, f"{op.lower()}_chain_{nodes}", "x", "y", shape, inits, "isptool-bench")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--nodes", type=int, default=10000)
    ap.add_argument("--op", choices=["Add", "Mul", "Relu"], default="Add")
    ap.add_argument("--shared", action="store_true", help="one constant read by every node")
    a = ap.parse_args()
    onnx.save(chain(a.nodes, a.op, shared=a.shared), a.out)


if __name__ == "__main__":
    main()
