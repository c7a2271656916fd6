"""A small RGB restoration net with one quantization-sensitive layer, for mixed precision.

3x3 conv 3->16 + ReLU -> "wide" 3x3 conv 16->16 + ReLU -> 3x3 conv 16->3, + input. The wide
conv's channel 0 is scaled up 64x and the last conv reads it scaled down 64x, so the float result
is an ordinary net's, but the wide conv's output range is set by that one channel: with one int8
scale per tensor the other 15 channels get a few levels each. Keeping the wide conv and its
consumer in float (--float-ops) recovers them. No BN: deploy = 3 convs.
"""
import torch
import torch.nn as nn

OUTLIER = 64.0


class SensitiveNet(nn.Module):
    def __init__(self, channels=16):
        super().__init__()
        c = channels
        self.head = nn.Conv2d(3, c, 3, padding=1)
        self.wide = nn.Conv2d(c, c, 3, padding=1)
        self.tail = nn.Conv2d(c, 3, 3, padding=1)
        self.act = nn.ReLU()
        with torch.no_grad():
            self.wide.weight[0] *= OUTLIER
            self.wide.bias[0] *= OUTLIER
            self.tail.weight[:, 0] /= OUTLIER

    def forward(self, x):
        y = self.act(self.wide(self.act(self.head(x))))
        return x + self.tail(y)
