"""Notebook 04's stability experiments, run with several seeds and shipped with ganlib.

One run of a GAN recipe is one draw of a noisy process: the same recipe with another seed
can land 10% or 20% away. A fair test of a trick therefore needs several seeds of the
baseline *and* of the trick, and that takes longer than a workshop can wait (a run of
2,400 steps takes about a minute on a fast 2-core server, two and a half on a 2-core
laptop; 14 recipes × 3 seeds took 40 minutes on the former).

So the experiments run once, with `python -m ganlib stability-experiments`, and their
results ship as `ganlib/weights/stability_experiments.json` (every figure of every run)
and `.pt` (seed 0's samples and training curves, for the pictures). Notebook 04 shows
them, labelled as shipped, and runs a few of the same recipes live, so a learner can see
their own machine land where the shipped runs did. A run repeats a shipped one exactly
only where it computes in the same precision (`record["precision"]`): every recipe here
uses bfloat16 where the processor is fast at it, float32 elsewhere.

    TRICKS     the baseline (notebook 03's recipe) and one change each
    FAILURES   one setting each that breaks training on purpose
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from dataclasses import dataclass, fields
from functools import partial
from pathlib import Path

import torch

from ganlib.errors import InputError
from ganlib.evaluate import experiments, metrics
from ganlib.evaluate.classifier import WEIGHTS
from ganlib.evaluate.recipes import Recipe
from ganlib.gan.checkpoint import replace_together
from ganlib.gan.device import fast_bfloat16, pick_device
from ganlib.gan.history import History

TRICKS: dict[str, Recipe] = {
    "baseline": Recipe(),
    "label smoothing 0.9": Recipe(real_label=0.9),
    "instance noise 0.1": Recipe(instance_noise=0.1),
    "no weight averaging": Recipe(ema_decay=0.0),
    "Adam beta1 0.5": Recipe(betas=(0.5, 0.99)),
    "lr 2e-4": Recipe(lr=2e-4),
    "Adam beta1 0.5, lr 2e-4": Recipe(lr=2e-4, betas=(0.5, 0.99)),
    "Adam beta1 0.9": Recipe(betas=(0.9, 0.99)),
    "D lr × 2": Recipe(d_lr=2e-3),
    "D lr × 0.5": Recipe(d_lr=5e-4),
}
FAILURES: dict[str, Recipe] = {
    "learning rate 1e-2": Recipe(lr=1e-2),
    "D too strong (G lr / 20)": Recipe(lr=5e-5, d_lr=1e-3),
    "minimax G loss": Recipe(loss="minimax"),
    "data in [0, 1]": Recipe(data_in_zero_one=True),
}
RECIPES: dict[str, Recipe] = TRICKS | FAILURES
"""Every recipe of the stability experiments."""

STEPS = 2400
SEEDS = (0, 1, 2)
SAMPLES = 2000
KEPT_SAMPLES = 25  # of seed 0, for the pictures
HISTORY_EVERY = 4  # of seed 0's training curves, every 4th step is kept
NAME = "stability_experiments"
COMMAND = "python -m ganlib stability-experiments"


def changes(recipe: Recipe, baseline: Recipe | None = None) -> str:
    """What `recipe` changes in `baseline` (notebook 03's recipe unless told another), as
    `name=value` pairs: "real_label=0.9"."""
    baseline = Recipe() if baseline is None else baseline
    changed = [f"{f.name}={_said(getattr(recipe, f.name))}" for f in fields(Recipe)
               if getattr(recipe, f.name) != getattr(baseline, f.name)]
    return ", ".join(changed) or "nothing: notebook 03's recipe"


def _said(value) -> str:
    """A setting as a reader would write it: MLPDiscriminator(spectral_norm=True) for a
    network builder with settings, repr() for everything else."""
    if isinstance(value, partial):
        arguments = ", ".join(f"{name}={setting!r}" for name, setting in value.keywords.items())
        return f"{value.func.__name__}({arguments})"
    return repr(value)


@dataclass
class Shipped:
    """The shipped experiments: every run's figures, and seed 0's samples and curves."""

    scores: dict[str, list[metrics.Scores]]  # recipe name -> one Scores per seed
    outcomes: dict[str, experiments.Outcome]  # recipe name -> seed 0's run, for the pictures
    record: dict  # how, where and when they were made

    def frechet(self, name: str) -> list[float]:
        """The Fréchet distances of the runs of `name`, one per seed."""
        return [scores.frechet for scores in self.scores[name]]

    def baseline_band(self) -> tuple[float, float]:
        """The lowest and highest Fréchet distance of the baseline's seeds: the noise band."""
        return min(self.frechet("baseline")), max(self.frechet("baseline"))

    def verdict(self, name: str) -> str:
        """"better" or "worse" when every seed of `name` lies outside the baseline's band on
        the same side, "within the noise" otherwise."""
        low, high = self.baseline_band()
        runs = self.frechet(name)
        if max(runs) < low:
            return "better"
        if min(runs) > high:
            return "worse"
        return "within the noise"

    def beside_shipped(self, outcome: experiments.Outcome) -> str:
        """A sentence that places a run made now beside the shipped runs of its recipe."""
        runs = self.frechet(outcome.name)
        shipped = f"the shipped seeds of {outcome.name!r}: {min(runs):.1f} to {max(runs):.1f}"
        steps, samples = self.record["steps"], self.record["samples"]
        if outcome.steps != steps or outcome.scores.samples != samples:
            return (f"your run: Fréchet distance {outcome.scores.frechet:.1f} after {outcome.steps:,} steps "
                    f"({outcome.scores.samples:,} samples); not comparable with {shipped} "
                    f"(after {steps:,} steps, {samples:,} samples)")
        line = f"your run: Fréchet distance {outcome.scores.frechet:.1f}; {shipped}"
        made_in, here = self.record.get("precision"), auto_precision()
        if made_in and made_in != here:
            line += f" (made in {made_in}, yours in {here}: another draw, not a repeat of seed 0)"
        return line


def auto_precision() -> str:
    """What this machine computes the recipes' forward passes in (they all say "auto")."""
    return "bfloat16" if fast_bfloat16(pick_device()) else "float32"


def run_all(images: torch.Tensor, reference: metrics.Classified, *, recipes: dict[str, Recipe] | None = None,
            command: str = COMMAND, steps: int = STEPS, seeds: tuple[int, ...] = SEEDS,
            samples: int = SAMPLES) -> Shipped:
    """Train every recipe (those of TRICKS and FAILURES unless told others, one of them named
    "baseline") with every seed, and score each run. `command` is what remakes them."""
    started = time.perf_counter()
    recipes = RECIPES if recipes is None else recipes
    scores: dict[str, list[metrics.Scores]] = {name: [] for name in recipes}
    outcomes: dict[str, experiments.Outcome] = {}
    for seed in seeds:
        for name, outcome in experiments.compare(recipes, images, reference, steps=steps, samples=samples,
                                                 seed=seed).items():
            scores[name].append(outcome.scores)
            if seed == seeds[0]:
                outcomes[name] = outcome
    record = {
        "command": command, "steps": steps, "seeds": list(seeds),
        "samples": samples, "minutes": round((time.perf_counter() - started) / 60, 1),
        "machine": f"{platform.machine()}, {torch.get_num_threads()} threads", "precision": auto_precision(),
        "torch": torch.__version__,
        "date": time.strftime("%Y-%m-%d"),
    }
    return Shipped(scores, outcomes, record)


def save(shipped: Shipped, folder: Path = WEIGHTS, name: str = NAME) -> None:
    """Write the figures (JSON) and seed 0's pictures and curves (.pt), both or neither."""
    figures = {**shipped.record, "runs": {name: [vars(scores) for scores in runs]
                                          for name, runs in shipped.scores.items()}}
    pictures = {
        recipe: {
            "steps": outcome.steps, "seconds": outcome.seconds,
            "samples": ((outcome.samples[:KEPT_SAMPLES] + 1) * 127.5).round().to(torch.uint8),
            "history": outcome.history.every(HISTORY_EVERY).state_dict(),
        }
        for recipe, outcome in shipped.outcomes.items()
    }
    with replace_together(folder) as staging:
        (staging / f"{name}.json").write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
        torch.save(pictures, staging / f"{name}.pt")


def load_shipped(folder: Path = WEIGHTS, name: str = NAME) -> Shipped:
    """The shipped experiments, as `run_all` made them (the stability experiments unless
    `name` names others, such as `ganlib.evaluate.games.NAME`)."""
    if not (folder / f"{name}.json").exists():
        raise InputError(f"No experiments named {name!r} are saved in {folder}: make them with "
                         f"`python -m ganlib {name.replace('_', '-')}`.")
    figures = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    pictures = torch.load(folder / f"{name}.pt", weights_only=True)
    scores = {recipe: [metrics.Scores(**run) for run in runs] for recipe, runs in figures.pop("runs").items()}
    outcomes = {
        recipe: experiments.Outcome(
            recipe, kept["steps"], kept["seconds"], History.from_state_dict(kept["history"]),
            kept["samples"].float() / 127.5 - 1, scores[recipe][0],
        )
        for recipe, kept in pictures.items()
    }
    return Shipped(scores, outcomes, figures)


def table(shipped: Shipped, names: list[str], recipes: dict[str, Recipe] | None = None) -> str:
    """One line per recipe of `recipes` (TRICKS and FAILURES unless told others): what it
    changes, its Fréchet distance for each seed, the median, and its verdict against the
    baseline's band."""
    recipes = RECIPES if recipes is None else recipes
    seeds = shipped.record["seeds"]
    said = {name: changes(recipes[name], recipes.get("baseline")) for name in names}
    width = max([32] + [len(said[name]) for name in names])
    lines = [f"{'recipe':25} {'changes':{width}} {'Fréchet distance, seeds ' + ', '.join(map(str, seeds)):30} "
             f"{'median':>7}  verdict"]
    for name in names:
        runs = shipped.frechet(name)
        verdict = "the noise band: {:.1f} to {:.1f}".format(*shipped.baseline_band()) if name == "baseline" \
            else shipped.verdict(name)
        lines.append(f"{name:25} {said[name]:{width}} "
                     f"{'  '.join(f'{value:7.1f}' for value in runs):30} {statistics.median(runs):7.1f}  {verdict}")
    return "\n".join(lines)
