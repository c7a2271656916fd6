"""A CSANet-like ISP block (after CSANet, "High Speed Channel Spatial Attention Network for Mobile
ISP", MAI 2021): packed Bayer in, PixelShuffle(2) out.

head 3x3 conv + ReLU -> attention block:
  f  = 3x3 conv -> ReLU -> 3x3 conv
  sa = sigmoid(depthwise 3x3 conv, dilation 2, padding 2 (f))           spatial attention
  ca = sigmoid(1x1 conv(ReLU(1x1 conv(global average pool(f)))))        channel attention
  y  = x + f * sa * ca                                                   residual
-> 3x3 conv to 3 * 2 * 2 channels -> PixelShuffle(2). No BN. Deploy: 1 + 2 + 1 + 2 + 1 = 7 convs.
"""
import torch.nn as nn


class DualAttentionBlock(nn.Module):
    def __init__(self, c, reduction=4):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1)
        self.act = nn.ReLU()
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)
        self.spatial = nn.Conv2d(c, c, 3, padding=2, dilation=2, groups=c)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(c, c // reduction, 1)
        self.fc_act = nn.ReLU()
        self.fc2 = nn.Conv2d(c // reduction, c, 1)
        self.gate = nn.Sigmoid()

    def forward(self, x):
        f = self.conv2(self.act(self.conv1(x)))
        sa = self.gate(self.spatial(f))
        ca = self.gate(self.fc2(self.fc_act(self.fc1(self.pool(f)))))
        return x + f * sa * ca


class CSANetLike(nn.Module):
    def __init__(self, channels=16):
        super().__init__()
        c = channels
        self.head = nn.Conv2d(4, c, 3, padding=1)
        self.head_act = nn.ReLU()
        self.block = DualAttentionBlock(c)
        self.tail = nn.Conv2d(c, 3 * 4, 3, padding=1)
        self.shuffle = nn.PixelShuffle(2)

    def forward(self, x):
        return self.shuffle(self.tail(self.block(self.head_act(self.head(x)))))
