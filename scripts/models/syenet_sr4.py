"""SYENet-style x4 super-resolution with a max-pool spatial attention: the kind of net on which
TensorFlow's 16-bit PTQ once beat isptool's int16x8 (issue 12), rebuilt here from its description.

Training form: ConvRep3 head (expand 1) + PReLU, ConvRep3 body (expand 1) + PReLU, gated by a
spatial attention sigmoid(1x1(MaxPool 3x3 stride 1 (body))), residual Add, then the QCU
0.1 * a(x) * b(x) + bias (a, b: 3x3 and 1x1 branch sets giving C_out * 16 channels) right before
PixelShuffle(4). Deploy: head 1 + body 1 + attention 1 + QCU 2 = 5 convs, one MaxPool.
"""
import torch
import torch.nn as nn

from .syenet import CONVREP3_KERNELS, QCU, ConvRep

QCU_KERNELS = [(3, 3), (1, 1)]


class SYENetSR4(nn.Module):
    """(1, C, H, W) -> (1, C, 4H, 4W)."""

    def __init__(self, scale=4, image_channels=3, channels=8):
        super().__init__()
        c = channels
        out = image_channels * scale * scale
        self.head = ConvRep(image_channels, c, CONVREP3_KERNELS, expand=1)
        self.head_act = nn.PReLU(c)
        self.body = ConvRep(c, c, CONVREP3_KERNELS, expand=1)
        self.body_act = nn.PReLU(c)
        self.att_pool = nn.MaxPool2d(3, stride=1, padding=1)
        self.att_conv = nn.Conv2d(c, c, 1)
        self.qcu = QCU(ConvRep(c, out, QCU_KERNELS, expand=1), ConvRep(c, out, QCU_KERNELS, expand=1), out)
        self.shuffle = nn.PixelShuffle(scale)

    def forward(self, x):
        f = self.head_act(self.head(x))
        b = self.body_act(self.body(f))
        y = b * torch.sigmoid(self.att_conv(self.att_pool(b))) + f
        return self.shuffle(self.qcu(y))
