"""A convolutional pair for small pictures of any kind: 32 × 32 or 64 × 64, grey or
colour, with or without a class label. Notebook 08 trains it on letters and on a team's
own images.

    generator      z (+ label) -> Linear -> 4w × 4 × 4 -> [BatchNorm, ReLU]
                     -> (ConvTranspose 4×4 stride 2 -> [BatchNorm, ReLU]) doubling to size / 2
                     -> ConvTranspose 4×4 stride 2 -> channels × size × size -> Tanh
    discriminator  channels × size × size -> (Conv 4×4 stride 2 -> LeakyReLU(0.2)) down to 4 × 4
                     -> 4w × 4 × 4 features -> Linear -> 1 logit (+ the label's projection)

It is notebook 04's DCGAN grown by one stage per doubling of the picture's side. Two
choices differ from the MLPs' conditional GAN of notebook 06, both standard since 2018:

* the generator gets the label as a one-hot vector beside z (as in notebook 06), but the
  discriminator uses a **projection** (Miyato and Koyama, 2018): its logit is a score of
  realism plus the dot product of a learned vector for the label with the picture's
  features, "does this look like an A?" asked in the discriminator's own terms;
* a learned **embedding** of the label, a row of numbers per class, is that vector.
"""

from __future__ import annotations

import torch
from torch import nn

from ganlib import checks
from ganlib.errors import InputError
from ganlib.gan.models import spectral_normalise

SIZES = (32, 64)


def _stages(size: int) -> int:
    """How many stride-2 layers lie between 4 × 4 and size × size (3 for 32, 4 for 64)."""
    if size not in SIZES:
        raise InputError(f"size must be one of {SIZES} (pixels per side); got {size!r}.")
    return size.bit_length() - 3


class ImageGenerator(nn.Module):
    """Noise z (B, latent_dim), and for a conditional generator labels (B,) or label
    vectors (B, classes), to pictures (B, channels, size, size) in [-1, 1]."""

    def __init__(self, latent_dim: int = 100, channels: int = 1, size: int = 32, width: int = 32,
                 classes: int | None = None) -> None:
        super().__init__()
        self.latent_dim = checks.whole_number(latent_dim, "latent_dim", 1)
        channels = checks.whole_number(channels, "channels", 1, 3)
        width = checks.whole_number(width, "width", 1)
        if classes is not None:
            self.classes = checks.whole_number(classes, "classes", 2)  # only a conditional generator has classes
        self.out_shape = (channels, size, size)
        stages = _stages(size)
        top = width * 2 ** (stages - 1)  # channels at 4 × 4, halved by each stage
        self.top = top
        self.project = nn.Sequential(nn.Linear(self.latent_dim + (classes or 0), top * 16), nn.BatchNorm1d(top * 16),
                                     nn.ReLU(inplace=True))
        layers: list[nn.Module] = []
        for stage in range(stages - 1):
            n_in = top // 2**stage
            layers += [nn.ConvTranspose2d(n_in, n_in // 2, 4, 2, 1), nn.BatchNorm2d(n_in // 2), nn.ReLU(inplace=True)]
        layers += [nn.ConvTranspose2d(width, channels, 4, 2, 1), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if hasattr(self, "classes"):
            if labels.dim() == 1:
                labels = nn.functional.one_hot(labels, self.classes)
            z = torch.cat([z, labels.to(z.dtype)], dim=1)
        return self.net(self.project(z).view(len(z), self.top, 4, 4))


class ImageDiscriminator(nn.Module):
    """Pictures (B, channels, size, size), and for a conditional discriminator their labels
    (B,), to one logit each: (B,). `spectral_norm=True` normalises its convolutions and its
    realism layer (`ganlib.gan.models.spectral_normalise`); the label vectors stay free."""

    def __init__(self, channels: int = 1, size: int = 32, width: int = 32, classes: int | None = None,
                 spectral_norm: bool = False) -> None:
        super().__init__()
        channels = checks.whole_number(channels, "channels", 1, 3)
        width = checks.whole_number(width, "width", 1)
        self.in_shape = (channels, size, size)
        layers: list[nn.Module] = []
        n_in, n_out = channels, width
        for _ in range(_stages(size)):
            layers += [nn.Conv2d(n_in, n_out, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True)]
            n_in, n_out = n_out, n_out * 2
        self.features = nn.Sequential(*layers, nn.Flatten())
        self.realism = nn.Linear(n_in * 16, 1)
        if classes is not None:
            self.classes = checks.whole_number(classes, "classes", 2)
            self.label_vectors = nn.Embedding(self.classes, n_in * 16)
        if checks.one_of(spectral_norm, "spectral_norm", (False, True)):
            spectral_normalise(self)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        features = self.features(x)
        logits = self.realism(features).squeeze(1)
        if hasattr(self, "classes"):  # the projection: how well the features match the label's vector
            logits = logits + (self.label_vectors(labels) * features).sum(dim=1)
        return logits
