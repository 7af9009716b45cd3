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

from collections.abc import Iterator
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
    fit(gan, batches_for(recipe, images, seed), max_steps=steps, max_seconds=seconds, progress=False)
    return gan


def batches_for(recipe: Recipe, images: torch.Tensor, seed: int = 0) -> Iterator[torch.Tensor]:
    """Shuffled batches of `images` as `recipe` trains on them."""
    batches = ShuffledBatches(images, recipe.batch_size, seed=seed)
    if recipe.data_in_zero_one:  # rescaled batch by batch: a rescaled copy of the data set would take 188 MB
        return (batch.add(1).div_(2) for batch in batches)
    return iter(batches)


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


@dataclass
class Curve:
    """One recipe's Fréchet distance as it trained, against steps and against seconds."""

    name: str
    steps: list[int]
    seconds: list[float]  # of training, on this machine
    frechet: list[float]
    samples: torch.Tensor  # the first samples at the end, from the shared fixed noise

    def frechet_at_step(self, step: int) -> float:
        """The distance measured at `step` (one of `self.steps`)."""
        if step not in self.steps:
            raise InputError(f"{self.name} was scored at steps {self.steps}, not at {step}.")
        return self.frechet[self.steps.index(step)]


def learning_curves(
    recipes: dict[str, Recipe], images: torch.Tensor, reference: metrics.Classified, *,
    seconds: float, score_every: int = 200, samples: int = 2000, seed: int = 0,
) -> dict[str, Curve]:
    """Train every recipe for `seconds` of training time, pausing every `score_every` steps
    to score `samples` samples. The clock stops while scoring: each curve has the same steps
    (200, 400, ...) as far as it got, so two recipes can be compared at equal steps (the
    same point of training) and at equal time (the same wait, on this machine)."""
    seconds = checks.number(seconds, "seconds", above=0)
    score_every = checks.whole_number(score_every, "score_every", 1)
    samples = checks.whole_number(samples, "samples", metrics.MIN_SCORED)
    curves = {}
    for name, recipe in recipes.items():
        if not isinstance(recipe, Recipe):
            raise InputError('recipes must be a dict of named Recipes, such as {"baseline": Recipe()}.')
        gan = recipe.build(seed)
        batches = batches_for(recipe, images, seed)
        curve = Curve(name, [], [], [], torch.empty(0))
        while gan.train_seconds < seconds:
            fit(gan, batches, max_steps=gan.step + score_every, progress=False)
            shown = samples_of(gan, recipe, samples, seed)
            curve.steps.append(gan.step)
            curve.seconds.append(gan.train_seconds)
            curve.frechet.append(metrics.score(shown, reference).frechet)
        curve.samples = shown[:KEPT_SAMPLES]
        print(f"{name}: {gan.step:,} steps in {gan.train_seconds:.0f} s, Fréchet distance "
              f"{curve.frechet[0]:.1f} at step {curve.steps[0]:,}, {curve.frechet[-1]:.1f} at the end")
        curves[name] = curve
        del gan, shown
    return curves
