#!/usr/bin/env python3
"""Runs `convert --precision auto --min-psnr DB` on the testdata nets at 45 and 55 dB and prints
the chosen plan, its measured PSNR and cost, and how long the search took (markdown).

Calibration as in quant_quality.py (the net's testdata/calib/ folder). The plan's PSNR is the
lowest output's mean over the calibration samples the search measures; the table also gives
the written model's mean PSNR over up to 8 of them, from the --report JSON.

Needs numpy. Usage: python3 scripts/auto_precision.py [NET ...]
"""
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quant_quality import CALIB, NETS, ROOT  # noqa: E402

TARGETS = [45.0, 55.0]


def run(net, target, work):
    folder, extra = NETS[net]
    report = work / f"{net}.{int(target)}.json"
    cmd = [str(ROOT / "isptool"), "convert", str(ROOT / "testdata" / f"{net}.onnx"), "-o",
           str(work / f"{net}.tflite"), "--report", str(report), "--precision", "auto", "--min-psnr", str(target),
           "--calibration", str(CALIB / folder), *extra]
    t0 = time.time()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.time() - t0
    if done.returncode != 0 and not report.exists():
        return f"| {net} | {target:.0f} | failed: {done.stderr.strip().splitlines()[-1]} | | | | {seconds:.0f} |"
    j = json.loads(report.read_text())
    auto = j["auto_precision"]
    chosen = next((t for t in auto["tried"] if t["plan"] == auto["chosen"]), None)
    written = min(a["psnr_mean_db"] for a in j["quantization"]["quality"]["calibration"]) if "quantization" in j else None
    return (f"| {net} | {target:.0f} | {auto['chosen'] or 'none'} | {chosen['psnr_db']:.2f} | {chosen['cost']:.2f} | "
            f"{written:.2f} | {seconds:.0f} |" if chosen else f"| {net} | {target:.0f} | none | | | | {seconds:.0f} |")


def main():
    nets = sys.argv[1:] or [n for n in NETS if n != "sensitive_net"] + ["sensitive_net"]
    print("| net | target dB | plan | plan PSNR dB | cost | written model PSNR dB | seconds |")
    print("|---|---:|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for net in nets:
            for target in TARGETS:
                print(run(net, target, Path(tmp)), flush=True)


if __name__ == "__main__":
    main()
