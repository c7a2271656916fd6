"""FSRCNN (Dong et al., ECCV 2016), x2, on the Y channel.

feature extraction 5x5 (1 -> d) + PReLU, shrinking 1x1 (d -> s) + PReLU, m mapping 3x3 (s -> s)
+ PReLU each, expanding 1x1 (s -> d) + PReLU, deconvolution ConvTranspose2d 9x9 stride 2
padding 4 output_padding 1 (d -> 1): (1,1,H,W) -> (1,1,2H,2W). FSRCNN(d=56, s=12, m=4) as in the
paper. No BN; the ConvTranspose2d is not an nn.Conv2d, so deploy = 7 (Conv nodes only).
"""
import torch.nn as nn


class FSRCNN(nn.Module):
    def __init__(self, d=56, s=12, m=4, scale=2):
        super().__init__()
        layers = [nn.Conv2d(1, d, 5, padding=2), nn.PReLU(d),
                  nn.Conv2d(d, s, 1), nn.PReLU(s)]
        for _ in range(m):
            layers += [nn.Conv2d(s, s, 3, padding=1), nn.PReLU(s)]
        layers += [nn.Conv2d(s, d, 1), nn.PReLU(d)]
        self.body = nn.Sequential(*layers)
        self.deconv = nn.ConvTranspose2d(d, 1, 9, stride=scale, padding=4,
                                         output_padding=scale - 1)

    def forward(self, x):
        return self.deconv(self.body(x))
