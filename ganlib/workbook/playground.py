"""A 2-D GAN playground in the spirit of GAN Lab (poloclub.github.io/ganlab): the model.

Real points come from a ring (or a square) of Gaussian bumps in the plane; fake points
come from a small generator. `Playground` holds the game's state and its actions: one D
step, one G step, whole training steps, a reset, a change of setting, and the arrows
that show where the generator's loss pushes each fake point. `PlaygroundView`
(`ganlib.workbook.playground_view`) draws it and gives it buttons and sliders.
"""

from __future__ import annotations

import torch

from ganlib import checks
from ganlib.data.toy import GaussianMixture, ToyBatches, ring, square
from ganlib.gan.game import make_toy_gan, sample_noise
from ganlib.gan.losses import CROSS_ENTROPY_GAMES, LOSSES, generator_loss
from ganlib.gan.steps import discriminator_step, generator_step, train_step

DATASETS = {"ring": ring, "square": square}
WASSERSTEIN_TOY = {"gp_weight": 0.1, "critic_steps": 5}
"""The critic's settings in the WGAN-GP paper's toy experiments: a light penalty, and five
critic updates per generator update (with one, the seeded test run covers at most half
the ring; with five, at least three quarters of it)."""


class Playground:
    """The playground's state and actions."""

    def __init__(
        self, data: str = "ring", loss: str = "non-saturating", g_lr: float = 1e-3,
        d_lr: float = 1e-3, seed: int = 0, batch_size: int = 256, shown: int = 300,
    ) -> None:
        checks.one_of(data, "data", list(DATASETS))
        self.shown = checks.whole_number(shown, "shown", 1)
        seed = checks.seed(seed)
        checks.one_of(loss, "loss", LOSSES)
        self.options = dict(data=data, loss=loss, g_lr=g_lr, d_lr=d_lr, seed=seed, batch_size=batch_size)
        self.reset()

    def reset(self) -> None:
        """Start over: fresh networks with the current settings, step 0."""
        options = self.options
        self.data: GaussianMixture = DATASETS[options["data"]]()
        critic = WASSERSTEIN_TOY if options["loss"] == "wasserstein" else {}
        self.gan = make_toy_gan(2, latent_dim=2, hidden=(64, 64), lr=options["g_lr"], d_lr=options["d_lr"],
                                loss=options["loss"], seed=options["seed"], **critic)
        self.batches = ToyBatches(self.data, options["batch_size"], seed=options["seed"])
        view_rng = torch.Generator().manual_seed(options["seed"] + 1)
        self.real_shown = self.data.sample(self.shown, view_rng)
        self.z_shown = torch.randn(self.shown, 2, generator=view_rng)  # the same fakes are drawn each time
        self.d_steps = self.g_steps = 0
        self.last: dict[str, float] = {}

    def set_option(self, name: str, value) -> None:
        """Change a setting. The learning rates apply at once, and so does a switch between
        the 2014 game's two generator losses (D stays the same); any other change starts over."""
        checks.one_of(name, "the setting", list(self.options))
        if name == "loss":
            checks.one_of(value, "loss", LOSSES)
        elif name == "data":
            checks.one_of(value, "data", list(DATASETS))
        elif name in ("g_lr", "d_lr"):
            value = checks.number(value, name, 0.0, 1.0)
        elif name == "seed":
            value = checks.seed(value)
        elif name == "batch_size":
            value = checks.whole_number(value, "batch_size", 1)
        same_d = name == "loss" and {value, self.options["loss"]} <= set(CROSS_ENTROPY_GAMES)
        self.options[name] = value
        if name == "g_lr":
            self.gan.g_optimizer.param_groups[0]["lr"] = value
        elif name == "d_lr":
            self.gan.d_optimizer.param_groups[0]["lr"] = value
        elif same_d:
            self.gan.loss = value
        else:
            self.reset()

    def d_step(self) -> None:
        fake = self.gan.generator(sample_noise(self.gan, self.options["batch_size"]))
        self.last.update(discriminator_step(self.gan, next(self.batches), fake))
        self.d_steps += 1

    def g_step(self) -> None:
        fake = self.gan.generator(sample_noise(self.gan, self.options["batch_size"]))
        self.last.update(generator_step(self.gan, fake))
        self.g_steps += 1

    def train(self, steps: int) -> None:
        """`steps` full training steps: one G step each, after one D step (five in the
        Wasserstein game, each on a batch of its own)."""
        steps = checks.whole_number(steps, "steps", 0)
        critic_steps = self.gan.critic_steps
        for _ in range(steps):
            real = torch.cat([next(self.batches) for _ in range(critic_steps)])
            self.last.update(train_step(self.gan, real))
        self.d_steps += steps * critic_steps
        self.g_steps += steps

    def arrows(self, fake: torch.Tensor, loss_kind: str | None = None) -> torch.Tensor:
        """-dL_G/dx at each fake point: the direction (and strength) G's loss pushes it."""
        x = fake.clone().requires_grad_(True)
        loss = generator_loss(self.gan.discriminator(x), loss_kind or self.gan.loss) * len(x)
        (gradient,) = torch.autograd.grad(loss, x)
        return -gradient
