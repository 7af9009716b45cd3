"""The games after 2014 on MNIST, compared fairly.

Least squares, hinge and Wasserstein with its gradient penalty (`ganlib.gan.losses`), and
the two ways to tame the discriminator, spectral normalisation and the R1 penalty, each as
one change to notebook 03's recipe. The comparison is the stability experiments' (see
`ganlib.evaluate.stability`): every recipe trains for the same number of generator steps,
with the same three seeds, and is judged by the same Fréchet distance, whose spread over
the baseline's seeds is the noise band that a change must leave to count. The Wasserstein
critic takes five updates per generator step, so each of its steps costs about five
times a baseline step: a comparison at equal steps is not one at equal time, so the
training seconds of seed 0's runs are kept beside the scores.

`python -m ganlib game-experiments` runs them (about 80 minutes on a 2-core machine,
estimated from a first run of 600 steps) and writes `ganlib/weights/game_experiments.json`
and `.pt`; `stability.load_shipped(name=games.NAME)` reads them back.
"""

from __future__ import annotations

from functools import partial

import torch

from ganlib.errors import InputError
from ganlib.evaluate import metrics, stability
from ganlib.evaluate.recipes import Recipe
from ganlib.gan.models import MLPDiscriminator

SPECTRAL_D = partial(MLPDiscriminator, spectral_norm=True)

GAMES: dict[str, Recipe] = {
    "baseline": Recipe(),
    "least squares": Recipe(loss="least-squares"),
    "hinge": Recipe(loss="hinge"),
    "Wasserstein-GP": Recipe(loss="wasserstein", gp_weight=10.0, critic_steps=5),
    "spectral norm": Recipe(discriminator=SPECTRAL_D),
    "hinge, spectral norm": Recipe(loss="hinge", discriminator=SPECTRAL_D),
    "R1 penalty": Recipe(r1_gamma=10.0),
}
"""The baseline (notebook 03's recipe, the non-saturating 2014 game) and one change each.
Hinge with spectral normalisation is the pair SAGAN and BigGAN train with. The Wasserstein
critic keeps the WGAN-GP paper's penalty weight (10) and critic steps (5), but not its
Adam settings (1e-4, betas (0, 0.9)): with them a first run of 600 steps scored 441,
against 288 with the baseline's. R1's weight of 10 scored 744 at 600 steps, against 870
for a weight of 1 (one seed each)."""

NAME = "game_experiments"
COMMAND = "python -m ganlib game-experiments"


def run_all(images: torch.Tensor, reference: metrics.Classified, **budget) -> stability.Shipped:
    """Train every recipe of GAMES with every seed and score each run (`budget`: the
    `steps`, `seeds` and `samples` of `stability.run_all`, the same as the stability
    experiments' unless told otherwise)."""
    return stability.run_all(images, reference, recipes=GAMES, command=COMMAND, **budget)


def time_table(shipped: stability.Shipped) -> str:
    """What each recipe's steps cost: seed 0's training time per step, as a multiple of the
    baseline's, and how many baseline steps would fill the same time. Equal steps are not
    equal time: a recipe whose steps cost twice as much must do better than a baseline
    given twice the steps before it saves anyone time."""
    baseline = shipped.outcomes["baseline"]
    per_step = baseline.seconds / baseline.steps
    lines = [f"{'recipe':25} {'ms per step':>11} {'× baseline':>10} {'baseline steps in the same time':>32}"]
    for name, outcome in shipped.outcomes.items():
        seconds = outcome.seconds / outcome.steps
        lines.append(f"{name:25} {1000 * seconds:11.0f} {seconds / per_step:10.1f} "
                     f"{round(outcome.seconds / per_step):32,}")
    return "\n".join(lines)


def equal_time_steps(shipped: stability.Shipped, name: str) -> int:
    """How many steps of recipe `name` fit in the time the baseline took for its steps, in
    seed 0's shipped runs: the length of a run of `name` that is fair at equal time."""
    if name not in shipped.outcomes:
        raise InputError(f"{name!r} is not among the shipped games: choose one of {sorted(shipped.outcomes)}.")
    baseline, game = shipped.outcomes["baseline"], shipped.outcomes[name]
    return max(1, round(baseline.seconds / (game.seconds / game.steps)))
