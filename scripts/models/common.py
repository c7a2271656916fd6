"""Shared helpers: conv-BN units, parameter randomization, ideal deploy-conv counting.

A module that re-parameterizes into exactly one convolution declares it with the class
attribute ``DEPLOY_CONVS = 1``; :func:`count_deploy_convs` uses that to compute how many Conv
nodes a perfect re-parameterization leaves (plain ``nn.Conv2d`` outside such blocks count 1 each).
"""
import torch
import torch.nn as nn


def conv_bn(cin, cout, kernel, stride=1, padding=0, groups=1, conv_bias=False):
    """Conv followed by BatchNorm, as a Sequential with children ``conv`` and ``bn``."""
    seq = nn.Sequential()
    seq.add_module("conv", nn.Conv2d(cin, cout, kernel, stride=stride, padding=padding,
                                     groups=groups, bias=conv_bias))
    seq.add_module("bn", nn.BatchNorm2d(cout))
    return seq


def randomize_batchnorm(bn, gen):
    """Non-trivial eval-mode statistics and affine parameters so BN folding is really tested."""
    c = bn.num_features
    with torch.no_grad():
        bn.running_mean.copy_(torch.empty(c).uniform_(-0.5, 0.5, generator=gen))
        bn.running_var.copy_(torch.empty(c).uniform_(0.5, 2.0, generator=gen))
        if bn.affine:
            bn.weight.copy_(torch.empty(c).uniform_(0.5, 1.5, generator=gen))
            bn.bias.copy_(torch.empty(c).uniform_(-0.5, 0.5, generator=gen))


def randomize_model(model, seed):
    """Randomize every BN (stats and affine) and every PReLU slope; other learned scales and biases
    are randomized by the blocks themselves (``reset_extra_parameters``). Conv weights keep
    PyTorch's seeded default init (which also gives non-zero conv biases)."""
    gen = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            randomize_batchnorm(m, gen)
        elif isinstance(m, nn.PReLU):
            with torch.no_grad():
                m.weight.copy_(torch.empty(m.weight.shape).uniform_(0.05, 0.5, generator=gen))
        if hasattr(m, "reset_extra_parameters"):
            m.reset_extra_parameters(gen)
    return model


def count_deploy_convs(module):
    """Ideal number of Conv nodes after re-parameterization."""
    n = getattr(type(module), "DEPLOY_CONVS", None)
    if n is not None:
        return n
    if isinstance(module, nn.Conv2d):
        return 1
    return sum(count_deploy_convs(child) for child in module.children())


def pad_with_values(y, values, p):
    """Pad ``y`` (N,C,H,W) by ``p`` on every side with per-channel ``values`` (shape C).

    Written the way DBB and ECBSR do it: zero-pad with F.pad, then overwrite the border rows and
    columns by in-place slice assignment. PyTorch exports this as Pad followed by ScatterND-style
    slice writes, which is the export form the test models need to contain.
    """
    y = nn.functional.pad(y, [p, p, p, p])
    v = values.view(1, -1, 1, 1)
    y[:, :, 0:p, :] = v
    y[:, :, -p:, :] = v
    y[:, :, :, 0:p] = v
    y[:, :, :, -p:] = v
    return y
