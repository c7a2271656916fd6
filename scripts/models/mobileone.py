"""MobileOne (Vasu et al., CVPR 2023), blocks as in MobileOne-S0 (k = 4 over-parameterized branches).

MobileOneBlock (training time), summed then ReLU:
  - k parallel KxK conv-BN branches (same stride/groups),
  - a 1x1 conv-BN "scale" branch (only when K > 1),
  - a BN-only skip (only when Cin == Cout and stride 1).
A MobileOne unit is a depthwise 3x3 MobileOneBlock followed by a pointwise 1x1 MobileOneBlock.
Deploy: each MobileOneBlock becomes one conv.
"""
import torch.nn as nn

from .common import conv_bn


class MobileOneBlock(nn.Module):
    DEPLOY_CONVS = 1

    def __init__(self, cin, cout, kernel, stride=1, groups=1, num_branches=4):
        super().__init__()
        pad = kernel // 2
        self.branches = nn.ModuleList(
            conv_bn(cin, cout, kernel, stride=stride, padding=pad, groups=groups)
            for _ in range(num_branches))
        self.scale = conv_bn(cin, cout, 1, stride=stride, groups=groups) if kernel > 1 else None
        self.skip = nn.BatchNorm2d(cin) if cin == cout and stride == 1 else None
        self.act = nn.ReLU()

    def forward(self, x):
        # Summed tensor-by-tensor (no Python `0 +` start value, which would trace as Add(x, 0)).
        outs = [branch(x) for branch in self.branches]
        if self.scale is not None:
            outs.append(self.scale(x))
        if self.skip is not None:
            outs.append(self.skip(x))
        y = outs[0]
        for o in outs[1:]:
            y = y + o
        return self.act(y)


class MobileOneUnit(nn.Sequential):
    """Depthwise 3x3 block then pointwise 1x1 block."""

    def __init__(self, cin, cout, stride=1, num_branches=4):
        super().__init__(
            MobileOneBlock(cin, cin, 3, stride=stride, groups=cin, num_branches=num_branches),
            MobileOneBlock(cin, cout, 1, stride=1, groups=1, num_branches=num_branches),
        )


class MobileOneNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.units = nn.Sequential(
            MobileOneUnit(8, 8),              # dw: skip + scale; pw: skip
            MobileOneUnit(8, 16, stride=2),   # dw: scale, no skip; pw: no skip
            MobileOneUnit(16, 16),            # dw: skip + scale; pw: skip
        )

    def forward(self, x):
        return self.units(x)
