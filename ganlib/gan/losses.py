"""The games a GAN can play: the losses of both players, written from D's raw outputs.

The game of Goodfellow et al. (2014) is one value function that D maximises and G
minimises:

    V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]

* The discriminator maximises V: it wants D(x) -> 1 on real data and D(G(z)) -> 0 on
  fakes. That is binary cross-entropy with label 1 for real and 0 for fake.
* The generator minimises V, and only the second term depends on it. Minimising
  log(1 - D(G(z))) is the **minimax** (saturating) loss. Early in training D easily spots
  the fakes, D(G(z)) ~ 0, and there log(1 - D) is flat: the generator gets almost no
  gradient exactly when it needs one most.
* The **non-saturating** loss, proposed in the same paper, has the generator maximise
  log D(G(z)) instead (minimise -log D(G(z))). It pushes toward the same goal but is
  steep where D(G(z)) ~ 0. It is the default everywhere in practice, and here.

With logits l and D = sigmoid(l): -log D = softplus(-l) and -log(1 - D) = softplus(l),
which is what `binary_cross_entropy_with_logits` computes without rounding trouble.

Against the best D, this game measures the Jensen-Shannon divergence between the real and
the fake distributions, and that divergence sits at its maximum, log 2, whenever the two
do not overlap, however near or far the fakes are: then a perfect D exists, its loss is
0, and moving the fakes a little changes nothing it measures. The minimax loss then gives
G no gradient at all; the non-saturating one still gives one, but it follows the slope of
D's logit, which nothing in the game keeps sensible (Arjovsky & Bottou, 2017). The later
games:

* **least squares** (LSGAN, Mao et al. 2017): D's raw output is asked to be 1 on real and
  0 on fake by a squared error, and G asks for 1 on its fakes. A squared error never
  flattens in the score: a fake scored far on the wrong side is pushed the harder the
  farther it is.
* **hinge** (Lim & Ye 2017; SAGAN, BigGAN): D is asked for a score of at least +1 on real
  and at most -1 on fake, and stops caring beyond that margin (a support vector machine's
  loss); G simply raises D's score of its fakes, so its loss never flattens either. (The
  halving here makes D's gradients half those of the papers, which leave it out.)
* **Wasserstein** (WGAN, Arjovsky et al. 2017): D becomes a *critic* whose score
  difference E[D(real)] - E[D(fake)] estimates how far the fakes must move to become the
  real data (the earth mover's distance). Unlike the divergence, that distance shrinks
  smoothly as the fakes approach, even with no overlap at all, so G has a slope to follow.
  The estimate needs a critic that is 1-Lipschitz (its score changes no faster than its
  input): `gradient_penalty` (WGAN-GP, Gulrajani et al. 2017) pushes its slope toward 1
  where it is measured, and spectral normalisation (`ganlib.gan.models.spectral_normalise`)
  bounds it by 1 everywhere, usually below, which scales the estimate down.

Least squares and hinge change what G's loss does with a score; only the Wasserstein game
changes what is measured. A gentle slope of D in x comes from taming D itself: spectral
normalisation and the penalties.

`r1_penalty` and `gradient_penalty` are regularisers that can be added to D's loss.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import torch
import torch.nn.functional as F

from ganlib.errors import InputError

Loss = Literal["non-saturating", "minimax", "least-squares", "hinge", "wasserstein"]
LOSSES: tuple[str, ...] = ("non-saturating", "minimax", "least-squares", "hinge", "wasserstein")
CROSS_ENTROPY_GAMES = ("non-saturating", "minimax")
"""The two losses of the 2014 game: D's loss is the same, only G's differs."""

UNDECIDED: dict[str, tuple[float, float | None]] = {
    "non-saturating": (math.log(2), 0.5),
    "minimax": (math.log(2), 0.5),
    "least-squares": (0.25, 0.5),
    "hinge": (1.0, None),
    "wasserstein": (0.0, None),
}
"""D's loss and its mean verdict when it cannot tell real from fake, for each game: D = 1/2
everywhere for the first three (with one-sided label smoothing, least squares' balance
lies lower: the plots do not move it). In the hinge game D's loss is 1 for any constant
score from -1 to +1, and a critic's scores have no fixed level (adding a constant changes
nothing): there, no single verdict marks "can't tell"."""


def discriminator_loss(
    real_logits: torch.Tensor, fake_logits: torch.Tensor, kind: Loss = "non-saturating", real_target: float = 1.0
) -> torch.Tensor:
    """D's loss in the game `kind`, from its raw outputs on a real and a fake batch.

    * the 2014 game: 0.5 · (BCE(real, 1) + BCE(fake, 0)), the negative of V halved as in the
      source example; log 2 ~ 0.693 when D = 1/2 everywhere, near 0 when D wins easily.
    * "least-squares": 0.5 · (mean (D(x) - 1)^2 + mean D(G(z))^2); 0.25 when D = 1/2.
    * "hinge": 0.5 · (mean relu(1 - D(x)) + mean relu(1 + D(G(z)))); 1 when D = 0, and 0
      once every real scores above +1 and every fake below -1.
    * "wasserstein": mean D(G(z)) - mean D(x), the critic's estimate of the distance,
      negated (the critic raises its estimate by lowering this loss).

    `real_target` below 1 (say 0.9) is *one-sided label smoothing* for the games with a
    target: D is asked to be only 90% sure of real images, which keeps it from becoming
    over-confident.
    """
    if kind in CROSS_ENTROPY_GAMES:
        real = F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, real_target))
        fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        return 0.5 * (real + fake)
    if kind == "least-squares":
        return 0.5 * ((real_logits - real_target).pow(2).mean() + fake_logits.pow(2).mean())
    if kind == "hinge":
        return 0.5 * (F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean())
    if kind == "wasserstein":
        return fake_logits.mean() - real_logits.mean()
    raise InputError(f"kind must be one of {LOSSES}, got {kind!r}.")


def generator_loss(fake_logits: torch.Tensor, kind: Loss = "non-saturating") -> torch.Tensor:
    """G's loss in the game `kind`, from D's raw outputs on its fakes.

    * "non-saturating": -log D(G(z)) = BCE(fake, 1). Equals log 2 ~ 0.693 at D = 1/2.
    * "minimax":        log(1 - D(G(z))) = -BCE(fake, 0). Equals -log 2 at D = 1/2.
    * "least-squares":  0.5 · mean (D(G(z)) - 1)^2. Equals 0.125 at D = 1/2.
    * "hinge" and "wasserstein": -mean D(G(z)): raise the score of the fakes, with no
      margin (the margin is D's business).
    """
    if kind == "non-saturating":
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    if kind == "minimax":
        return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    if kind == "least-squares":
        return 0.5 * (fake_logits - 1).pow(2).mean()
    if kind in ("hinge", "wasserstein"):
        return -fake_logits.mean()
    raise InputError(f"kind must be one of {LOSSES}, got {kind!r}.")


def verdicts(logits: torch.Tensor, kind: Loss) -> torch.Tensor:
    """What D's raw outputs say, in the units of the game: the probability of "real" in
    the 2014 game (sigmoid of the logit), the raw score in the others."""
    return torch.sigmoid(logits) if kind in CROSS_ENTROPY_GAMES else logits


def r1_penalty(real_logits: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """The R1 penalty (Mescheder et al., 2018): the mean over the real batch of
    ||grad_x D(x)||^2, the squared steepness of D's logit at each real example.

    Near the real data a discriminator can make its score as steep as it likes, and a
    steep D overshoots: G chases it past the data, D swings back, and the two circle
    instead of settling (the paper shows it on a game of two numbers). Adding
    gamma / 2 · R1 to D's loss asks D to stay flat where the real data lies, which is where
    a D that has nothing left to learn would be flat anyway, so the penalty does not move
    the game's solution, only damps the circling. `real` must have been made to require
    gradients before D scored it: the penalty is itself differentiated when D steps
    (`create_graph=True`). Each logit depends on its own example only, so the gradient of
    their sum is every example's own gradient at once.
    """
    (gradients,) = torch.autograd.grad(real_logits.sum(), real, create_graph=True)
    return gradients.pow(2).flatten(1).sum(1).mean()


def gradient_penalty(
    critic: Callable[[torch.Tensor], torch.Tensor], real: torch.Tensor, fake: torch.Tensor, rng: torch.Generator
) -> torch.Tensor:
    """The gradient penalty of WGAN-GP (Gulrajani et al., 2017): the mean of
    (||grad_x critic(x)|| - 1)^2 at random points x on the lines between real and fake pairs.

    The Wasserstein estimate needs a critic whose slope is at most 1 everywhere. The best
    critic has slope exactly 1 along the lines that carry each fake onto the real point it
    should become, so the penalty checks the slope on such lines: x = e · real + (1 - e) ·
    fake with e ~ U(0, 1), one e per pair, and asks its length to be 1. Like the paper,
    it pairs each fake with a random real example, not the best-matched one; the penalty
    is soft, and only holds where it is measured. (The first WGAN clipped every weight into a
    small box instead, which makes the critic too simple and slow to train.) The penalty is
    itself differentiated when the critic steps (`create_graph=True`), and `rng` draws the
    points, so a seeded run is repeatable. A critic with batch normalisation would mix the
    examples of a batch, and then no example has a gradient of its own: use none.
    """
    shape = (len(real),) + (1,) * (real.dim() - 1)  # one e per pair, the same for all its numbers
    e = torch.rand(shape, generator=rng, device=real.device, dtype=real.dtype)
    between = (e * real.detach() + (1 - e) * fake.detach()).requires_grad_(True)
    (gradients,) = torch.autograd.grad(critic(between).sum(), between, create_graph=True)
    slopes = (gradients.pow(2).flatten(1).sum(1) + 1e-12).sqrt()  # the 1e-12 keeps the root's gradient finite at 0
    return (slopes - 1).pow(2).mean()
