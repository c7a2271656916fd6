"""A NAFNet-style denoiser (Chen et al., "Simple Baselines for Image Restoration", ECCV 2022).

NAFBlock: y = x + beta * conv3(SCA(SimpleGate(dwconv3x3(conv1(LN(x))))))
          out = y + gamma * conv5(SimpleGate(conv4(LN(y))))
  LN           layer norm over the channel dimension at every pixel (NAFNet's LayerNorm2d)
  conv1/conv4  1x1, C -> 2C;  dwconv 3x3 depthwise on 2C;  conv3/conv5 1x1, C -> C
  SimpleGate   x1, x2 = x.chunk(2, dim=1); x1 * x2
  SCA          x * conv1x1(AdaptiveAvgPool2d(1)(x))  (simplified channel attention)
  beta, gamma  learned (1,C,1,1) residual scales (zero-initialised in NAFNet; randomized here)
The channel LayerNorm comes in the two forms found in the wild; the net has one block of each:
  "manual":  mu = x.mean(1, keepdim); var = (x - mu).pow(2).mean(1, keepdim);
             (x - mu) / sqrt(var + eps) * weight + bias         (NAFNet's LayerNorm2d)
  "permute": x.permute(0,2,3,1) -> nn.LayerNorm(C) -> permute(0,3,1,2)
Net: intro 3x3 (3 -> C), NAFBlock(manual), NAFBlock(permute), ending 3x3 (C -> 3), + input.
No BN. Deploy: 1 + 2 * 6 + 1 = 14 convs.
"""
import torch
import torch.nn as nn


class LayerNorm2dManual(nn.Module):
    def __init__(self, c, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.eps = eps

    def reset_extra_parameters(self, gen):
        with torch.no_grad():
            self.weight.copy_(torch.empty(self.weight.shape).uniform_(0.5, 1.5, generator=gen))
            self.bias.copy_(torch.empty(self.bias.shape).uniform_(-0.5, 0.5, generator=gen))

    def forward(self, x):
        mu = x.mean(1, keepdim=True)
        var = (x - mu).pow(2).mean(1, keepdim=True)
        y = (x - mu) / (var + self.eps).sqrt()
        return self.weight.view(1, -1, 1, 1) * y + self.bias.view(1, -1, 1, 1)


class LayerNorm2dPermute(nn.Module):
    def __init__(self, c, eps=1e-6):
        super().__init__()
        self.norm = nn.LayerNorm(c, eps=eps)

    def reset_extra_parameters(self, gen):
        with torch.no_grad():
            self.norm.weight.copy_(torch.empty(self.norm.weight.shape).uniform_(
                0.5, 1.5, generator=gen))
            self.norm.bias.copy_(torch.empty(self.norm.bias.shape).uniform_(
                -0.5, 0.5, generator=gen))

    def forward(self, x):
        return self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class SimpleGate(nn.Module):
    def forward(self, x):
        x1, x2 = x.chunk(2, dim=1)
        return x1 * x2


class NAFBlock(nn.Module):
    def __init__(self, c, norm="manual"):
        super().__init__()
        norm_cls = {"manual": LayerNorm2dManual, "permute": LayerNorm2dPermute}[norm]
        self.norm1 = norm_cls(c)
        self.conv1 = nn.Conv2d(c, 2 * c, 1)
        self.conv2 = nn.Conv2d(2 * c, 2 * c, 3, padding=1, groups=2 * c)
        self.sg = SimpleGate()
        self.sca = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(c, c, 1))
        self.conv3 = nn.Conv2d(c, c, 1)
        self.norm2 = norm_cls(c)
        self.conv4 = nn.Conv2d(c, 2 * c, 1)
        self.conv5 = nn.Conv2d(c, c, 1)
        self.beta = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.gamma = nn.Parameter(torch.zeros(1, c, 1, 1))

    def reset_extra_parameters(self, gen):
        with torch.no_grad():
            self.beta.copy_(torch.empty(self.beta.shape).uniform_(-0.5, 0.5, generator=gen))
            self.gamma.copy_(torch.empty(self.gamma.shape).uniform_(-0.5, 0.5, generator=gen))

    def forward(self, inp):
        x = self.sg(self.conv2(self.conv1(self.norm1(inp))))
        x = self.conv3(x * self.sca(x))
        y = inp + x * self.beta
        x = self.conv5(self.sg(self.conv4(self.norm2(y))))
        return y + x * self.gamma


class NAFNetLike(nn.Module):
    def __init__(self, cin=3, width=16):
        super().__init__()
        self.intro = nn.Conv2d(cin, width, 3, padding=1)
        self.blocks = nn.Sequential(NAFBlock(width, "manual"), NAFBlock(width, "permute"))
        self.ending = nn.Conv2d(width, cin, 3, padding=1)

    def forward(self, x):
        return x + self.ending(self.blocks(self.intro(x)))
