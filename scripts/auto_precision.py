#!/usr/bin/env python3
"""Runs `convert --precision auto --min-psnr DB` on the testdata nets at 45 and 55 dB and prints
the chosen plan, its measured PSNR and cost, and how long the convert took (markdown).

Calibration and held-out sample as in quant_quality.py: the net's testdata/calib/ folder (PNG images
or .npy tensors) minus its last sample, which is passed as --verify-input. The plan's PSNR is the one
the search measured: the WORST calibration sample of up to 8 (the lowest PSNR of any output on any of
them), not the mean; a plan is chosen only if that worst sample reaches the target. The table also
gives the written model's worst calibration sample (of up to 8, psnr_min_db in the --report JSON) and
its PSNR on the held-out sample, and convert's exit status where it is not 0 (exit 3: the written model
missed --min-psnr on the held-out sample or on average over the calibration samples, so no file was
written). The seconds are the whole convert's wall time (load, fold, float verification, the search
and the final quality report).

Needs numpy and Pillow. Usage: python3 scripts/auto_precision.py [NET ...]
"""
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np  # noqa: E402

from quant_quality import NETS, ROOT, held_out_tensor, samples  # noqa: E402

TARGETS = [45.0, 55.0]


def run(net, target, work):
    folder, extra = NETS[net]
    report = work / f"{net}.{int(target)}.json"
    files = samples(folder)
    held = work / f"{net}.heldout.npy"
    np.save(held, held_out_tensor(files[-1], "--bayer" in extra))
    cmd = [str(ROOT / "isptool"), "convert", str(ROOT / "testdata" / f"{net}.onnx"), "-o",
           str(work / f"{net}.tflite"), "--report", str(report), "--precision", "auto", "--min-psnr", str(target),
           "--verify-input", str(held), "--calibration", *map(str, files[:-1]), *extra]
    report.unlink(missing_ok=True)
    t0 = time.time()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.time() - t0
    status = "" if done.returncode == 0 else f" (exit {done.returncode})"
    if not report.exists():
        return f"| {net} | {target:.0f} | failed: {done.stderr.strip().splitlines()[-1]} | | | | | {seconds:.0f} |"
    j = json.loads(report.read_text())
    auto = j["auto_precision"]
    chosen = next((t for t in auto["tried"] if t["plan"] == auto["chosen"]), None)
    if chosen is None:
        best = max(t["psnr_db"] for t in auto["tried"])
        return f"| {net} | {target:.0f} | none{status} (best tried {best:.2f}) | | | | | {seconds:.0f} |"
    quality = j.get("quantization", {}).get("quality", {})
    worst = f"{min(a['psnr_min_db'] for a in quality['calibration']):.2f}" if "calibration" in quality else ""
    held_out = f"{min(o['psnr_db'] for o in quality['held_out']['outputs']):.2f}" if "held_out" in quality else ""
    return (f"| {net} | {target:.0f} | {auto['chosen']}{status} | {chosen['psnr_db']:.2f} | {chosen['cost']:.2f} | "
            f"{worst} | {held_out} | {seconds:.0f} |")


def main():
    nets = sys.argv[1:] or [n for n in NETS if n != "sensitive_net"] + ["sensitive_net"]
    print("| net | target dB | plan | plan PSNR dB (worst sample) | cost | written model: worst of 7 dB | held-out dB"
          " | seconds |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for net in nets:
            for target in TARGETS:
                print(run(net, target, Path(tmp)), flush=True)


if __name__ == "__main__":
    main()
