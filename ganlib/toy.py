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
from ganlib.losses import GeneratorLoss, discriminator_loss
from ganlib.models import MLPDiscriminator, MLPGenerator
from ganlib.train import GAN, generate, make_gan, sample_noise, seed_everything, train_step


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


def ring(modes: int = 8, radius: float = 2.0, std: float = 0.05) -> GaussianMixture:
    """`modes` equal bumps evenly spaced on a circle: the classic mode-collapse test."""
    modes = checks.whole_number(modes, "modes", 1)
    radius, std = checks.number(radius, "radius", 0.0), checks.number(std, "std", above=0.0)
    angles = torch.arange(modes) * (2 * math.pi / modes)
    means = radius * torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)
    return GaussianMixture(means, std, torch.full((modes,), 1.0 / modes))


def grid(side: int = 5, spacing: float = 1.0, std: float = 0.05) -> GaussianMixture:
    """side × side equal bumps on a square grid centred on the origin."""
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


def optimal_discriminator(x: torch.Tensor, real: GaussianMixture, fake: GaussianMixture) -> torch.Tensor:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)): the best any discriminator can do.

    Where only real data can appear, D* = 1; where only fakes appear, D* = 0; where both
    are equally likely, D* = 1/2. When p_g equals p_data, D* is 1/2 everywhere.
    """
    p_data, p_g = real.density(x), fake.density(x)
    return p_data / (p_data + p_g)


def make_toy_gan(
    dim: int,
    *,
    latent_dim: int = 4,
    hidden: tuple[int, ...] = (32, 32),
    lr: float = 1e-3,
    d_lr: float | None = None,
    g_loss: GeneratorLoss = "non-saturating",
    seed: int = 0,
) -> GAN:
    """A small GAN for `dim`-dimensional toy data: two MLPs of `hidden` sizes, no Tanh.

    Toy networks learn faster than the MNIST ones, so the default learning rate is 1e-3.
    The networks run on the CPU: they are too small to gain anything from a GPU.
    """
    dim = checks.whole_number(dim, "dim", 1)
    latent_dim = checks.whole_number(latent_dim, "latent_dim", 1)
    seed_everything(seed)
    generator = MLPGenerator(latent_dim=latent_dim, hidden=hidden, out_shape=(dim,), tanh=False)
    discriminator = MLPDiscriminator(in_shape=(dim,), hidden=hidden)
    return make_gan(generator, discriminator, lr=lr, d_lr=d_lr, betas=(0.5, 0.999), g_loss=g_loss, seed=seed, device="cpu")


@dataclass
class Snapshot:
    """The 1-D game at one step: the generator's samples and D(x) along the line."""

    step: int
    fake: torch.Tensor  # (n,) samples of G
    d_curve: torch.Tensor  # (len(grid),) probabilities D(x)


def snapshot_1d(gan: GAN, grid: torch.Tensor, n: int = 4000) -> Snapshot:
    """Look at the 1-D game now: `n` samples of G, and D's verdict at every point of `grid`."""
    fake = generate(gan.generator, sample_noise(gan, n)).flatten()
    with torch.no_grad():
        d_curve = torch.sigmoid(gan.discriminator(grid.unsqueeze(1)))
    return Snapshot(gan.step, fake, d_curve)


def play_1d_game(
    steps: int = 2000, every: int = 50, seed: int = 1, batch_size: int = 256, **options
) -> tuple[GAN, list[Snapshot], torch.Tensor]:
    """Train a small GAN on `mixture_1d()`, taking a snapshot every `every` steps.

    Returns the trained GAN, the snapshots (the first one before any training), and the
    grid of x values on which D(x) was recorded. `options` go to `make_toy_gan`.
    """
    steps = checks.whole_number(steps, "steps", 1)
    every = checks.whole_number(every, "every", 1)
    data = mixture_1d()
    gan = make_toy_gan(1, seed=seed, **options)
    batches = ToyBatches(data, batch_size, seed=seed)
    grid_x = torch.linspace(-4.5, 4.5, 301)
    snapshots = [snapshot_1d(gan, grid_x)]
    while gan.step < steps:
        train_step(gan, next(batches))
        if gan.step % every == 0 or gan.step == steps:
            snapshots.append(snapshot_1d(gan, grid_x))
    return gan, snapshots, grid_x


def train_discriminator(
    discriminator: torch.nn.Module,
    real: GaussianMixture,
    fake: GaussianMixture,
    steps: int = 2000,
    batch_size: int = 512,
    lr: float = 1e-3,
    seed: int = 0,
) -> list[float]:
    """Train D alone to tell samples of `real` from samples of `fake`; return its losses.

    With the fake distribution held fixed, this is the inner half of the GAN game played
    to the end: the trained D should approach `optimal_discriminator(x, real, fake)`.
    """
    steps = checks.whole_number(steps, "steps", 1)
    batch_size = checks.whole_number(batch_size, "batch_size", 1)
    rng = torch.Generator().manual_seed(checks.seed(seed))
    optimizer = torch.optim.Adam(discriminator.parameters(), lr=checks.number(lr, "lr", 0.0, 1.0), betas=(0.5, 0.999))
    losses = []
    for _ in range(steps):
        loss = discriminator_loss(
            discriminator(real.sample(batch_size, rng)), discriminator(fake.sample(batch_size, rng))
        )
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def gaussian(mean: float, std: float) -> GaussianMixture:
    """A single 1-D Gaussian bump, for example as a stand-in generator whose density we know."""
    mean, std = checks.number(mean, "mean"), checks.number(std, "std", above=0.0)
    return GaussianMixture(torch.tensor([[float(mean)]]), float(std), torch.tensor([1.0]))


@dataclass
class OptimalCheck:
    """A discriminator trained alone, next to the theory's D*, on a grid of x values."""

    grid: torch.Tensor
    learned: torch.Tensor  # the trained D(x)
    optimal: torch.Tensor  # D*(x) = p_data / (p_data + p_g)
    p_data: torch.Tensor
    p_g: torch.Tensor
    losses: list[float]

    @property
    def where_data_is(self) -> torch.Tensor:
        """The x values where real or fake samples actually occur (density above 0.05)."""
        return (self.p_data + self.p_g) > 0.05

    @property
    def max_error(self) -> float:
        """The largest |D(x) - D*(x)| where there is data to learn from."""
        return (self.learned - self.optimal)[self.where_data_is].abs().max().item()


def check_optimal_discriminator(
    real: GaussianMixture, fake: GaussianMixture, steps: int = 3000, seed: int = 0
) -> OptimalCheck:
    """Train a fresh 1-D discriminator on `real` against `fake`; compare it with D*.

    Far from all data D is never told anything, so only the region where samples occur
    counts in `max_error`.
    """
    if real.dim != 1 or fake.dim != 1:
        raise InputError(f"This check works on the line (1-D data, such as toy.gaussian(0, 1)); got {real.dim}-D and "
                         f"{fake.dim}-D distributions.")
    steps = checks.whole_number(steps, "steps", 1)
    seed_everything(seed)
    discriminator = MLPDiscriminator(in_shape=(1,), hidden=(64, 64))
    losses = train_discriminator(discriminator, real, fake, steps=steps, batch_size=1024, seed=seed)
    grid_x = torch.linspace(-3.5, 3.5, 281)
    points = grid_x.unsqueeze(1)
    with torch.no_grad():
        learned = torch.sigmoid(discriminator(points))
    return OptimalCheck(grid_x, learned, optimal_discriminator(points, real, fake),
                        real.density(points), fake.density(points), losses)
