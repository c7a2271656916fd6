"""ACNet (Ding et al., ICCV 2019): Asymmetric Convolution Block.

Training-time block: 3x3 conv-BN + 3x1 conv-BN + 1x3 conv-BN, all centre-aligned ("same"
padding per axis), summed; ReLU after the block. Deploy: one 3x3 conv with bias.
"""
import torch.nn as nn

from .common import conv_bn


class ACBlock(nn.Module):
    DEPLOY_CONVS = 1

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.square = conv_bn(cin, cout, (3, 3), stride=stride, padding=(1, 1))
        self.ver = conv_bn(cin, cout, (3, 1), stride=stride, padding=(1, 0))
        self.hor = conv_bn(cin, cout, (1, 3), stride=stride, padding=(0, 1))

    def forward(self, x):
        return self.square(x) + self.ver(x) + self.hor(x)


class ACNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(
            ACBlock(3, 8), nn.ReLU(),
            ACBlock(8, 8, stride=2), nn.ReLU(),
            ACBlock(8, 16), nn.ReLU(),
        )

    def forward(self, x):
        return self.blocks(x)
