"""RepVGG (Ding et al., CVPR 2021).

Training-time block: 3x3 conv-BN + 1x1 conv-BN + BN-only identity (identity only when
Cin == Cout and stride 1), summed, then ReLU. Deploy: one 3x3 conv with bias.
"""
import torch.nn as nn

from .common import conv_bn


class RepVGGBlock(nn.Module):
    DEPLOY_CONVS = 1

    def __init__(self, cin, cout, stride=1, groups=1):
        super().__init__()
        self.dense = conv_bn(cin, cout, 3, stride=stride, padding=1, groups=groups)
        self.pointwise = conv_bn(cin, cout, 1, stride=stride, padding=0, groups=groups)
        self.identity = nn.BatchNorm2d(cin) if cin == cout and stride == 1 else None
        self.act = nn.ReLU()

    def forward(self, x):
        y = self.dense(x) + self.pointwise(x)
        if self.identity is not None:
            y = y + self.identity(x)
        return self.act(y)


class RepVGGNet(nn.Module):
    """Five blocks: a stride-2 stem without identity, identity blocks, a grouped block (groups=2)."""

    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(
            RepVGGBlock(3, 8, stride=2),       # no identity (stride 2, Cin != Cout)
            RepVGGBlock(8, 8),                 # with BN identity
            RepVGGBlock(8, 8, groups=2),       # grouped, with BN identity
            RepVGGBlock(8, 16, stride=2),      # no identity
            RepVGGBlock(16, 16),               # with BN identity
        )

    def forward(self, x):
        return self.blocks(x)
