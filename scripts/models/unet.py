"""A small U-Net (Ronneberger et al., MICCAI 2015) with two down/up levels.

Encoder: [Conv3x3-BN-ReLU] x2 per level, MaxPool2d(2) between levels; bottleneck pair.
Decoder level 2: F.interpolate(bilinear, align_corners=False, size = the skip tensor's H, W;
TorchScript computes the Resize sizes as Concat(Slice(Shape(x), 0:2), Constant [H, W])) ->
torch.cat with the skip -> pair.
Decoder level 1: ConvTranspose2d(2, stride 2) -> torch.cat with the skip -> pair. Final 1x1 conv. Deploy: 2 * 5 pairs + 1 = 11 convs (BNs fold into their convs; the
ConvTranspose2d is not counted, it is not a Conv node).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import conv_bn


class ConvPair(nn.Sequential):
    """(Conv3x3 -> BN -> ReLU) x 2."""

    def __init__(self, cin, cout):
        super().__init__()
        self.add_module("cbr1", conv_bn(cin, cout, 3, padding=1))
        self.add_module("act1", nn.ReLU())
        self.add_module("cbr2", conv_bn(cout, cout, 3, padding=1))
        self.add_module("act2", nn.ReLU())


class UNetSmall(nn.Module):
    def __init__(self, cin=3, cout=3, width=8):
        super().__init__()
        w = width
        self.enc1 = ConvPair(cin, w)
        self.enc2 = ConvPair(w, 2 * w)
        self.pool = nn.MaxPool2d(2)
        self.bottleneck = ConvPair(2 * w, 4 * w)
        self.dec2 = ConvPair(4 * w + 2 * w, 2 * w)
        self.up1 = nn.ConvTranspose2d(2 * w, w, 2, stride=2)
        self.dec1 = ConvPair(w + w, w)
        self.final = nn.Conv2d(w, cout, 1)

    def forward(self, x):
        s1 = self.enc1(x)
        s2 = self.enc2(self.pool(s1))
        b = self.bottleneck(self.pool(s2))
        u2 = F.interpolate(b, size=s2.shape[2:], mode="bilinear", align_corners=False)
        d2 = self.dec2(torch.cat([u2, s2], dim=1))
        d1 = self.dec1(torch.cat([self.up1(d2), s1], dim=1))
        return self.final(d1)
