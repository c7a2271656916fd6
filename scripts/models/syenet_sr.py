"""SYENet-style super-resolution (Gou et al., "SYENet", ICCV 2023 workshops): the QCU sits right
before the PixelShuffle, so the shuffle's input is a product of two computed tensors,
0.1 * a(x) * b(x) + bias, not one conv's output.

Training form (ConvRep3 branch sets, expansion cut to keep the files small): head (expand 2) +
PReLU, body (expand 2) + PReLU + residual, QCU whose a and b are expand-1 blocks giving
C_out * s * s channels, PixelShuffle(s). Deploy: 1 + 1 + 2 = 4 convs (the QCU's 0.1 folds into a).
Converting the CRD pixel shuffle to TFLite's DCR order needs both QCU convs' output channels
permuted; otherwise a GATHER is left before DEPTH_TO_SPACE.
"""
import torch.nn as nn

from .syenet import CONVREP3_KERNELS, QCU, ConvRep


class SYENetSR(nn.Module):
    """(1, C, H, W) -> (1, C, sH, sW)."""

    def __init__(self, scale=2, image_channels=3, channels=4):
        super().__init__()
        c = channels
        out = image_channels * scale * scale
        self.head = ConvRep(image_channels, c, CONVREP3_KERNELS, expand=2)
        self.head_act = nn.PReLU(c)
        self.body = ConvRep(c, c, CONVREP3_KERNELS, expand=2)
        self.body_act = nn.PReLU(c)
        self.qcu = QCU(ConvRep(c, out, CONVREP3_KERNELS, expand=1),
                       ConvRep(c, out, CONVREP3_KERNELS, expand=1), out)
        self.shuffle = nn.PixelShuffle(scale)

    def forward(self, x):
        f = self.head_act(self.head(x))
        y = self.body_act(self.body(f)) + f
        return self.shuffle(self.qcu(y))

