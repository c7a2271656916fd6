"""The inexact case: a biased 1x1 conv feeding a 3x3 conv with zero padding 1.

Folding 1x1 (K1, b1) -> 3x3 (K2, b2) into one 3x3 is exact only if the intermediate map is padded
with b1; here PyTorch zero-pads it and b1 is clearly non-zero, so on the border pixels the merged
conv would differ. A correct tool must refuse that fold and keep both convs. A RepVGG block
elsewhere in the net stays foldable, so the ideal deploy graph has 3 convs.
"""
import torch
import torch.nn as nn

from .repvgg import RepVGGBlock


class BiasedConv1x1(nn.Conv2d):
    """A 1x1 conv whose bias is made clearly non-zero (|b| in 0.5..1) by the randomizer."""

    def __init__(self, cin, cout):
        super().__init__(cin, cout, 1, bias=True)

    def reset_extra_parameters(self, gen):
        with torch.no_grad():
            mag = torch.empty(self.bias.shape).uniform_(0.5, 1.0, generator=gen)
            sign = torch.where(torch.rand(self.bias.shape, generator=gen) < 0.5, -1.0, 1.0)
            self.bias.copy_(mag * sign)


class SeqZeroPadNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1x1 = BiasedConv1x1(3, 8)
        self.conv3x3 = nn.Conv2d(8, 8, 3, padding=1, bias=True)   # zero-pads the biased 1x1 output
        self.act = nn.ReLU()
        self.block = RepVGGBlock(8, 8)                               # foldable: -> one conv

    def forward(self, x):
        return self.block(self.act(self.conv3x3(self.conv1x1(x))))
