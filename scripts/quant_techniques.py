#!/usr/bin/env python3
"""Measures convert's optional quantization techniques (--cle, --adaround) on the testdata nets.

For each net and precision (int8, int16x8; the default method with bias correction), `./isptool convert`
runs plain, with --cle, with --adaround and with both. Calibration and held-out image as in
quant_quality.py (the net's testdata/calib/ folder minus its last image, which is the held-out input).
Each cell is "held-out PSNR / mean PSNR on the calibration samples (dB), seconds of the whole convert",
from the --report JSON. The lowest output counts for multi-output nets.

Needs numpy and Pillow. Usage: python3 scripts/quant_techniques.py [NET ...]
"""
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quant_quality import NETS, ROOT, held_out_tensor, samples, table  # noqa: E402

TECHNIQUES = [("plain", []), ("--cle", ["--cle"]), ("--adaround", ["--adaround"]),
              ("both", ["--cle", "--adaround"])]


def cell(net, precision, options, work):
    folder, extra = NETS[net]
    images = samples(folder)
    held = work / f"{net}.heldout.npy"
    np.save(held, held_out_tensor(images[-1], "--bayer" in extra))
    report = work / f"{net}.report.json"
    cmd = [str(ROOT / "isptool"), "convert", str(ROOT / "testdata" / f"{net}.onnx"), "-o", str(work / f"{net}.tflite"),
           "--report", str(report), "--verify-input", str(held), "--precision", precision,
           "--calibration", *map(str, images[:-1]), *extra, *options]
    t0 = time.time()
    run = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.time() - t0
    if run.returncode != 0:
        print(f"{net} {precision} {options}: {run.stderr.strip().splitlines()[-1]}", file=sys.stderr)
        return f"exit {run.returncode}"
    quality = json.loads(report.read_text())["quantization"]["quality"]
    held_out = min(o["psnr_db"] for o in quality["held_out"]["outputs"])
    calibration = min(a["psnr_mean_db"] for a in quality["calibration"])
    return f"{held_out:.1f} / {calibration:.1f}, {seconds:.1f} s"


def main():
    nets = sys.argv[1:] or list(NETS)
    with tempfile.TemporaryDirectory() as tmp:
        for precision in ["int8", "int16x8"]:
            rows = {}
            for net in nets:
                rows[net] = {name: cell(net, precision, options, Path(tmp)) for name, options in TECHNIQUES}
            print(f"\n{precision}: held-out PSNR / calibration mean PSNR (dB), convert seconds\n")
            table(rows, [name for name, _ in TECHNIQUES])
            sys.stdout.flush()


if __name__ == "__main__":
    main()
