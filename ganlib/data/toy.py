"""Toy data: mixtures of Gaussians in one and two dimensions.

Before MNIST, the notebooks play the GAN game on data you can draw completely: points on
a line (1-D) or in the plane (2-D) drawn from a few Gaussian "bumps". Because we know the
exact density of such data, we can check the theory: the best possible discriminator is
D*(x) = p_data(x) / (p_data(x) + p_g(x)), and a generator that covers only some of the
bumps is showing mode collapse.

Every sample is drawn from a seeded generator, so a notebook shows the same picture each
time it runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ganlib import checks
from ganlib.errors import InputError


@dataclass(frozen=True)
class GaussianMixture:
    """K round Gaussian bumps of the same width `std`, mixed with `weights`.

    `means` has shape (K, dim); `weights` has K entries that sum to one.
    """

    means: torch.Tensor
    std: float
    weights: torch.Tensor

    @property
    def dim(self) -> int:
        return self.means.shape[1]

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """n points of shape (n, dim): pick a bump for each, then add Gaussian noise."""
        n = checks.whole_number(n, "n", 1)
        which = torch.multinomial(self.weights, n, replacement=True, generator=generator)
        noise = torch.randn(n, self.dim, generator=generator)
        return self.means[which] + self.std * noise

    def density(self, x: torch.Tensor) -> torch.Tensor:
        """The exact probability density p(x) at points x of shape (n, dim)."""
        squared = torch.cdist(x.float(), self.means).pow(2)  # (n, K)
        norm = (2 * math.pi * self.std**2) ** (self.dim / 2)
        return (torch.exp(-squared / (2 * self.std**2)) / norm) @ self.weights


def mixture_1d() -> GaussianMixture:
    """The 1-D data of notebook 01: three bumps of unequal weight on the line."""
    return GaussianMixture(
        means=torch.tensor([[-2.0], [0.5], [2.5]]),
        std=0.35,
        weights=torch.tensor([0.3, 0.45, 0.25]),
    )


def gaussian(mean: float, std: float) -> GaussianMixture:
    """A single 1-D Gaussian bump, for example as a stand-in generator whose density we know."""
    mean, std = checks.number(mean, "mean"), checks.number(std, "std", above=0.0)
    return GaussianMixture(torch.tensor([[float(mean)]]), float(std), torch.tensor([1.0]))


def ring(modes: int = 8, radius: float = 2.0, std: float = 0.05) -> GaussianMixture:
    """`modes` equal bumps evenly spaced on a circle: the classic mode-collapse test."""
    modes = checks.whole_number(modes, "modes", 1)
    radius, std = checks.number(radius, "radius", 0.0), checks.number(std, "std", above=0.0)
    angles = torch.arange(modes) * (2 * math.pi / modes)
    means = radius * torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)
    return GaussianMixture(means, std, torch.full((modes,), 1.0 / modes))


def square(side: int = 5, spacing: float = 1.0, std: float = 0.05) -> GaussianMixture:
    """side × side equal bumps in a square, in rows and columns centred on the origin."""
    side = checks.whole_number(side, "side", 1)
    spacing, std = checks.number(spacing, "spacing", 0.0), checks.number(std, "std", above=0.0)
    ticks = (torch.arange(side) - (side - 1) / 2) * spacing
    means = torch.cartesian_prod(ticks, ticks)
    return GaussianMixture(means, std, torch.full((side * side,), 1.0 / side**2))


class ToyBatches:
    """An endless stream of fresh batches from a toy distribution, like `ShuffledBatches`.

    Toy data is cheap to draw, so each batch is a new sample rather than a slice of a
    fixed data set; the stream is seeded, so a run is repeatable.
    """

    def __init__(self, distribution: GaussianMixture, batch_size: int = 256, seed: int = 0):
        if not isinstance(distribution, GaussianMixture):
            raise InputError(f"ToyBatches draws from a toy distribution such as toy.ring(); got {distribution!r}.")
        self.distribution = distribution
        self.batch_size = checks.whole_number(batch_size, "batch_size", 1)
        self._rng = torch.Generator().manual_seed(checks.seed(seed))

    def __iter__(self) -> ToyBatches:
        return self

    def __next__(self) -> torch.Tensor:
        return self.distribution.sample(self.batch_size, generator=self._rng)

    def state_dict(self) -> dict:
        return {"rng": self._rng.get_state()}

    def load_state_dict(self, state: dict) -> None:
        if not isinstance(state, dict) or set(state) != {"rng"}:
            raise InputError("This is not the saved position of ToyBatches (it was saved from another kind of "
                             "batches): resume with the same kind of batches, or leave them out.")
        self._rng.set_state(state["rng"])


def modes_covered(samples: torch.Tensor, distribution: GaussianMixture, share: float = 0.02) -> int:
    """How many of the mixture's bumps hold at least `share` of the samples.

    A sample counts for a bump if it lies within 4 standard deviations of the bump's
    centre. A generator that covers 8 of 8 bumps is healthy; one that covers 1 or 2
    while the data has 8 shows mode collapse.
    """
    samples = checks.finite(checks.tensor(samples, "samples").float(), "samples")
    if samples.dim() != 2 or samples.shape[1] != distribution.dim or len(samples) == 0:
        raise InputError(f"samples must be points of shape (N, {distribution.dim}) with N at least 1; "
                         f"got shape {tuple(samples.shape)}.")
    share = checks.number(share, "share", high=1.0, above=0.0)
    distances = torch.cdist(samples.float(), distribution.means)
    nearest, which = distances.min(dim=1)
    counts = torch.bincount(which[nearest < 4 * distribution.std], minlength=len(distribution.means))
    return int((counts >= share * len(samples)).sum())


def share_on_modes(samples: torch.Tensor, distribution: GaussianMixture, within: float = 1.0) -> float:
    """The share of the samples that lie within `within` standard deviations of one of the
    mixture's centres: about 0.68 for samples of the mixture itself (within 1), far less
    for a generator that spreads its samples over the gaps between the bumps."""
    samples = checks.finite(checks.tensor(samples, "samples").float(), "samples")
    if samples.dim() != 2 or samples.shape[1] != distribution.dim or len(samples) == 0:
        raise InputError(f"samples must be points of shape (N, {distribution.dim}) with N at least 1; "
                         f"got shape {tuple(samples.shape)}.")
    within = checks.number(within, "within", above=0.0)
    nearest = torch.cdist(samples, distribution.means).min(dim=1).values
    return (nearest < within * distribution.std).float().mean().item()


def optimal_discriminator(x: torch.Tensor, real: GaussianMixture, fake: GaussianMixture) -> torch.Tensor:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)): the best any discriminator can do.

    Where only real data can appear, D* = 1; where only fakes appear, D* = 0; where both
    are equally likely, D* = 1/2. When p_g equals p_data, D* is 1/2 everywhere.
    """
    p_data, p_g = real.density(x), fake.density(x)
    return p_data / (p_data + p_g)
