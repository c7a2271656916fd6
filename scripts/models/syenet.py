"""SYENet-style learned ISP (Gou et al., "SYENet", ICCV 2023 workshops), packed Bayer -> RGB at 2x.

ConvRep blocks (training time): for each kernel shape a biased conv giving 4*Cout channels is
present twice, once plain and once followed by BN; all outputs are concatenated on channels and a
biased 1x1 conv compresses them to Cout. Every branch is centre-aligned ("same" size).
  ConvRep5:     5x5, 1x1, 3x3, 3x1, 1x3
  ConvRep3:     3x3, 1x1, 3x1, 1x3
  ConvRepPoint: 1x1
Deploy: one conv per ConvRep block (branches merge, then concat -> 1x1 folds into them).
QCU (quadratic connection unit): 0.1 * a(x) * b(x) + bias, bias a learned (1,C,1,1) tensor; the
0.1 folds into the last conv of a or b, so a QCU deploys as two convs.
Channel attention: global average pool -> 1x1 -> ReLU -> 1x1 -> sigmoid -> multiply.
"""
import torch
import torch.nn as nn

from .common import conv_bn

CONVREP5_KERNELS = [(5, 5), (1, 1), (3, 3), (3, 1), (1, 3)]
CONVREP3_KERNELS = [(3, 3), (1, 1), (3, 1), (1, 3)]
CONVREP_POINT_KERNELS = [(1, 1)]


class ConvRep(nn.Module):
    DEPLOY_CONVS = 1

    def __init__(self, cin, cout, kernels, expand=4):
        super().__init__()
        wide = cout * expand
        self.plain = nn.ModuleList()
        self.with_bn = nn.ModuleList()
        for kh, kw in kernels:
            pad = (kh // 2, kw // 2)
            self.plain.append(nn.Conv2d(cin, wide, (kh, kw), padding=pad, bias=True))
            self.with_bn.append(conv_bn(cin, wide, (kh, kw), padding=pad, conv_bias=True))
        self.compress = nn.Conv2d(2 * len(kernels) * wide, cout, 1, bias=True)

    def forward(self, x):
        outs = [conv(x) for conv in self.plain] + [branch(x) for branch in self.with_bn]
        return self.compress(torch.cat(outs, dim=1))


class ConvRep5(ConvRep):
    def __init__(self, cin, cout):
        super().__init__(cin, cout, CONVREP5_KERNELS)


class ConvRep3(ConvRep):
    def __init__(self, cin, cout):
        super().__init__(cin, cout, CONVREP3_KERNELS)


class ConvRepPoint(ConvRep):
    def __init__(self, cin, cout):
        super().__init__(cin, cout, CONVREP_POINT_KERNELS)


class QCU(nn.Module):
    """Quadratic connection unit: 0.1 * a(x) * b(x) + bias."""

    def __init__(self, a, b, channels):
        super().__init__()
        self.a = a
        self.b = b
        self.bias = nn.Parameter(torch.zeros(1, channels, 1, 1))

    def reset_extra_parameters(self, gen):
        with torch.no_grad():
            self.bias.copy_(torch.empty(self.bias.shape).uniform_(-0.5, 0.5, generator=gen))

    def forward(self, x):
        return 0.1 * self.a(x) * self.b(x) + self.bias


class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=2):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, channels // reduction, 1)
        self.relu = nn.ReLU()
        self.fc2 = nn.Conv2d(channels // reduction, channels, 1)
        self.gate = nn.Sigmoid()

    def forward(self, x):
        return x * self.gate(self.fc2(self.relu(self.fc1(self.pool(x)))))


class SYENetISP(nn.Module):
    """Packed RGGB (1,4,H,W) -> RGB (1,3,2H,2W). Deploy convs: 1 + 2 + 1 + 2 + 1 + 1 = 8."""

    def __init__(self, channels=8):
        super().__init__()
        c = channels
        self.head = ConvRep5(4, c)
        self.head_act = nn.PReLU(c)
        self.qcu = QCU(ConvRep3(c, c), ConvRep3(c, c), c)
        self.body = ConvRep3(c, c)
        self.body_act = nn.PReLU(c)
        self.attention = ChannelAttention(c)
        self.point = ConvRepPoint(c, c)
        self.tail = ConvRep3(c, 3 * 4)
        self.shuffle = nn.PixelShuffle(2)

    def forward(self, x):
        f = self.head_act(self.head(x))
        y = self.qcu(f)
        y = self.body_act(self.body(y))
        y = self.attention(y)
        y = self.point(y) + f
        return self.shuffle(self.tail(y))
