#!/usr/bin/env python3
"""Times `isptool convert` end to end: the SYENet-style ISP net and the large synthetic RepVGG model.

Whole-process wall time (JVM start, import, reparam, lowering, writing, verification in onnxruntime
and the TFLite interpreter) for the bundled ISP net, also at fp16, int8 and int16x8 (calibrated on
testdata/calib/raw64), then for the synthetic model of the reparam
benchmark with the Java heap capped at --heap-factor times its size, with and without
verification; prints the op counts and the peak heap isptool records.

    python3 scripts/bench_convert.py [--workdir out/bench] [--runs 3] [--blocks 30] [--channels 512]
"""
import argparse
import json
import os
from pathlib import Path

from benchutil import LAUNCHER, ROOT, build, run, synthetic_model


def convert(model, work, env, verify, extra=()):
    out = work / "out.tflite"
    report = work / "convert.json"
    cmd = [LAUNCHER, "convert", str(model), "-o", str(out), "--report", str(report), *extra]
    if not verify:
        cmd.append("--no-verify")
    dt, rss_kib, _ = run(cmd, env)
    r = json.loads(report.read_text())
    return dt, rss_kib, r, out.stat().st_size


def describe(dt, r, size, model_size=None):
    heap = r["memory"]["peak_heap_bytes"]
    ops = r["tflite"]["ops"]
    return (f"{dt:.2f} s wall (convert {r['seconds']['convert']:.2f} s), peak heap {heap / 2**20:.0f} MiB"
            + (f" ({heap / model_size:.2f}x model)" if model_size else "")
            + f", {r['tflite']['operators']} operators (CONV_2D {ops.get('CONV_2D', 0)},"
            f" TRANSPOSE {r['tflite']['transposes']}), output {size / 2**20:.2f} MiB")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", default=str(ROOT / "out" / "bench"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--blocks", type=int, default=30)
    ap.add_argument("--channels", type=int, default=512)
    ap.add_argument("--heap-factor", type=float, default=2.0, help="-Xmx for the large model, times its size")
    ap.add_argument("--skip-large", action="store_true", help="only the ISP net")
    a = ap.parse_args()
    work = Path(a.workdir)
    work.mkdir(parents=True, exist_ok=True)
    build()

    isp = ROOT / "testdata" / "syenet_isp.onnx"
    print(f"{isp.name} ({isp.stat().st_size / 1024:.0f} KiB), default heap:")
    for verify in (True, False):
        for i in range(a.runs):
            dt, _, r, size = convert(isp, work, None, verify)
            print(f"  {'with' if verify else 'without'} verification, run {i + 1}: {describe(dt, r, size)}")
    calib = ["--calibration", str(ROOT / "testdata" / "calib" / "raw64"), "--bayer", "RGGB"]
    for precision, extra in (("fp16", []), ("int8", calib), ("int16x8", calib)):
        for i in range(a.runs):
            dt, _, r, size = convert(isp, work, None, True, ["--precision", precision, *extra])
            print(f"  --precision {precision}, run {i + 1}: {dt:.2f} s wall (calibration, quantization and the"
                  f" quality report included), output {size / 1024:.1f} KiB")
    if a.skip_large:
        return
    model = synthetic_model(work, a.blocks, a.channels)
    model_size = model.stat().st_size
    heap_mb = int(model_size * a.heap_factor / 2**20)
    env = dict(os.environ, ISPTOOL_JAVA_OPTS=f"-Xmx{heap_mb}m")
    print(f"{model.name} ({model_size / 2**20:.1f} MiB), Java heap capped at {heap_mb} MiB ({a.heap_factor}x):")
    rss = 0
    for verify in (False, True):
        for i in range(a.runs):
            dt, rss, r, size = convert(model, work, env, verify)
            print(f"  {'with' if verify else 'without'} verification, run {i + 1}:"
                  f" {describe(dt, r, size, model_size)}")
    print(f"  peak RSS over all runs: {rss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
