"""The GAN losses, written from the discriminator's logits.

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

`r1_penalty` is a regulariser that can be added to D's loss, whatever the game.
"""

from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F

from ganlib.errors import InputError

GeneratorLoss = Literal["non-saturating", "minimax"]
GENERATOR_LOSSES: tuple[str, ...] = ("non-saturating", "minimax")


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor, real_target: float = 1.0) -> torch.Tensor:
    """-V averaged over the batch, halved as in the source example: 0.5 · (BCE(real, 1) + BCE(fake, 0)).

    A discriminator that cannot tell real from fake (D = 1/2 everywhere) scores
    log 2 ~ 0.693; a loss near 0 means D wins easily. `real_target` below 1 (say 0.9) is
    *one-sided label smoothing*: D is asked to be only 90% sure of real images, which
    keeps it from becoming over-confident.
    """
    real = F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, real_target))
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return 0.5 * (real + fake)


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


def generator_loss(fake_logits: torch.Tensor, kind: GeneratorLoss = "non-saturating") -> torch.Tensor:
    """The generator's loss on D's logits for its fakes.

    * "non-saturating": -log D(G(z)) = BCE(fake, 1). Equals log 2 ~ 0.693 at D = 1/2.
    * "minimax":        log(1 - D(G(z))) = -BCE(fake, 0). Equals -log 2 at D = 1/2.
    """
    if kind == "non-saturating":
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    if kind == "minimax":
        return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    raise InputError(f"kind must be one of {GENERATOR_LOSSES}, got {kind!r}.")
