#!/usr/bin/env python3
"""Writes the small deterministic calibration images under testdata/calib/ (no downloads).

Each image is a synthetic scene: smooth colour gradients, a few filled discs and rectangles, and
mild sensor-like noise, so activations see edges, flat areas and texture.

  raw64/   16-bit single-channel 64x64 RGGB Bayer mosaics (pack with --bayer RGGB -> 4x32x32):
           syenet_isp, mai_isp, csanet_like, dbb
  rgb32/   8-bit RGB 32x32: unet_small, nafnet_like, sensitive_net, repvgg, acnet, qarepvgg, seq_zero_pad
  rgb24/   8-bit RGB 24x24: ecbsr
  gray24/  8-bit grayscale 24x24: fsrcnn
  rgb16/   8-bit RGB 16x16: syenet_sr, syenet_sr4 (its own random stream, so the folders above are unchanged)
  rgb64/   8-bit RGB 64x64: mobilenet_v2 (its own random stream)
  feat8/   float32 .npy tensors [1, 8, 32, 32] in [0, 1]: mobileone (its own random stream); channels
           0-2 and 3-5 are two RGB scenes, 6 and 7 the grey of two more
  pixels/  the exact sample values of a few of those images as .npy (uint8/uint16, H x W [x C]),
           so tests can check the Java decoder against values this script wrote

Needs numpy and Pillow. Usage: python3 scripts/make_calib_images.py [--count 8]
"""
import argparse
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent / "testdata" / "calib"


def scene(rng, h, w):
    """An RGB scene in [0, 1]: gradient background, random shapes, noise."""
    y, x = np.mgrid[0:h, 0:w] / max(h, w)
    c0, c1 = rng.uniform(0.1, 0.9, 3), rng.uniform(0.1, 0.9, 3)
    angle = rng.uniform(0, np.pi)
    t = (np.cos(angle) * x + np.sin(angle) * y)[..., None]
    img = c0 * (1 - t) + c1 * t
    for _ in range(rng.integers(2, 5)):
        colour = rng.uniform(0, 1, 3)
        cy, cx = rng.uniform(0, 1, 2)
        r = rng.uniform(0.1, 0.3)
        if rng.random() < 0.5:
            mask = (y - cy) ** 2 + (x - cx) ** 2 < r * r
        else:
            mask = (abs(y - cy) < r) & (abs(x - cx) < r * rng.uniform(0.5, 1.5))
        img[mask] = colour
    img += rng.normal(0, 0.02, img.shape)
    return np.clip(img, 0, 1)


def mosaic_rggb(rgb):
    """Samples an RGB scene through an RGGB colour filter array: one value per pixel."""
    h, w, _ = rgb.shape
    out = np.empty((h, w))
    out[0::2, 0::2] = rgb[0::2, 0::2, 0]
    out[0::2, 1::2] = rgb[0::2, 1::2, 1]
    out[1::2, 0::2] = rgb[1::2, 0::2, 1]
    out[1::2, 1::2] = rgb[1::2, 1::2, 2]
    return out


def save(folder, i, pixels, keep):
    path = ROOT / folder / f"{folder}_{i:03d}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)  # uint16 H x W becomes a 16-bit grayscale PNG
    if keep:
        (ROOT / "pixels").mkdir(exist_ok=True)
        np.save(ROOT / "pixels" / f"{folder}_{i:03d}.npy", pixels)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=8)
    args = ap.parse_args()
    rng = np.random.default_rng(20261122)
    for i in range(args.count):
        keep = i == 0
        raw = mosaic_rggb(scene(rng, 64, 64)) * 0.8 + 0.05  # black level and headroom, as a sensor has
        save("raw64", i, np.round(raw * 65535).astype(np.uint16), keep)
        save("rgb32", i, np.round(scene(rng, 32, 32) * 255).astype(np.uint8), keep)
        save("rgb24", i, np.round(scene(rng, 24, 24) * 255).astype(np.uint8), keep)
        gray = scene(rng, 24, 24) @ np.array([0.299, 0.587, 0.114])
        save("gray24", i, np.round(gray * 255).astype(np.uint8), keep)
    rng16 = np.random.default_rng(20261203)
    for i in range(args.count):
        save("rgb16", i, np.round(scene(rng16, 16, 16) * 255).astype(np.uint8), False)
    rng64 = np.random.default_rng(20261204)
    for i in range(args.count):
        save("rgb64", i, np.round(scene(rng64, 64, 64) * 255).astype(np.uint8), False)
    rng_feat = np.random.default_rng(20261205)
    grey = np.array([0.299, 0.587, 0.114])
    for i in range(args.count):
        planes = [scene(rng_feat, 32, 32).transpose(2, 0, 1), scene(rng_feat, 32, 32).transpose(2, 0, 1),
                  (scene(rng_feat, 32, 32) @ grey)[None], (scene(rng_feat, 32, 32) @ grey)[None]]
        path = ROOT / "feat8" / f"feat8_{i:03d}.npy"
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, np.concatenate(planes)[None].astype(np.float32))  # [1, 8, 32, 32], NCHW as convert reads .npy


if __name__ == "__main__":
    main()
