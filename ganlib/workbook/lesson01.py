"""Notebook 01's game on a line: a small GAN learns three bumps, and we watch it learn.

`play_1d_game` trains a toy GAN on `ganlib.data.toy.mixture_1d()` and takes a `Snapshot`
every few steps: the generator's samples, and D's verdict D(x) at every point x of the
line. `plot_1d_game` draws a few of them side by side, and `Frames1D` draws any of them
on demand, for the slider of `ganlib.workbook.widgets.scrub_1d_game`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure

from ganlib import checks
from ganlib.data.toy import GaussianMixture, ToyBatches, mixture_1d
from ganlib.gan.game import GAN, generate, make_toy_gan, sample_noise
from ganlib.gan.steps import train_step
from ganlib.pictures.images import figure_png


@dataclass
class Snapshot:
    """The 1-D game at one step: the generator's samples and D(x) along the line."""

    step: int
    fake: torch.Tensor  # (n,) samples of G
    d_curve: torch.Tensor  # (len(xs),) probabilities D(x)


def snapshot_1d(gan: GAN, xs: torch.Tensor, n: int = 4000) -> Snapshot:
    """Look at the 1-D game now: `n` samples of G, and D's verdict at every point of `xs`."""
    fake = generate(gan.generator, sample_noise(gan, n)).flatten()
    with torch.no_grad():
        d_curve = torch.sigmoid(gan.discriminator(xs.unsqueeze(1)))
    return Snapshot(gan.step, fake, d_curve)


def play_1d_game(
    steps: int = 2000, every: int = 50, seed: int = 1, batch_size: int = 256, **options
) -> tuple[GAN, list[Snapshot], torch.Tensor]:
    """Train a small GAN on `mixture_1d()`, taking a snapshot every `every` steps.

    Returns the trained GAN, the snapshots (the first one before any training), and the
    x values at which D(x) was recorded. `options` go to `make_toy_gan`.
    """
    steps = checks.whole_number(steps, "steps", 1)
    every = checks.whole_number(every, "every", 1)
    data = mixture_1d()
    gan = make_toy_gan(1, seed=seed, **options)
    batches = ToyBatches(data, batch_size, seed=seed)
    xs = torch.linspace(-4.5, 4.5, 301)
    snapshots = [snapshot_1d(gan, xs)]
    while gan.step < steps:
        train_step(gan, next(batches))
        if gan.step % every == 0 or gan.step == steps:
            snapshots.append(snapshot_1d(gan, xs))
    return gan, snapshots, xs


def draw_1d_game(ax, snapshot: Snapshot, data: GaussianMixture, xs: torch.Tensor, legend: bool = True) -> dict:
    """One moment of the 1-D game: the data's density (grey), G's samples (orange
    histogram), and the discriminator's D(x) (blue, on the same 0-1 scale).

    Returns the artists that change from step to step, so a caller can redraw a later
    snapshot by updating them (see `Frames1D`) instead of drawing from scratch.
    """
    x = xs.numpy()
    ax.fill_between(x, data.density(xs.unsqueeze(1)).numpy(), color="0.6", alpha=0.5, label="real data p_data")
    counts, edges = _density_histogram(snapshot.fake, x[0], x[-1])
    artists = {
        "fake": ax.stairs(counts, edges, fill=True, color="tab:orange", alpha=0.6, label="generator's samples p_g"),
        "d": ax.plot(x, snapshot.d_curve.numpy(), color="tab:blue", linewidth=2, label="D(x)")[0],
        "title": ax.set_title(f"step {snapshot.step:,}"),
    }
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(0, 1.3)
    ax.set_xlabel("x")
    if legend:
        ax.legend(loc="upper left", fontsize=7)
    return artists


def plot_1d_game(snapshots: list[Snapshot], data: GaussianMixture, xs: torch.Tensor, count: int = 4) -> Figure:
    """`count` moments of the 1-D game side by side, evenly spread over the snapshots."""
    picks = np.linspace(0, len(snapshots) - 1, count).round().astype(int)
    fig = Figure(figsize=(3.2 * count, 2.8))
    for i, pick in enumerate(picks):
        draw_1d_game(fig.add_subplot(1, count, i + 1), snapshots[pick], data, xs, legend=i == 0)
    fig.tight_layout()
    return fig


class Frames1D:
    """Draws any snapshot of the 1-D game as a PNG, reusing one figure: `frames[i]`.

    Only the histogram, the D(x) curve and the title change between snapshots, so those
    artists are updated in place; a frame is drawn when first asked for, then kept.
    """

    def __init__(self, snapshots: list[Snapshot], data: GaussianMixture, xs: torch.Tensor) -> None:
        self.snapshots = snapshots
        self.x = xs.numpy()
        self.fig = Figure(figsize=(6, 3))
        self.artists = draw_1d_game(self.fig.add_subplot(), snapshots[0], data, xs)
        self.fig.tight_layout()
        self._cache: dict[int, bytes] = {}

    def __len__(self) -> int:
        return len(self.snapshots)

    def __getitem__(self, index: int) -> bytes:
        if index not in self._cache:
            snapshot = self.snapshots[index]
            counts, edges = _density_histogram(snapshot.fake, self.x[0], self.x[-1])
            self.artists["fake"].set_data(counts, edges)
            self.artists["d"].set_ydata(snapshot.d_curve.numpy())
            self.artists["title"].set_text(f"step {snapshot.step:,}")
            self._cache[index] = figure_png(self.fig)
        return self._cache[index]


def _density_histogram(samples: torch.Tensor, low: float, high: float, bins: int = 120):
    counts, edges = np.histogram(samples.numpy(), bins=bins, range=(low, high))
    return counts / (len(samples) * (edges[1] - edges[0])), edges
