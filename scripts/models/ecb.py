"""ECBSR's Edge-oriented Convolution Block (Zhang et al., ACM MM 2021). No BN anywhere.

ECB (training time), branches summed, then PReLU (or nothing for the tail):
  1. 3x3 conv (bias)
  2. 1x1 conv (bias, Cin -> 2*Cout) -> 3x3 conv (bias, padding 0)
  3. 1x1 conv (bias) -> depthwise Sobel-x   (fixed mask * learned per-channel scale, learned bias)
  4. 1x1 conv (bias) -> depthwise Sobel-y
  5. 1x1 conv (bias) -> depthwise Laplacian
In 2-5 the 1x1 output is zero-padded by F.pad and its 1-pixel border then overwritten with the
1x1 bias by slice assignment: that equals running the 1x1 on a zero-padded input, so the
1x1 -> 3x3 (padding 0) pair is exactly one 3x3 conv with padding 1. The depthwise kernel
mask * scale is computed in forward.
Deploy: one 3x3 conv with bias.
ECBSR: head ECB, body ECBs, tail ECB to colors * r^2 channels, PixelShuffle(r). The test model
uses one body ECB: each border write exports (TorchScript) as ~40 index-computation nodes, and
with 16 writes per ECB a second body block would push the .onnx file towards 1 MB.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import pad_with_values

_MASKS = {
    "sobel_x": [[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]],
    "sobel_y": [[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]],
    "laplacian": [[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]],
}


class Conv1x1Conv3x3(nn.Module):
    """1x1 (bias) -> pad with the 1x1 bias -> 3x3 (bias, padding 0)."""

    def __init__(self, cin, cout, depth_multiplier=2):
        super().__init__()
        mid = cout * depth_multiplier
        self.conv0 = nn.Conv2d(cin, mid, 1)
        self.conv1 = nn.Conv2d(mid, cout, 3, padding=0)

    def forward(self, x):
        y = pad_with_values(self.conv0(x), self.conv0.bias, 1)
        return self.conv1(y)


class Conv1x1EdgeFilter(nn.Module):
    """1x1 (bias) -> pad with the 1x1 bias -> depthwise fixed 3x3 mask scaled per channel, + bias."""

    def __init__(self, cin, cout, kind):
        super().__init__()
        self.conv0 = nn.Conv2d(cin, cout, 1)
        self.scale = nn.Parameter(torch.ones(cout, 1, 1, 1))
        self.bias = nn.Parameter(torch.zeros(cout))
        mask = torch.tensor(_MASKS[kind]).view(1, 1, 3, 3).repeat(cout, 1, 1, 1)
        self.register_buffer("mask", mask)
        self.channels = cout

    def reset_extra_parameters(self, gen):
        with torch.no_grad():
            self.scale.copy_(torch.empty(self.scale.shape).uniform_(0.1, 0.5, generator=gen)
                             * torch.where(torch.rand(self.scale.shape, generator=gen) < 0.5, -1, 1))
            self.bias.copy_(torch.empty(self.bias.shape).uniform_(-0.5, 0.5, generator=gen))

    def forward(self, x):
        y = pad_with_values(self.conv0(x), self.conv0.bias, 1)
        return F.conv2d(y, self.scale * self.mask, self.bias, 1, 0, 1, self.channels)


class ECB(nn.Module):
    DEPLOY_CONVS = 1

    def __init__(self, cin, cout, act=True, depth_multiplier=2):
        super().__init__()
        # Short attribute names (ECBSR's own abbreviations): they become ONNX node-name prefixes,
        # and the TorchScript export of the border writes has ~40 nodes each.
        self.conv3x3 = nn.Conv2d(cin, cout, 3, padding=1)
        self.seq3x3 = Conv1x1Conv3x3(cin, cout, depth_multiplier)
        self.sbx = Conv1x1EdgeFilter(cin, cout, "sobel_x")
        self.sby = Conv1x1EdgeFilter(cin, cout, "sobel_y")
        self.lpl = Conv1x1EdgeFilter(cin, cout, "laplacian")
        self.act = nn.PReLU(cout) if act else None

    def forward(self, x):
        y = self.conv3x3(x) + self.seq3x3(x) + self.sbx(x) + self.sby(x) + self.lpl(x)
        return self.act(y) if self.act is not None else y


class ECBSR(nn.Module):
    def __init__(self, colors=3, channels=8, body_blocks=1, scale=2):
        super().__init__()
        self.head = ECB(colors, channels)
        self.body = nn.ModuleList(ECB(channels, channels) for _ in range(body_blocks))
        self.tail = ECB(channels, colors * scale * scale, act=False)
        self.upsample = nn.PixelShuffle(scale)

    def forward(self, x):
        y = self.head(x)
        for block in self.body:
            y = block(y)
        return self.upsample(self.tail(y))
