"""The generator and discriminator networks: the two players of the game.

The reference model of the workbook, the source example's, is a pair of multilayer
perceptrons (MLPs):

    generator      z (100 numbers of noise) -> 256 -> 512 -> 1024 -> 784 pixels -> Tanh
    discriminator  784 pixels -> 512 -> 256 -> 1 score

with LeakyReLU(0.2) between the layers. LeakyReLU lets a little gradient through for
negative inputs (slope 0.2 instead of 0), which keeps both networks learning when many
units are switched off, a common way for GAN training to stall. The same two classes
with other sizes serve the 1-D and 2-D toy games of the first notebooks.

Two more pairs follow: a convolutional pair in the style of DCGAN (notebook 04), and the
MLP pair told which digit to draw or judge, a conditional GAN (notebook 06). Every
discriminator can be built with spectral normalisation (`spectral_norm=True`, explained
in `spectral_normalise`).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ganlib import checks
from ganlib.errors import InputError


def _sizes(value: int | tuple[int, ...], name: str) -> tuple[int, ...]:
    """Layer sizes or a shape as a tuple of whole numbers of at least 1 (one number will do)."""
    value = (value,) if isinstance(value, int) else value
    if not isinstance(value, (tuple, list)):
        raise InputError(f"{name} must be a tuple of sizes, such as (256, 512); got {value!r}.")
    return tuple(checks.whole_number(size, f"each size in {name}", 1) for size in value)


def _mlp(sizes: list[int]) -> list[nn.Module]:
    """Linear layers between consecutive `sizes`, with LeakyReLU(0.2) after all but the last."""
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.LeakyReLU(0.2, inplace=True))
    return layers


def spectral_normalise(network: nn.Module) -> nn.Module:
    """Spectral normalisation (Miyato et al., 2018) of every linear and convolutional layer
    of `network`, in place; returns `network`.

    A weight matrix W stretches some input directions more than others; its largest
    singular value sigma(W) is the most it stretches any input. Dividing W by sigma(W)
    makes every layer stretch by at most 1, and LeakyReLU (slope 1 or 0.2) stretches
    nothing, so the whole discriminator becomes 1-Lipschitz: its score cannot change
    faster than its input does (up to a few per cent while the estimate below catches up
    with weights that change). A discriminator that cannot grow arbitrarily sharp keeps
    giving the generator gradients of a sensible size, near the real data and far from it.

    PyTorch's own `torch.nn.utils.parametrizations.spectral_norm` does the work: at each
    forward pass in training it refines its estimate of sigma(W) by one step of power
    iteration (one product with W and one with its transpose, starting from the previous
    step's vector), so the cost is small. The estimate approaches sigma(W) from below. For a convolution, W is the filter bank as a
    matrix of (out channels) × (in channels × kernel height × kernel width), as in the paper.
    """
    for module in network.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            nn.utils.parametrizations.spectral_norm(module)
    return network


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
        self.latent_dim = checks.whole_number(latent_dim, "latent_dim", 1)
        self.out_shape = _sizes(out_shape, "out_shape")
        layers = _mlp([latent_dim, *_sizes(hidden, "hidden"), math.prod(self.out_shape)])
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
    source example's Sigmoid + BCELoss; only the arithmetic is safer.

    `spectral_norm=True` builds it with spectral normalisation (see `spectral_normalise`).
    """

    def __init__(
        self, in_shape: tuple[int, ...] = (1, 28, 28), hidden: tuple[int, ...] = (512, 256), spectral_norm: bool = False,
    ) -> None:
        super().__init__()
        self.in_shape = _sizes(in_shape, "in_shape")
        self.net = nn.Sequential(*_mlp([math.prod(self.in_shape), *_sizes(hidden, "hidden"), 1]))
        if checks.one_of(spectral_norm, "spectral_norm", (False, True)):
            spectral_normalise(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.reshape(len(x), -1)).squeeze(1)


def count_parameters(model: nn.Module) -> int:
    """How many numbers training adjusts in `model` (weights and biases)."""
    if not isinstance(model, nn.Module):
        raise InputError(f"count_parameters counts one network's numbers, such as gan.generator; got {type(model).__name__}.")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class DCGANGenerator(nn.Module):
    """A convolutional generator for 28 × 28 images, in the style of DCGAN (Radford et al., 2016).

        z (latent_dim) -> Linear -> 2w × 7 × 7 -> [BatchNorm, ReLU]
          -> ConvTranspose 4×4 stride 2 -> w × 14 × 14 -> [BatchNorm, ReLU]
          -> ConvTranspose 4×4 stride 2 -> 1 × 28 × 28 -> Tanh

    A transposed convolution with stride 2 doubles the height and width: each output
    pixel is painted from a small neighbourhood of the input, with the same weights
    everywhere in the image. Neighbouring pixels are therefore drawn together, which is
    why these strokes are smooth where the MLP's were speckled. Batch normalisation keeps
    each layer's outputs at a steady scale while the weights change, which steadies the
    game. There is no pooling: the network learns its own up-sampling. The default width
    w = 32 is sized for a laptop CPU; the DCGAN paper's networks were several times wider.
    """

    def __init__(self, latent_dim: int = 100, width: int = 32) -> None:
        super().__init__()
        self.latent_dim = latent_dim = checks.whole_number(latent_dim, "latent_dim", 1)
        self.width = width = checks.whole_number(width, "width", 1)
        self.project = nn.Sequential(
            nn.Linear(latent_dim, 2 * width * 7 * 7), nn.BatchNorm1d(2 * width * 7 * 7), nn.ReLU(inplace=True)
        )
        self.net = nn.Sequential(
            nn.ConvTranspose2d(2 * width, width, kernel_size=4, stride=2, padding=1),  # 7 -> 14
            nn.BatchNorm2d(width), nn.ReLU(inplace=True),
            nn.ConvTranspose2d(width, 1, kernel_size=4, stride=2, padding=1),  # 14 -> 28
            nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(self.project(z).view(len(z), 2 * self.width, 7, 7))


class DCGANDiscriminator(nn.Module):
    """A convolutional discriminator for 28 × 28 images, the mirror of `DCGANGenerator`.

        1 × 28 × 28 -> Conv 4×4 stride 2 -> w × 14 × 14 -> LeakyReLU(0.2)
          -> Conv 4×4 stride 2 -> 2w × 7 × 7 -> LeakyReLU(0.2) -> Linear -> 1 logit

    Strided convolutions halve the size instead of pooling. There is no batch
    normalisation here: on MNIST the discriminator trains well without it, and a
    batch-normalised D would have to see real and fake batches separately.
    `spectral_norm=True` builds it with spectral normalisation (see `spectral_normalise`).
    """

    def __init__(self, width: int = 32, spectral_norm: bool = False) -> None:
        super().__init__()
        width = checks.whole_number(width, "width", 1)
        self.net = nn.Sequential(
            nn.Conv2d(1, width, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2, inplace=True),  # 28 -> 14
            nn.Conv2d(width, 2 * width, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2, inplace=True),  # 14 -> 7
            nn.Flatten(), nn.Linear(2 * width * 7 * 7, 1),
        )
        if checks.one_of(spectral_norm, "spectral_norm", (False, True)):
            spectral_normalise(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


class ConditionalMLPGenerator(MLPGenerator):
    """The MLP generator, told which digit to draw: its input is z followed by a one-hot
    label (ten numbers, a 1 at the digit's place). This is the original conditional GAN
    of Mirza and Osindero (2014): the same networks, with the label as extra input."""

    def __init__(self, latent_dim: int = 100, classes: int = 10, **options) -> None:
        latent_dim, classes = checks.whole_number(latent_dim, "latent_dim", 1), checks.whole_number(classes, "classes", 2)
        super().__init__(latent_dim=latent_dim + classes, **options)
        self.latent_dim = latent_dim
        self.classes = classes

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """`labels` are digits (B,), or label vectors (B, classes) such as a blend of two
        digits, 0.7 of a 3 and 0.3 of an 8: the network was trained on one-hot vectors
        only, so blends show what it makes of the space between them."""
        if labels.dim() == 1:
            labels = nn.functional.one_hot(labels, self.classes)
        return self.net(torch.cat([z, labels.to(z.dtype)], dim=1)).view(len(z), *self.out_shape)


class ConditionalMLPDiscriminator(MLPDiscriminator):
    """The MLP discriminator, told which digit the image claims to be: it judges whether
    the image is a real example *of that digit*, so a good 7 labelled 3 counts as fake."""

    def __init__(self, in_shape: tuple[int, ...] = (1, 28, 28), classes: int = 10, **options) -> None:
        in_shape, classes = _sizes(in_shape, "in_shape"), checks.whole_number(classes, "classes", 2)
        super().__init__(in_shape=(math.prod(in_shape) + classes,), **options)
        self.in_shape = in_shape
        self.classes = classes

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        one_hot = nn.functional.one_hot(labels, self.classes).to(x.dtype)
        return self.net(torch.cat([x.reshape(len(x), -1), one_hot], dim=1)).squeeze(1)


def layer_shapes(model: nn.Module, example: torch.Tensor) -> list[tuple[str, tuple[int, ...], int]]:
    """(layer, output shape without the batch, parameters) for every layer of `model`,
    recorded while it runs once on `example` (in evaluation mode, without gradients)."""
    rows: list[tuple[str, tuple[int, ...], int]] = []

    def record(name: str):
        def hook(module: nn.Module, inputs, output: torch.Tensor) -> None:
            rows.append((f"{name}: {type(module).__name__}", tuple(output.shape[1:]), count_parameters(module)))
        return hook

    layers = [(name, module) for name, module in model.named_modules() if not list(module.children())]
    hooks = [module.register_forward_hook(record(name)) for name, module in layers]
    was_training = model.training
    try:
        with torch.no_grad():
            model.eval()(example)
    finally:
        for hook in hooks:
            hook.remove()
        model.train(was_training)
    return rows
