#!/usr/bin/env python3
"""Times `isptool convert` on long chains of one op: the cost per node must stay flat as graphs grow.

For 10k, 50k and 100k nodes: a chain of Relu, of Add with its own per-channel constant per node
(as exporters write them) and of Add reading one shared constant; whole-process wall time and peak
RSS without verification (import, passes, layout, lowering, writing: isptool's own work) and with it
(plus onnxruntime and the TFLite interpreter on both models), and microseconds per node.

    python3 scripts/bench_nodes.py [--workdir out/bench] [--nodes 10000,50000,100000]
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchutil import LAUNCHER, ROOT, build

CHAINS = (("relu", ["--op", "Relu"]), ("add", ["--op", "Add"]), ("add-shared", ["--op", "Add", "--shared"]))


def run_measured(cmd):
    """(wall seconds, this child's peak RSS in MiB); exits on failure."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    err = p.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return dt, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", default=str(ROOT / "out" / "bench"))
    ap.add_argument("--nodes", default="10000,50000,100000")
    a = ap.parse_args()
    work = Path(a.workdir)
    work.mkdir(parents=True, exist_ok=True)
    build()
    print(f"{'chain':<11} {'nodes':>7} | {'no verify: wall':>15} {'us/node':>8} {'RSS MiB':>8}"
          f" | {'verify: wall':>12} {'of it verify':>12} {'RSS MiB':>8}")
    for name, args in CHAINS:
        for n in (int(x) for x in a.nodes.split(",")):
            model = work / f"chain_{name}_{n}.onnx"
            if not model.exists():
                subprocess.run([sys.executable, str(ROOT / "scripts" / "make_chain.py"), str(model),
                                "--nodes", str(n), *args], check=True)
            out, report = work / "chain.tflite", work / "chain.json"
            base = [LAUNCHER, "convert", str(model), "-o", str(out), "--report", str(report)]
            dt0, rss0 = run_measured(base + ["--no-verify"])
            dt1, rss1 = run_measured(base)
            verify_s = json.loads(report.read_text())["seconds"]["verify"]
            print(f"{name:<11} {n:>7} | {dt0:>13.2f} s {dt0 / n * 1e6:>8.1f} {rss0:>8.0f}"
                  f" | {dt1:>10.2f} s {verify_s:>10.2f} s {rss1:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
