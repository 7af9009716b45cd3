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
from ganlib.gan.losses import GENERATOR_LOSSES, generator_loss
from ganlib.gan.steps import discriminator_step, generator_step, train_step

DATASETS = {"ring": ring, "square": square}


class Playground:
    """The playground's state and actions."""

    def __init__(
        self, data: str = "ring", g_loss: str = "non-saturating", g_lr: float = 1e-3,
        d_lr: float = 1e-3, seed: int = 0, batch_size: int = 256, shown: int = 300,
    ) -> None:
        checks.one_of(data, "data", list(DATASETS))
        self.shown = checks.whole_number(shown, "shown", 1)
        seed = checks.seed(seed)
        self.options = dict(data=data, g_loss=g_loss, g_lr=g_lr, d_lr=d_lr, seed=seed, batch_size=batch_size)
        self.reset()

    def reset(self) -> None:
        """Start over: fresh networks with the current settings, step 0."""
        options = self.options
        self.data: GaussianMixture = DATASETS[options["data"]]()
        self.gan = make_toy_gan(2, latent_dim=2, hidden=(64, 64), lr=options["g_lr"], d_lr=options["d_lr"],
                                g_loss=options["g_loss"], seed=options["seed"])
        self.batches = ToyBatches(self.data, options["batch_size"], seed=options["seed"])
        view_rng = torch.Generator().manual_seed(options["seed"] + 1)
        self.real_shown = self.data.sample(self.shown, view_rng)
        self.z_shown = torch.randn(self.shown, 2, generator=view_rng)  # the same fakes are drawn each time
        self.d_steps = self.g_steps = 0
        self.last: dict[str, float] = {}

    def set_option(self, name: str, value) -> None:
        """Change a setting: learning rates and the loss apply at once; the data resets."""
        checks.one_of(name, "the setting", list(self.options))
        if name == "g_loss":
            checks.one_of(value, "g_loss", GENERATOR_LOSSES)
        elif name == "data":
            checks.one_of(value, "data", list(DATASETS))
        elif name in ("g_lr", "d_lr"):
            value = checks.number(value, name, 0.0, 1.0)
        elif name == "seed":
            value = checks.seed(value)
        elif name == "batch_size":
            value = checks.whole_number(value, "batch_size", 1)
        self.options[name] = value
        if name == "g_lr":
            self.gan.g_optimizer.param_groups[0]["lr"] = value
        elif name == "d_lr":
            self.gan.d_optimizer.param_groups[0]["lr"] = value
        elif name == "g_loss":
            self.gan.g_loss = value
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
        """`steps` full training steps: one D step and one G step each."""
        steps = checks.whole_number(steps, "steps", 0)
        for _ in range(steps):
            self.last.update(train_step(self.gan, next(self.batches)))
        self.d_steps += steps
        self.g_steps += steps

    def arrows(self, fake: torch.Tensor, loss_kind: str | None = None) -> torch.Tensor:
        """-dL_G/dx at each fake point: the direction (and strength) G's loss pushes it."""
        x = fake.clone().requires_grad_(True)
        loss = generator_loss(self.gan.discriminator(x), loss_kind or self.gan.g_loss) * len(x)
        (gradient,) = torch.autograd.grad(loss, x)
        return -gradient
