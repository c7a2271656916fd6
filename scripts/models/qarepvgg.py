"""QARepVGG (Chu et al., "Make RepVGG Greater Again", AAAI 2023), quantization-friendly RepVGG.

Training-time block: 3x3 conv-BN + 1x1 conv (no BN, no bias) + plain identity (when Cin == Cout
and stride 1), summed, then one BN after the sum, then ReLU. Deploy: one 3x3 conv with bias (the
post-sum BN folds after the branches are merged).
"""
import torch.nn as nn

from .common import conv_bn


class QARepVGGBlock(nn.Module):
    DEPLOY_CONVS = 1

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.dense = conv_bn(cin, cout, 3, stride=stride, padding=1)
        self.pointwise = nn.Conv2d(cin, cout, 1, stride=stride, padding=0, bias=False)
        self.has_identity = cin == cout and stride == 1
        self.bn = nn.BatchNorm2d(cout)
        self.act = nn.ReLU()

    def forward(self, x):
        y = self.dense(x) + self.pointwise(x)
        if self.has_identity:
            y = y + x
        return self.act(self.bn(y))


class QARepVGGNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(
            QARepVGGBlock(3, 8, stride=2),   # no identity
            QARepVGGBlock(8, 8),             # identity
            QARepVGGBlock(8, 8),             # identity
        )

    def forward(self, x):
        return self.blocks(x)
