#!/usr/bin/env python3
"""Times `isptool reparam` on a large synthetic RepVGG model and reports peak memory.

Generates the model with make_synthetic_repvgg.py (unless it exists), then runs the launcher
with the Java heap capped at 2x the model size (so a run that needs more fails visibly) and
reports wall time, the process's peak RSS (Java heap + onnxruntime's native memory + touched
pages of the memory-mapped model) and the Java heap peak that isptool records in its report.

    python3 scripts/bench_reparam.py [--workdir out/bench] [--blocks 30] [--channels 512] [--runs 3]
"""
import argparse
import json
import os
from pathlib import Path

from benchutil import LAUNCHER, ROOT, build, run, synthetic_model


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", default=str(ROOT / "out" / "bench"))
    ap.add_argument("--blocks", type=int, default=30)
    ap.add_argument("--channels", type=int, default=512)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--heap-factor", type=float, default=2.0, help="-Xmx as a multiple of the model size")
    a = ap.parse_args()
    work = Path(a.workdir)
    work.mkdir(parents=True, exist_ok=True)
    model = synthetic_model(work, a.blocks, a.channels)
    size = model.stat().st_size
    heap_mb = int(size * a.heap_factor / 2**20)
    env = dict(os.environ, ISPTOOL_JAVA_OPTS=f"-Xmx{heap_mb}m")
    build()
    print(f"model {model.name}: {size / 2**20:.1f} MiB, Java heap capped at {heap_mb} MiB ({a.heap_factor}x)")
    for verify in (False, True):
        for i in range(a.runs):
            out = work / "out.onnx"
            report = work / "report.json"
            cmd = [LAUNCHER, "reparam", str(model), "-o", str(out), "--report", str(report)]
            if not verify:
                cmd.append("--no-verify")
            dt, rss_kib, stdout = run(cmd, env)
            r = json.loads(report.read_text())
            print(f"  {'with' if verify else 'without'} verification, run {i + 1}: {dt:.2f} s wall,"
                  f" passes {r['seconds']['passes']:.2f} s, peak heap {r['memory']['peak_heap_bytes'] / 2**20:.0f} MiB"
                  f" ({r['memory']['peak_heap_bytes'] / size:.2f}x model),"
                  f" Conv {r['before']['convs']} -> {r['after']['convs']}, output {out.stat().st_size / 2**20:.1f} MiB")
    print(f"  peak RSS over all runs: {rss_kib / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
