"""Small, fair experiments: train a few GAN recipes for the same budget, then score them.

A claim such as "label smoothing helps" or "the DCGAN is better" is only as good as the
comparison behind it. Here every recipe (`ganlib.evaluate.recipes.Recipe`) gets the same
budget, the same seed and the same judge (`ganlib.evaluate.metrics`), and its samples are
drawn from the same fixed noise. `ganlib.pictures.scores.plot_outcomes` shows the results
side by side.

The budget is a number of training steps, never of seconds. Steps make a comparison that
any machine reproduces: a slow laptop reaches the same point later, where a budget of
seconds would stop it at an earlier point of training, and compare blobs with blobs. The
question "which is better for the same wait, here?" is answered by `learning_curves`,
from the seconds each step took.
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
from ganlib.gan.game import GAN
from ganlib.gan.history import History


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


def train(recipe: Recipe, images: torch.Tensor, *, steps: int, seed: int = 0) -> GAN:
    """Train `recipe` on `images` (in [-1, 1]) for `steps` training steps."""
    if not isinstance(recipe, Recipe):
        raise InputError(f"train takes a Recipe, such as Recipe(lr=2e-4); got {type(recipe).__name__}.")
    steps = checks.whole_number(steps, "steps", 1)
    gan = recipe.build(seed)
    fit(gan, batches_for(recipe, images, seed), max_steps=steps, progress=False)
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
    steps: int, samples: int = 2000, seed: int = 0,
) -> dict[str, Outcome]:
    """Train every recipe for the same number of `steps`, and score `samples` samples of each."""
    samples = checks.whole_number(samples, "samples", metrics.MIN_SCORED)
    if not isinstance(recipes, dict) or not all(isinstance(recipe, Recipe) for recipe in recipes.values()):
        raise InputError('recipes must be a dict of named Recipes, such as {"baseline": Recipe()}.')
    outcomes = {}
    for name, recipe in recipes.items():
        gan = train(recipe, images, steps=steps, seed=seed)
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

    def last_scored_within(self, seconds: float) -> tuple[int, float]:
        """The step and distance of the last scoring within `seconds` of training: what this
        run had to show after that long a wait (at worst its untrained start, at 0 s)."""
        seconds = checks.number(seconds, "seconds", low=0.0)
        last = max(i for i, spent in enumerate(self.seconds) if spent <= seconds)
        return self.steps[last], self.frechet[last]

    @property
    def seconds_per_step(self) -> float:
        return self.seconds[-1] / self.steps[-1]


def learning_curves(
    recipes: dict[str, Recipe], images: torch.Tensor, reference: metrics.Classified, *,
    steps: dict[str, int], score_every: int = 200, samples: int = 2000, seed: int = 0,
) -> dict[str, Curve]:
    """Train every recipe for its number of `steps` ({name: steps}), scoring `samples`
    samples at the start and every `score_every` steps. The clock stops while scoring.

    Every curve has the same steps (0, 200, 400, ...) as far as it goes, so two recipes can be
    compared at equal steps (the same point of training), and, through the seconds each
    scoring was reached at, at equal time (the same wait, on this machine). A budget of
    steps makes both comparisons repeatable on a slower machine, which only takes longer:
    give the cheaper recipe more steps so that both runs take about the same time."""
    score_every = checks.whole_number(score_every, "score_every", 1)
    samples = checks.whole_number(samples, "samples", metrics.MIN_SCORED)
    if not isinstance(steps, dict) or set(steps) != set(recipes):
        raise InputError(f"steps must give every recipe its budget, such as {{{', '.join(f'{n!r}: 1000' for n in recipes)}}}.")
    curves = {}
    for name, recipe in recipes.items():
        if not isinstance(recipe, Recipe):
            raise InputError('recipes must be a dict of named Recipes, such as {"baseline": Recipe()}.')
        budget = checks.whole_number(steps[name], f"steps[{name!r}]", 1)
        gan = recipe.build(seed)
        batches = batches_for(recipe, images, seed)
        curve = Curve(name, [], [], [], torch.empty(0))
        while True:
            shown = samples_of(gan, recipe, samples, seed)
            curve.steps.append(gan.step)
            curve.seconds.append(gan.train_seconds)
            curve.frechet.append(metrics.score(shown, reference).frechet)
            if gan.step >= budget:
                break
            fit(gan, batches, max_steps=min(gan.step + score_every, budget), progress=False)
        curve.samples = shown[:KEPT_SAMPLES]
        print(f"{name}: {gan.step:,} steps in {gan.train_seconds:.0f} s ({1000 * curve.seconds_per_step:.0f} ms a step), "
              f"Fréchet distance {curve.frechet[0]:.1f} untrained, {curve.frechet[1]:.1f} at step {curve.steps[1]:,}, "
              f"{curve.frechet[-1]:.1f} at the end")
        curves[name] = curve
        del gan, shown
    return curves
