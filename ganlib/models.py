"""The generator and discriminator networks.

The reference model of the workbook is a pair of multilayer perceptrons (MLPs):

    generator      z (100 numbers of noise) -> 256 -> 512 -> 1024 -> 784 pixels -> Tanh
    discriminator  784 pixels -> 512 -> 256 -> 1 score

with LeakyReLU(0.2) between the layers. LeakyReLU lets a little gradient through for
negative inputs (slope 0.2 instead of 0), which keeps both networks learning when many
units are switched off, a common way for GAN training to stall.

The same two classes with other sizes serve the 1-D and 2-D toy games of the first
notebooks.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def _mlp(sizes: list[int]) -> list[nn.Module]:
    """Linear layers between consecutive `sizes`, with LeakyReLU(0.2) after all but the last."""
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.LeakyReLU(0.2, inplace=True))
    return layers


class MLPGenerator(nn.Module):
    """Turns noise vectors z of shape (B, latent_dim) into samples of shape (B, *out_shape).

    With `tanh=True` (images) the output lies in [-1, 1], the range the training images
    are scaled to. Tanh is steep near zero and flat at ±1, so the generator can reach
    pure black and pure white without its last layer growing huge weights. The toy
    games use `tanh=False`, since their data is not confined to [-1, 1].
    """

    def __init__(
        self,
        latent_dim: int = 100,
        hidden: tuple[int, ...] = (256, 512, 1024),
        out_shape: tuple[int, ...] = (1, 28, 28),
        tanh: bool = True,
    ) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.out_shape = tuple(out_shape)
        layers = _mlp([latent_dim, *hidden, math.prod(out_shape)])
        if tanh:
            layers.append(nn.Tanh())
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).view(len(z), *self.out_shape)


class MLPDiscriminator(nn.Module):
    """Scores samples of shape (B, *in_shape) with one logit each: shape (B,).

    A logit is the score before the sigmoid: D(x) = sigmoid(logit) is the probability
    that x is real. The network returns the logit, not the probability, because the loss
    is computed more accurately from it. In float32, sigmoid(17) already rounds to
    exactly 1.0, so "Sigmoid, then BCELoss" takes log(1 - 1.0) and has to clip it, and
    the gradient is lost. `binary_cross_entropy_with_logits` (BCEWithLogitsLoss) computes
    the same loss as log(1 + exp(-logit)) directly, which stays exact. The maths is the
    seed's Sigmoid + BCELoss; only the arithmetic is safer.
    """

    def __init__(
        self, in_shape: tuple[int, ...] = (1, 28, 28), hidden: tuple[int, ...] = (512, 256)
    ) -> None:
        super().__init__()
        self.in_shape = tuple(in_shape)
        self.net = nn.Sequential(*_mlp([math.prod(in_shape), *hidden, 1]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.reshape(len(x), -1)).squeeze(1)


def count_parameters(model: nn.Module) -> int:
    """How many numbers training adjusts in `model` (weights and biases)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
