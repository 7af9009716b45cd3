"""Notebook 02's theory, made visible: the two generator losses, the best discriminator D*,
and mode collapse.

* `plot_generator_losses` and `generator_gradient_norm`: why the minimax loss starves an
  untrained generator of gradient, and the non-saturating loss does not;
* `check_optimal_discriminator`: a discriminator trained alone against a fixed fake
  distribution approaches D*(x) = p_data(x) / (p_data(x) + p_g(x));
* `collapse_film`: a 2-D GAN's samples at several moments, and how many of the data's
  bumps they cover.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure

from ganlib import checks
from ganlib.data.toy import GaussianMixture, ToyBatches, modes_covered, optimal_discriminator
from ganlib.errors import InputError
from ganlib.gan.game import GAN, check_gan, generate, sample_noise, seed_everything
from ganlib.gan.losses import Loss, discriminator_loss, generator_loss
from ganlib.gan.models import MLPDiscriminator
from ganlib.gan.steps import train_step

VIEW = 3.2  # the plane is drawn from -VIEW to +VIEW on both axes


def plot_generator_losses() -> Figure:
    """The two generator losses against D(G(z)), and how steep each is.

    Left: minimax log(1 - D) and non-saturating -log D. Right: the size of each loss's
    gradient with respect to D's logit: minimax's vanishes where D(G(z)) -> 0, which is
    exactly where an untrained generator starts.
    """
    d = np.linspace(1e-3, 1 - 1e-3, 500)
    fig = Figure(figsize=(9, 3.2))
    left, right = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    left.plot(d, np.log(1 - d), color="tab:red", label="minimax: log(1 − D(G(z)))")
    left.plot(d, -np.log(d), color="tab:green", label="non-saturating: −log D(G(z))")
    left.set_xlabel("D(G(z)): how real D finds the fake")
    left.set_ylabel("generator's loss (lower is better for G)")
    left.set_ylim(-5, 5)
    left.legend(fontsize=8)
    # d/dlogit of log(1 - sigmoid(l)) is -D; of -log sigmoid(l) it is -(1 - D).
    right.plot(d, d, color="tab:red", label="minimax: |gradient| = D(G(z))")
    right.plot(d, 1 - d, color="tab:green", label="non-saturating: |gradient| = 1 − D(G(z))")
    right.axvspan(0, 0.1, color="0.85", label="where training starts")
    right.set_xlabel("D(G(z))")
    right.set_ylabel("|d loss / d logit|")
    right.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_optimal_discriminator(check: OptimalCheck, title: str = "") -> Figure:
    """A trained D(x) next to the theory's D*(x) = p_data / (p_data + p_g)."""
    x, p_data, p_g, optimal, learned = check.xs, check.p_data, check.p_g, check.optimal, check.learned
    x = x.numpy()
    fig = Figure(figsize=(7, 3.2))
    ax = fig.add_subplot()
    ax.fill_between(x, p_data.numpy(), color="0.6", alpha=0.5, label="p_data")
    ax.fill_between(x, p_g.numpy(), color="tab:orange", alpha=0.35, label="p_g")
    ax.plot(x, optimal.numpy(), color="black", linestyle="--", linewidth=2, label="D* = p_data / (p_data + p_g)")
    ax.plot(x, learned.numpy(), color="tab:blue", linewidth=2, label="trained D(x)")
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("x")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig


def generator_gradient_norm(gan: GAN, kind: Loss, n: int = 256) -> float:
    """The size of the gradient that loss `kind` would give G's weights right now.

    Nothing is updated: this measures how strongly one generator step would move G.
    """
    check_gan(gan, "generator_gradient_norm")
    fake = gan.generator(sample_noise(gan, n))
    loss = generator_loss(gan.discriminator(fake), kind)
    gradients = torch.autograd.grad(loss, list(gan.generator.parameters()))
    return torch.sqrt(sum(g.pow(2).sum() for g in gradients)).item()


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


@dataclass
class OptimalCheck:
    """A discriminator trained alone, next to the theory's D*, along the line."""

    xs: torch.Tensor  # the points x at which D and D* are compared
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
    xs = torch.linspace(-3.5, 3.5, 281)
    points = xs.unsqueeze(1)
    with torch.no_grad():
        learned = torch.sigmoid(discriminator(points))
    return OptimalCheck(xs, learned, optimal_discriminator(points, real, fake),
                        real.density(points), fake.density(points), losses)
def collapse_film(gan: GAN, data: GaussianMixture, steps: int, frames: int = 8, seed: int = 0) -> tuple[Figure, list[int]]:
    """Train `gan` on `data` for `steps`, drawing its samples at `frames` moments.

    Returns the filmstrip and the number of modes covered at each moment: the way to
    see mode collapse is a count that stays at 1 or 2 while the data has 8.
    """
    frames = checks.whole_number(frames, "frames", 1)
    steps = checks.whole_number(steps, "steps", frames)
    batches = ToyBatches(data, 256, seed=seed)
    z = torch.randn(1000, gan.latent_dim, generator=torch.Generator().manual_seed(seed))
    fig = Figure(figsize=(2.0 * frames, 2.3))
    covered = []
    for i, until in enumerate(np.linspace(steps / frames, steps, frames).round().astype(int)):
        while gan.step < until:
            train_step(gan, next(batches))
        fake = generate(gan.generator, z)
        covered.append(modes_covered(fake, data))
        ax = fig.add_subplot(1, frames, i + 1)
        ax.scatter(*data.means.T.numpy(), s=14, c="darkgreen", marker="x")
        ax.scatter(*fake.T.numpy(), s=1, c="indigo", alpha=0.3)
        ax.set_xlim(-VIEW, VIEW)
        ax.set_ylim(-VIEW, VIEW)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"step {gan.step:,}: {covered[-1]}/{len(data.means)}", fontsize=8)
    fig.tight_layout()
    return fig, covered
