"""Diverse Branch Block (Ding et al., CVPR 2021).

Training-time block (KxK, here K = 3), four branches summed, ReLU after the block:
  1. KxK conv-BN
  2. 1x1 conv-BN                                   (only when groups < Cout)
  3. 1x1 conv -> BNAndPad -> avgpool(K, stride, padding 0) -> BN
  4. 1x1 conv -> BNAndPad -> KxK conv (padding 0) -> BN
BNAndPad is a BN whose output is padded with the BN's bias values
beta - mean * gamma / sqrt(var + eps) (what a BN produces for a zero input), so that the padded
1x1 -> KxK sequence equals one KxK conv on a zero-padded input. As in the authors' code the pad is
written as F.pad with zeros followed by in-place slice assignment of the border rows/columns.
When the 1x1 of branch 4 keeps the channel count it is an "identity-based" 1x1: its kernel is a
learned weight plus a fixed identity, added in forward.
Deploy: one KxK conv with bias.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import conv_bn, pad_with_values


class BNAndPad(nn.Module):
    def __init__(self, channels, pad):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels)
        self.pad = pad

    def forward(self, x):
        y = self.bn(x)
        if self.pad > 0:
            bn = self.bn
            # The value the BN outputs for a zero input.
            pad_values = bn.bias.detach() - bn.running_mean * bn.weight.detach() / torch.sqrt(
                bn.running_var + bn.eps)
            y = pad_with_values(y, pad_values, self.pad)
        return y


class IdentityBasedConv1x1(nn.Module):
    """1x1 conv (no bias) whose effective kernel is ``weight + I`` (identity per group)."""

    def __init__(self, channels, groups=1):
        super().__init__()
        per_group = channels // groups
        self.groups = groups
        self.weight = nn.Parameter(torch.zeros(channels, per_group, 1, 1))
        ident = torch.zeros(channels, per_group, 1, 1)
        for i in range(channels):
            ident[i, i % per_group, 0, 0] = 1.0
        self.register_buffer("identity", ident)

    def reset_extra_parameters(self, gen):
        with torch.no_grad():
            self.weight.copy_(torch.empty(self.weight.shape).uniform_(-0.3, 0.3, generator=gen))

    def forward(self, x):
        return F.conv2d(x, self.weight + self.identity, None, 1, 0, 1, self.groups)


class DiverseBranchBlock(nn.Module):
    DEPLOY_CONVS = 1

    def __init__(self, cin, cout, kernel=3, stride=1, groups=1):
        super().__init__()
        pad = kernel // 2
        self.origin = conv_bn(cin, cout, kernel, stride=stride, padding=pad, groups=groups)
        self.pointwise = (conv_bn(cin, cout, 1, stride=stride, padding=0, groups=groups)
                          if groups < cout else None)
        # Branch 3: 1x1 -> BNAndPad -> avgpool -> BN.
        self.avg = nn.Sequential()
        self.avg.add_module("conv", nn.Conv2d(cin, cout, 1, groups=groups, bias=False))
        self.avg.add_module("bnpad", BNAndPad(cout, pad))
        self.avg.add_module("pool", nn.AvgPool2d(kernel, stride=stride, padding=0))
        self.avg_bn = nn.BatchNorm2d(cout)
        # Branch 4: 1x1 (identity-based when it keeps Cin channels) -> BNAndPad -> KxK -> BN.
        internal = cin
        self.seq = nn.Sequential()
        self.seq.add_module("idconv1", IdentityBasedConv1x1(cin, groups=groups))
        self.seq.add_module("bnpad1", BNAndPad(internal, pad))
        self.seq.add_module("conv2", nn.Conv2d(internal, cout, kernel, stride=stride, padding=0,
                                               groups=groups, bias=False))
        self.seq.add_module("bn2", nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.origin(x)
        if self.pointwise is not None:
            y = y + self.pointwise(x)
        y = y + self.avg_bn(self.avg(x))
        y = y + self.seq(x)
        return y


class DBBNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(
            DiverseBranchBlock(4, 8, 3, stride=1), nn.ReLU(),
            DiverseBranchBlock(8, 8, 3, stride=2), nn.ReLU(),
        )

    def forward(self, x):
        return self.blocks(x)
