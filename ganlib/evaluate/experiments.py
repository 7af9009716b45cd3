"""Small, fair experiments: train a few GAN recipes for the same budget, then score them.

A claim such as "label smoothing helps" or "the DCGAN is better" is only as good as the
comparison behind it. Here every recipe (`ganlib.evaluate.recipes.Recipe`) gets the same
budget, the same seed and the same judge (`ganlib.evaluate.metrics`), and its samples are
drawn from the same fixed noise. `ganlib.pictures.scores.plot_outcomes` shows the results
side by side.

The budget is a number of training steps, or of seconds. Steps make a comparison that
any machine reproduces: a slow laptop reaches the same point later, where a budget of
seconds would stop it at an earlier point of training, and compare blobs with blobs.
Seconds answer a different question, "which is better for the same time, here?".
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ganlib import checks
from ganlib.data.batches import ShuffledBatches
from ganlib.errors import InputError
from ganlib.evaluate import metrics
from ganlib.evaluate.recipes import Recipe
from ganlib.gan.fit import fit
from ganlib.gan.game import GAN, History


@dataclass
class Outcome:
    """A finished run, kept small: its step count and history, the first samples from the
    shared fixed noise, and the scores of all of them. The networks themselves are let go,
    so that a notebook comparing a dozen recipes stays within a laptop's (or Binder's) memory."""

    name: str
    steps: int
    seconds: float  # of training, on this machine
    history: History
    samples: torch.Tensor
    scores: metrics.Scores


KEPT_SAMPLES = 64  # per run, enough for plot_outcomes


def train(recipe: Recipe, images: torch.Tensor, *, steps: int | None = None, seconds: float | None = None,
          seed: int = 0) -> GAN:
    """Train `recipe` on `images` (in [-1, 1]) for `steps` training steps, or `seconds` of
    wall-clock time."""
    if not isinstance(recipe, Recipe):
        raise InputError(f"train takes a Recipe, such as Recipe(lr=2e-4); got {type(recipe).__name__}.")
    if (steps is None) == (seconds is None):
        raise InputError("Give the experiment one budget: steps=... (the same point of training on any machine), "
                         "or seconds=... (the same time on this machine).")
    gan = recipe.build(seed)
    batches = ShuffledBatches(images, recipe.batch_size, seed=seed)
    if recipe.data_in_zero_one:  # rescaled batch by batch: a rescaled copy of the data set would take 188 MB
        batches = (batch.add(1).div_(2) for batch in batches)
    fit(gan, batches, max_steps=steps, max_seconds=seconds, progress=False)
    return gan


def samples_of(gan: GAN, recipe: Recipe, n: int, seed: int = 0) -> torch.Tensor:
    """n samples from fixed noise, mapped to [-1, 1] (from [0, 1] for a zero-one recipe)."""
    samples = metrics.sample_generator(gan.sampler, n, seed=seed)
    return (samples * 2 - 1).clamp(-1, 1) if recipe.data_in_zero_one else samples


def compare(
    recipes: dict[str, Recipe], images: torch.Tensor, reference: metrics.Classified, *,
    steps: int | None = None, seconds: float | None = None, samples: int = 2000, seed: int = 0,
) -> dict[str, Outcome]:
    """Train every recipe for the same `steps` (or `seconds`), and score `samples` samples of each."""
    samples = checks.whole_number(samples, "samples", metrics.MIN_SCORED)
    if not isinstance(recipes, dict) or not all(isinstance(recipe, Recipe) for recipe in recipes.values()):
        raise InputError('recipes must be a dict of named Recipes, such as {"baseline": Recipe()}.')
    outcomes = {}
    for name, recipe in recipes.items():
        gan = train(recipe, images, steps=steps, seconds=seconds, seed=seed)
        shown = samples_of(gan, recipe, samples, seed)
        scores = metrics.score(shown, reference)
        outcome = Outcome(name, gan.step, gan.train_seconds, gan.history, shown[:KEPT_SAMPLES], scores)
        print(f"{name}: {outcome.steps:,} steps in {outcome.seconds:.0f} s, Fréchet distance {outcome.scores.frechet:.1f}")
        outcomes[name] = outcome
        del gan, shown  # before the next run allocates its own
    return outcomes
