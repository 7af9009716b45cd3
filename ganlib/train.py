"""Training a GAN, one visible step at a time.

The algorithm (the seed's steps 1-6) maps onto these functions:

    1. initialise G and D              make_gan(generator, discriminator)
    2. sample a batch of real data     real = next(batches)
    3. sample noise, make fakes        z = sample_noise(gan, len(real)); fake = gan.generator(z)
    4. update D on real vs fake        discriminator_step(gan, real, fake)
    5. update G to fool D              generator_step(gan, fake)
    6. repeat                          fit(gan, batches, max_steps=...)

`train_step` is steps 2-5 in one call and `fit` repeats it with a progress bar, a history
of every step, callbacks (live plots, checkpoints) and a step or time budget. Notebooks
can call the pieces one by one; `fit` is made of exactly the same pieces.

Two choices make a step cheaper than the textbook loop, without changing the maths:

* the fakes made in step 3 serve both the D step (detached, so G is not updated) and the
  G step, so G runs forward once per step, not twice;
* during the G step, D's weights are frozen (`requires_grad_(False)`), so the backward
  pass computes only the gradient that flows through D into G, not D's own weight
  gradients, which the G step would throw away.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from typing import Iterator, Sequence

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from ganlib.device import pick_device
from ganlib.errors import GanlibError
from ganlib.losses import GENERATOR_LOSSES, GeneratorLoss, discriminator_loss, generator_loss

HISTORY_KEYS = ("d_loss", "g_loss", "d_real", "d_fake")
"""What is recorded at every step: both losses, mean D(x) on real and mean D(G(z)) on fakes."""


class TrainingDiverged(GanlibError):
    """A loss became NaN or infinite; the run stopped before saving the broken state."""


@dataclass
class History:
    """Per-step records of a run, as plain lists that plot and save easily.

    `seconds` is the training time (wall clock) spent up to and including each step,
    summed over every `fit` call and resume.
    """

    step: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    d_loss: list[float] = field(default_factory=list)
    g_loss: list[float] = field(default_factory=list)
    d_real: list[float] = field(default_factory=list)
    d_fake: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.step)

    def append(self, step: int, seconds: float, stats: dict[str, float]) -> None:
        self.step.append(step)
        self.seconds.append(seconds)
        for key in HISTORY_KEYS:
            getattr(self, key).append(stats[key])

    def state_dict(self) -> dict[str, list]:
        return {name: list(getattr(self, name)) for name in ("step", "seconds", *HISTORY_KEYS)}

    @classmethod
    def from_state_dict(cls, state: dict[str, list]) -> History:
        return cls(**{name: list(values) for name, values in state.items()})


@dataclass
class GAN:
    """Everything that changes while a GAN trains, in one place (and in one checkpoint)."""

    generator: nn.Module
    discriminator: nn.Module
    g_optimizer: torch.optim.Optimizer
    d_optimizer: torch.optim.Optimizer
    noise_rng: torch.Generator
    g_loss: GeneratorLoss = "non-saturating"
    step: int = 0
    train_seconds: float = 0.0
    history: History = field(default_factory=History)

    @property
    def latent_dim(self) -> int:
        return self.generator.latent_dim

    @property
    def device(self) -> torch.device:
        return next(self.generator.parameters()).device


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's global random number generators.

    Call it before building the networks, so that their initial weights are repeatable.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def make_adam(params: Iterator[nn.Parameter], lr: float, betas: tuple[float, float], device: torch.device) -> torch.optim.Adam:
    """Adam, in its fused form where PyTorch has one for `device`.

    The fused form updates every parameter tensor in one kernel instead of a dozen small
    operations per tensor; for a small model on a CPU that makes the whole training step
    markedly faster, with the same arithmetic.
    """
    params = list(params)
    if device.type in ("cpu", "cuda"):
        return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)
    return torch.optim.Adam(params, lr=lr, betas=betas)


def make_gan(
    generator: nn.Module,
    discriminator: nn.Module,
    *,
    lr: float = 2e-4,
    d_lr: float | None = None,
    betas: tuple[float, float] = (0.5, 0.999),
    g_loss: GeneratorLoss = "non-saturating",
    seed: int = 0,
    device: str | torch.device | None = None,
) -> GAN:
    """Step 1: put G and D on the device and give each its Adam optimiser.

    The defaults are the seed's (and the DCGAN paper's): learning rate 2e-4 and
    betas (0.5, 0.999). A beta1 of 0.5 instead of Adam's usual 0.9 makes the momentum
    forget faster, which helps when the target keeps moving, as it does in a game.
    `d_lr` sets a different learning rate for the discriminator. `seed` seeds the noise
    generator, so a run is repeatable.
    """
    if g_loss not in GENERATOR_LOSSES:
        raise ValueError(f"g_loss must be one of {GENERATOR_LOSSES}, got {g_loss!r}.")
    device = pick_device(device)
    generator.to(device)
    discriminator.to(device)
    return GAN(
        generator=generator,
        discriminator=discriminator,
        g_optimizer=make_adam(generator.parameters(), lr, betas, device),
        d_optimizer=make_adam(discriminator.parameters(), d_lr or lr, betas, device),
        noise_rng=torch.Generator(device=device).manual_seed(seed),
        g_loss=g_loss,
    )


def sample_noise(gan: GAN, n: int) -> torch.Tensor:
    """Step 3a: n noise vectors z ~ N(0, I) of the generator's latent size."""
    return torch.randn(n, gan.latent_dim, generator=gan.noise_rng, device=gan.device)


@torch.no_grad()
def generate(generator: nn.Module, z: torch.Tensor) -> torch.Tensor:
    """Samples G(z) for looking at, not for training: no gradients, evaluation mode.

    Evaluation mode matters for networks with batch normalisation: in training mode
    every call would also update the layer's running statistics.
    """
    was_training = generator.training
    generator.eval()
    try:
        return generator(z.to(next(generator.parameters()).device))
    finally:
        generator.train(was_training)


def discriminator_step(gan: GAN, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
    """Step 4: one update of D, to score `real` as real (1) and `fake` as fake (0).

    `fake.detach()` cuts the fakes off from the generator, so this step changes D only.
    Real and fake go through D as two separate batches, as batch-normalised
    discriminators need. Returns the loss and the mean probabilities D(x) and D(G(z)).
    """
    real_logits = gan.discriminator(real)
    fake_logits = gan.discriminator(fake.detach())
    loss = discriminator_loss(real_logits, fake_logits)
    gan.d_optimizer.zero_grad(set_to_none=True)
    loss.backward()
    gan.d_optimizer.step()
    return {
        "d_loss": loss.item(),
        "d_real": torch.sigmoid(real_logits.detach()).mean().item(),
        "d_fake": torch.sigmoid(fake_logits.detach()).mean().item(),
    }


def generator_step(gan: GAN, fake: torch.Tensor) -> dict[str, float]:
    """Step 5: one update of G, to make D score its fakes as real.

    D has just been updated, so it scores the same fakes again. Gradients flow back
    through D into G, but only G's optimiser steps: D is held fixed here.
    """
    discriminator = gan.discriminator
    discriminator.requires_grad_(False)  # D's weight gradients would be wasted work
    try:
        loss = generator_loss(discriminator(fake), gan.g_loss)
    finally:
        discriminator.requires_grad_(True)
    gan.g_optimizer.zero_grad(set_to_none=True)
    loss.backward()
    gan.g_optimizer.step()
    return {"g_loss": loss.item()}


def generator_gradient_norm(gan: GAN, kind: GeneratorLoss, n: int = 256) -> float:
    """The size of the gradient that loss `kind` would give G's weights right now.

    Nothing is updated: this measures how strongly one generator step would move G.
    """
    fake = gan.generator(sample_noise(gan, n))
    loss = generator_loss(gan.discriminator(fake), kind)
    gradients = torch.autograd.grad(loss, list(gan.generator.parameters()))
    return torch.sqrt(sum(g.pow(2).sum() for g in gradients)).item()


def train_step(gan: GAN, real: torch.Tensor) -> dict[str, float]:
    """Steps 3-5 for one batch of real data; records the step in `gan.history`."""
    started = time.perf_counter()
    fake = gan.generator(sample_noise(gan, len(real)))
    stats = discriminator_step(gan, real, fake)
    stats |= generator_step(gan, fake)
    gan.step += 1
    gan.train_seconds += time.perf_counter() - started
    gan.history.append(gan.step, gan.train_seconds, stats)
    return stats


class Callback:
    """Something `fit` calls as it starts (`on_start`), after every step (`on_step`) and
    when it stops (`on_end`)."""

    def on_start(self, gan: GAN) -> None:
        """Called once before the first step of a `fit` call."""

    def on_step(self, gan: GAN) -> None:
        """Called after every training step."""

    def on_end(self, gan: GAN) -> None:
        """Called once when `fit` stops, also when you interrupt it."""


def fit(
    gan: GAN,
    batches: Iterator[torch.Tensor],
    *,
    max_steps: int | None = None,
    max_seconds: float | None = None,
    callbacks: Sequence[Callback] = (),
    progress: bool = True,
) -> History:
    """Step 6: repeat `train_step` until `gan.step` reaches `max_steps` or the time is up.

    `max_steps` counts all steps of the run, so after a resume `fit` trains only the
    steps still missing. `max_seconds` is a wall-clock budget for this call. Interrupting
    (Jupyter's stop button, Ctrl-C) ends training cleanly: the callbacks' `on_end` still
    runs, so a checkpoint callback saves the progress. A loss that becomes NaN or
    infinite stops training with `TrainingDiverged`, without saving the broken state.
    """
    if max_steps is None and max_seconds is None:
        raise ValueError("Give fit a budget: max_steps, max_seconds, or both.")
    deadline = math.inf if max_seconds is None else time.perf_counter() + max_seconds
    target = math.inf if max_steps is None else max_steps
    bar = tqdm(
        total=max_steps, initial=min(gan.step, max_steps or 0), unit="step",
        disable=not progress, dynamic_ncols=True,
    )
    gan.generator.train()
    gan.discriminator.train()
    for callback in callbacks:
        callback.on_start(gan)
    try:
        while gan.step < target and time.perf_counter() < deadline:
            stats = train_step(gan, next(batches).to(gan.device, non_blocking=True))
            if not all(math.isfinite(value) for value in stats.values()):
                raise TrainingDiverged(_diverged_message(gan, stats))
            bar.update(1)
            bar.set_postfix(D_x=f"{stats['d_real']:.2f}", D_G_z=f"{stats['d_fake']:.2f}", refresh=False)
            for callback in callbacks:
                callback.on_step(gan)
    except KeyboardInterrupt:
        print(f"Interrupted at step {gan.step}; the run so far is kept.")
    finally:
        bar.close()
    for callback in callbacks:
        callback.on_end(gan)
    return gan.history


def _diverged_message(gan: GAN, stats: dict[str, float]) -> str:
    values = ", ".join(f"{key} = {value}" for key, value in stats.items())
    return (
        f"Training diverged at step {gan.step}: {values}.\n"
        "A loss that is NaN or infinite means the weights blew up. Try a lower learning "
        "rate (for example half of it), and the non-saturating generator loss "
        "(g_loss='non-saturating'). The last checkpoint, if you saved one, is intact: "
        "resume from it with the new settings."
    )
