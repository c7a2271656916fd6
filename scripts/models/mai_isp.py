"""A MAI 2021-style learned ISP (Mobile AI 2021 learned smartphone ISP challenge): the small
"3-conv ISP net with tanh and pixel shuffle" several mobile entries used.

Packed RGGB (1,4,H,W) -> 3x3 conv + ReLU -> 3x3 conv + ReLU -> 3x3 conv (to 3 * 2 * 2 channels)
-> tanh -> PixelShuffle(2) -> RGB (1,3,2H,2W). No BN, nothing to re-parameterize: deploy = 3 convs.
"""
import torch
import torch.nn as nn


class MAIISPNet(nn.Module):
    def __init__(self, channels=16):
        super().__init__()
        c = channels
        self.conv1 = nn.Conv2d(4, c, 3, padding=1)
        self.act1 = nn.ReLU()
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)
        self.act2 = nn.ReLU()
        self.conv3 = nn.Conv2d(c, 3 * 4, 3, padding=1)
        self.shuffle = nn.PixelShuffle(2)

    def forward(self, x):
        y = self.act2(self.conv2(self.act1(self.conv1(x))))
        return self.shuffle(torch.tanh(self.conv3(y)))
