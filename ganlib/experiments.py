"""Small, fair experiments: train a few GAN recipes for the same wall-clock time, then score them.

A claim such as "label smoothing helps" or "the DCGAN is better" is only as good as the
comparison behind it. Here every recipe gets the same seconds of training on this
machine, the same seed, and the same judge (`ganlib.metrics`), and its samples are drawn
from the same fixed noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from matplotlib.figure import Figure
from torch import nn

from ganlib.errors import InputError

from ganlib import checks, metrics
from ganlib.data import ShuffledBatches
from ganlib.models import MLPDiscriminator, MLPGenerator
from ganlib.train import GAN, History, fit, make_gan, seed_everything
from ganlib.viz import draw_grid, image_grid


@dataclass
class Recipe:
    """Everything that defines one training run, apart from its length."""

    generator: Callable[[], nn.Module] = MLPGenerator
    discriminator: Callable[[], nn.Module] = MLPDiscriminator
    batch_size: int = 128  # notebook 03's defaults
    lr: float = 1e-3
    d_lr: float | None = None
    betas: tuple[float, float] = (0.0, 0.99)
    ema_decay: float = 0.995  # 0: sample from the generator itself, not from its moving average
    g_loss: str = "non-saturating"
    real_label: float = 1.0  # 0.9: one-sided label smoothing
    instance_noise: float = 0.0  # std of noise added to D's inputs
    data_in_zero_one: bool = False  # True: train on pixels in [0, 1] instead of [-1, 1]
    precision: str = "auto"

    def __post_init__(self) -> None:
        """Refuse what would train silently wrong (the rest is checked by make_gan)."""
        for role in ("generator", "discriminator"):
            build = getattr(self, role)
            if isinstance(build, nn.Module) or not callable(build):
                raise InputError(f"Recipe's {role} is what builds the network, such as MLP{role.title()} (the class, "
                                 "without brackets): every run starts from fresh networks.")
        checks.number(self.real_label, "real_label", high=1.0, above=0.0)
        checks.number(self.instance_noise, "instance_noise", 0.0)
        checks.whole_number(self.batch_size, "batch_size", 1)
        if not isinstance(self.data_in_zero_one, bool):
            raise InputError(f"data_in_zero_one must be True or False; got {self.data_in_zero_one!r}.")


@dataclass
class Outcome:
    """A finished run, kept small: its step count and history, the first samples from the
    shared fixed noise, and the scores of all of them. The networks themselves are let go,
    so that a notebook comparing a dozen recipes stays within a laptop's (or Binder's) memory."""

    name: str
    steps: int
    history: History
    samples: torch.Tensor
    scores: metrics.Scores


KEPT_SAMPLES = 64  # per run, enough for plot_outcomes


def train(recipe: Recipe, images: torch.Tensor, seconds: float, seed: int = 0) -> GAN:
    """Train `recipe` on `images` (in [-1, 1]) for `seconds` of wall-clock time."""
    if not isinstance(recipe, Recipe):
        raise InputError(f"train takes a Recipe, such as Recipe(lr=2e-4); got {type(recipe).__name__}.")
    seconds = checks.number(seconds, "seconds", above=0.0)
    seed_everything(seed)
    gan = make_gan(recipe.generator(), recipe.discriminator(), lr=recipe.lr, d_lr=recipe.d_lr,
                   betas=recipe.betas, g_loss=recipe.g_loss, seed=seed, precision=recipe.precision,
                   ema_decay=recipe.ema_decay)
    gan.real_label = recipe.real_label
    gan.instance_noise = recipe.instance_noise
    batches = ShuffledBatches(images, recipe.batch_size, seed=seed)
    if recipe.data_in_zero_one:  # rescaled batch by batch: a rescaled copy of the data set would take 188 MB
        batches = (batch.add(1).div_(2) for batch in batches)
        gan.image_range = (0.0, 1.0)  # on purpose: fit would otherwise refuse images in [0, 1]
    fit(gan, batches, max_seconds=seconds, progress=False)
    return gan


def samples_of(gan: GAN, recipe: Recipe, n: int, seed: int = 0) -> torch.Tensor:
    """n samples from fixed noise, mapped to [-1, 1] (from [0, 1] for a zero-one recipe)."""
    samples = metrics.sample_generator(gan.sampler, n, seed=seed)
    return (samples * 2 - 1).clamp(-1, 1) if recipe.data_in_zero_one else samples


def compare(
    recipes: dict[str, Recipe], images: torch.Tensor, seconds: float, reference: metrics.Seen,
    samples: int = 2000, seed: int = 0,
) -> dict[str, Outcome]:
    """Train every recipe for `seconds`, and score `samples` samples of each."""
    seconds = checks.number(seconds, "seconds", above=0.0)
    samples = checks.whole_number(samples, "samples", metrics.MIN_SCORED)
    if not isinstance(recipes, dict) or not all(isinstance(recipe, Recipe) for recipe in recipes.values()):
        raise InputError('recipes must be a dict of named Recipes, such as {"baseline": Recipe()}.')
    outcomes = {}
    for name, recipe in recipes.items():
        gan = train(recipe, images, seconds, seed)
        shown = samples_of(gan, recipe, samples, seed)
        outcomes[name] = Outcome(name, gan.step, gan.history, shown[:KEPT_SAMPLES], metrics.score(shown, reference))
        print(f"{name}: {gan.step:,} steps in {seconds:g} s, Fréchet distance {outcomes[name].scores.frechet:.1f}")
        del gan, shown  # before the next run allocates its own
    return outcomes


def plot_outcomes(outcomes: dict[str, Outcome], per_run: int = 36) -> Figure:
    """Each run's samples side by side, titled with its Fréchet distance and coverage."""
    if not isinstance(outcomes, dict) or not outcomes or not all(isinstance(o, Outcome) for o in outcomes.values()):
        raise InputError("plot_outcomes takes what compare(...) returns: {name: Outcome}.")
    fig = Figure(figsize=(2.6 * len(outcomes), 3.0))
    for i, outcome in enumerate(outcomes.values()):
        title = f"{outcome.name}\nFréchet {outcome.scores.frechet:.0f}, coverage {outcome.scores.coverage:.2f}"
        draw_grid(fig.add_subplot(1, len(outcomes), i + 1), image_grid(outcome.samples[:per_run]), title)
        fig.axes[-1].title.set_fontsize(9)
    fig.tight_layout()
    return fig

