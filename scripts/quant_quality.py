#!/usr/bin/env python3
"""Measures convert's quantization quality on the testdata nets and prints the README's markdown table.

For each net, `./isptool convert` runs with --precision fp16, int8 (minmax, no bias correction),
int8 (the default method, mse, with bias correction), int8 (percentile with bias correction) and
int16x8 (default method). The calibration set is the net's folder under testdata/calib/ minus its last
sample (PNG image or .npy tensor, sorted by name as convert reads a folder), which is held out: it is
turned into a .npy tensor here (same scaling, Bayer packing for RAW nets; a .npy sample as it is) and
passed as --verify-input, so the PSNR reported is TFLite interpreter vs onnxruntime float32 on a sample
the calibration did not see. Figures are read from each run's --report JSON. PSNR is 10 log10(r^2 / MSE)
with r the float32 output's max - min, for image outputs and mobilenet_v2's [1, 10] logits alike.

Needs numpy and Pillow. Usage: python3 scripts/quant_quality.py [NET ...]
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
CALIB = ROOT / "testdata" / "calib"

# net -> (calibration folder, extra convert options)
NETS = {
    "syenet_isp": ("raw64", ["--bayer", "RGGB"]),
    "mai_isp": ("raw64", ["--bayer", "RGGB"]),
    "csanet_like": ("raw64", ["--bayer", "RGGB"]),
    "unet_small": ("rgb32", []),
    "ecbsr": ("rgb24", []),
    "fsrcnn": ("gray24", []),
    "nafnet_like": ("rgb32", []),
    "sensitive_net": ("rgb32", []),
    "syenet_sr": ("rgb16", []),
    "syenet_sr4": ("rgb16", []),
    "repvgg": ("rgb32", []),
    "acnet": ("rgb32", []),
    "mobileone": ("feat8", []),
    "dbb": ("raw64", ["--bayer", "RGGB"]),
    "qarepvgg": ("rgb32", []),
    "seq_zero_pad": ("rgb32", []),
    "mobilenet_v2": ("rgb64", []),
}

# nets with a quantization-sensitive layer -> --float-ops keeping it float (node names as --per-layer prints them)
MIXED = {
    "sensitive_net": "^/act_1/Relu$|^/tail/Conv$",
}

CONFIGS = [
    ("FP16", ["--precision", "fp16"]),
    ("INT8 minmax, no bias corr.", ["--precision", "int8", "--calib-method", "minmax", "--no-bias-correction"]),
    ("INT8 mse + bias corr. (default)", ["--precision", "int8"]),
    ("INT8 percentile + bias corr.", ["--precision", "int8", "--calib-method", "percentile"]),
    ("INT16x8", ["--precision", "int16x8"]),
]


def samples(folder):
    """The calibration samples of testdata/calib/FOLDER in the order convert reads a folder: PNG images and
    .npy tensors, sorted by name."""
    return sorted(p for p in (CALIB / folder).iterdir() if p.suffix in (".png", ".npy") and not p.name.startswith("."))


def held_out_tensor(sample, bayer):
    """The sample as convert reads it: a .npy tensor as it is (float32, NCHW); an image as
    samples / (2^bits - 1), HWC -> NCHW, RGGB packed to R, G1, G2, B."""
    if sample.suffix == ".npy":
        x = np.load(sample).astype(np.float32)
        return x if x.ndim == 4 else x[None]
    pixels = np.array(Image.open(sample))
    x = pixels.astype(np.float64) / (65535.0 if pixels.dtype == np.uint16 else 255.0)
    if bayer:
        x = np.stack([x[0::2, 0::2], x[0::2, 1::2], x[1::2, 0::2], x[1::2, 1::2]])
    elif x.ndim == 2:
        x = x[None]
    else:
        x = x.transpose(2, 0, 1)
    return x[None].astype(np.float32)


def measure(net, work, configs):
    folder, extra = NETS[net]
    files = samples(folder)
    calibration, held = files[:-1], files[-1]
    held_npy = work / f"{net}.heldout.npy"
    np.save(held_npy, held_out_tensor(held, "--bayer" in extra))
    row = {}
    for name, options in configs:
        report = work / f"{net}.report.json"
        cmd = [str(ROOT / "isptool"), "convert", str(ROOT / "testdata" / f"{net}.onnx"), "-o",
               str(work / f"{net}.tflite"), "--report", str(report), "--verify-input", str(held_npy), *options]
        if options[1] != "fp16":
            cmd += ["--calibration", *map(str, calibration), *extra]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"{net} {name}: {run.stderr.strip().splitlines()[-1]}", file=sys.stderr)
            if run.returncode == 2 and name == configs[0][0]:
                return {n: "not converted" for n, _ in configs}  # the float model itself is refused
            row[name] = "refused" if run.returncode == 2 else f"exit {run.returncode}"
            continue
        quality = json.loads(report.read_text())["quantization"]["quality"]
        psnr = min(o["psnr_db"] for o in quality["held_out"]["outputs"])
        row[name] = f"{psnr:.1f}"
    return row


def main():
    nets = sys.argv[1:] or list(NETS)
    with tempfile.TemporaryDirectory() as tmp:
        rows = {net: measure(net, Path(tmp), CONFIGS) for net in nets}
        mixed = {net: measure(net, Path(tmp), [(c, ["--precision", "int8"] + extra) for c, extra in
                                               [("INT8 default", []), ("+ --float-ops " + MIXED[net].replace("|", "\\|"),
                                                                        ["--float-ops", MIXED[net]])]])
                 for net in nets if net in MIXED}
    table(rows, [name for name, _ in CONFIGS])
    for net, row in mixed.items():
        print()
        table({net: row}, list(row))


def table(rows, columns):
    print("| net | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for net, row in rows.items():
        print(f"| {net} | " + " | ".join(row[c] for c in columns) + " |")


if __name__ == "__main__":
    main()
