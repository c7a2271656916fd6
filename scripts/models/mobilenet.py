"""torchvision's MobileNetV2 (Sandler et al., CVPR 2018), built with random weights
(``weights=None``; nothing is downloaded): width_mult 0.25, 10 classes and two blocks per stage
(instead of 1, 2, 3, 4, 3, 3, 1) to keep every export below 1.5 MB.

Inverted residual: 1x1 expand Conv-BN-ReLU6 (absent in the first, t=1 block) -> depthwise 3x3
Conv-BN-ReLU6 -> 1x1 project Conv-BN, + input when stride 1 and Cin == Cout. Stem 3x3 stride 2
Conv-BN-ReLU6, last 1x1 Conv-BN-ReLU6 to 1280 channels, global average pool, Dropout, Linear.
Every conv is bias-free and followed by a BN. Deploy: 1 + 2 + 11 * 3 + 1 = 37 convs (BNs fold; the
Linear exports as Gemm, not Conv).
"""
import torch
import torch.nn as nn

# (t expansion, c channels, n repeats, s stride of the first repeat); torchvision's default has
# n = 1, 2, 3, 4, 3, 3, 1.
INVERTED_RESIDUAL_SETTING = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 2, 2],
    [6, 64, 2, 2],
    [6, 96, 2, 1],
    [6, 160, 2, 2],
    [6, 320, 1, 1],
]


class MobileNetV2Small(nn.Module):
    def __init__(self, width_mult=0.25, num_classes=10):
        super().__init__()
        import torchvision  # only this model needs it
        self.net = torchvision.models.mobilenet_v2(
            weights=None, width_mult=width_mult, num_classes=num_classes,
            inverted_residual_setting=INVERTED_RESIDUAL_SETTING)

    def reset_extra_parameters(self, gen):
        """torchvision initialises the Linear bias to zeros; make it non-trivial."""
        linear = self.net.classifier[-1]
        with torch.no_grad():
            linear.bias.copy_(torch.empty(linear.bias.shape).uniform_(-0.5, 0.5, generator=gen))

    def forward(self, x):
        return self.net(x)
