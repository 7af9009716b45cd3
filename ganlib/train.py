"""Training a GAN, one visible step at a time.

The algorithm (the seed's steps 1-6) maps onto these functions:

    1. initialise G and D              make_gan(generator, discriminator)
    2. sample a batch of real data     real = next(batches)
    3. sample noise, make fakes        z = sample_noise(gan, len(real)); fake = gan.generator(z)
    4. update D on real vs fake        discriminator_step(gan, real, fake)
    5. update G to fool D              generator_step(gan, fake)
    5b. keep G's average (optional)    update_ema(gan)
    6. repeat                          fit(gan, batches, max_steps=...)

`train_step` is steps 2-5 in one call and `fit` repeats it with a progress bar, a history
of every step, callbacks (live plots, checkpoints) and a step or time budget. Notebooks
can call the pieces one by one; `fit` is made of exactly the same pieces.

Three choices make a step cheaper than the textbook loop, without changing the maths:

* the fakes made in step 3 serve both the D step (detached, so G is not updated) and the
  G step, so G runs forward once per step, not twice;
* in the D step, real and fake images go through D as one batch: one matrix product of
  2B rows is faster than two of B rows;
* during the G step, D's weights are frozen (`requires_grad_(False)`), so the backward
  pass computes only the gradient that flows through D into G, not D's own weight
  gradients, which the G step would throw away.

And one choice trades a little precision for speed where the hardware supports it: with
`precision="bfloat16"` the forward passes run under `torch.autocast` in bfloat16, while
the weights, the optimiser and the losses stay in float32 (see `ganlib.device.fast_bfloat16`).

One addition to the seed's algorithm is optional: with `ema_decay`, the GAN also keeps a
*moving average of the generator's weights* (an exponential moving average, EMA), updated
after every generator step (`update_ema`). Training never settles: G and D keep pushing
each other around a good solution, so the weights of any single step carry some of that
jitter. The average sits in the middle of it and draws cleaner digits, sooner. It is
only looked at, never trained: samples come from `gan.sampler`, the average when there is
one. ProGAN, StyleGAN and BigGAN all sample from such an average.
"""

from __future__ import annotations

import copy
import math
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from ganlib import checks
from ganlib.device import fast_bfloat16, pick_device
from ganlib.errors import GanlibError, InputError
from ganlib.losses import GENERATOR_LOSSES, GeneratorLoss, discriminator_loss, generator_loss

HISTORY_KEYS = ("d_loss", "g_loss", "d_real", "d_fake")
PRECISIONS = ("float32", "bfloat16", "auto")
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
    bfloat16: bool = False  # forward passes in bfloat16 (autocast); weights stay float32
    real_label: float = 1.0  # D's target for real images; 0.9 is one-sided label smoothing
    instance_noise: float = 0.0  # std of Gaussian noise added to every image D sees
    image_range: tuple[float, float] = (-1.0, 1.0)  # where training images' pixels must lie
    generator_ema: nn.Module | None = None  # moving average of G's weights (see update_ema)
    ema_decay: float = 0.0
    step: int = 0
    train_seconds: float = 0.0
    history: History = field(default_factory=History)

    @property
    def latent_dim(self) -> int:
        return self.generator.latent_dim

    @property
    def device(self) -> torch.device:
        return next(self.generator.parameters()).device

    @property
    def sampler(self) -> nn.Module:
        """The generator to draw samples from: the moving average if the GAN keeps one."""
        return self.generator if self.generator_ema is None else self.generator_ema

    def autocast(self) -> torch.autocast:
        """The precision context for this GAN's forward passes (a no-op in float32)."""
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.bfloat16)


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's global random number generators.

    Call it before building the networks, so that their initial weights are repeatable.
    """
    seed = checks.seed(seed)
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
    precision: str = "float32",
    ema_decay: float = 0.0,
) -> GAN:
    """Step 1: put G and D on the device and give each its Adam optimiser.

    The defaults are the seed's (and the DCGAN paper's): learning rate 2e-4 and
    betas (0.5, 0.999). Adam's beta1 is its momentum: how much of the past steps' gradients
    each step keeps. A beta1 of 0.5 instead of the usual 0.9 forgets faster, which helps
    when the target keeps moving, as it does in a game; notebook 03 goes further, to 0.
    `d_lr` sets a different learning rate for the discriminator. `seed` seeds the noise
    generator, so a run is repeatable. `precision` is "float32", "bfloat16", or "auto":
    bfloat16 where the device computes it fast, float32 elsewhere. `ema_decay` above 0
    (say 0.995) keeps a moving average of G's weights to sample from (`update_ema`).
    """
    for role, network in (("generator", generator), ("discriminator", discriminator)):
        if not isinstance(network, nn.Module):
            raise InputError(f"The {role} must be a PyTorch network (an nn.Module) such as ganlib.MLP{role.title()}(); "
                             f"got {type(network).__name__}.")
    if not isinstance(getattr(generator, "latent_dim", None), int):
        raise InputError("The generator needs a `latent_dim` attribute: the length of the noise vectors it takes.")
    if hasattr(discriminator, "latent_dim"):
        raise InputError("The discriminator takes noise (it has a latent_dim): is it a generator? make_gan takes "
                         "the generator first, then the discriminator.")
    made, judged = getattr(generator, "out_shape", None), getattr(discriminator, "in_shape", None)
    if made is not None and judged is not None and tuple(made) != tuple(judged):
        raise InputError(f"The generator makes samples of shape {tuple(made)}, but the discriminator judges "
                         f"{tuple(judged)}: build both for the same data.")
    if hasattr(generator, "classes") != hasattr(discriminator, "classes"):
        raise InputError("Only one of the two networks is conditional (takes labels): use a conditional generator "
                         "with a conditional discriminator, or neither.")
    lr = checks.number(lr, "lr", 0.0, 1.0)
    d_lr = lr if d_lr is None else checks.number(d_lr, "d_lr", 0.0, 1.0)
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise InputError(f"betas must be a pair of numbers such as (0.5, 0.999); got {betas!r}.")
    betas = (checks.number(betas[0], "betas[0]", 0.0, 0.9999), checks.number(betas[1], "betas[1]", 0.0, 0.9999))
    checks.one_of(g_loss, "g_loss", GENERATOR_LOSSES)
    checks.one_of(precision, "precision", PRECISIONS)
    ema_decay = checks.number(ema_decay, "ema_decay", 0.0, 0.9999)
    seed = checks.seed(seed)
    device = pick_device(device)
    generator.to(device)
    discriminator.to(device)
    return GAN(
        generator=generator,
        discriminator=discriminator,
        g_optimizer=make_adam(generator.parameters(), lr, betas, device),
        d_optimizer=make_adam(discriminator.parameters(), d_lr, betas, device),
        noise_rng=torch.Generator(device=device).manual_seed(seed),
        g_loss=g_loss,
        bfloat16=precision == "bfloat16" or (precision == "auto" and fast_bfloat16(device)),
        generator_ema=copy.deepcopy(generator).requires_grad_(False) if ema_decay > 0 else None,
        ema_decay=ema_decay,
    )


def check_gan(gan: GAN, doing: str) -> GAN:
    """`gan`, if it is a GAN made by `make_gan`; else an error that says so."""
    if not isinstance(gan, GAN):
        raise InputError(f"{doing} needs the GAN that ganlib.make_gan(generator, discriminator) returns; "
                         f"got {type(gan).__name__}.")
    return gan


def sample_noise(gan: GAN, n: int) -> torch.Tensor:
    """Step 3a: n noise vectors z ~ N(0, I) of the generator's latent size."""
    check_gan(gan, "sample_noise")
    n = checks.whole_number(n, "n", 0)
    return torch.randn(n, gan.latent_dim, generator=gan.noise_rng, device=gan.device)


@torch.no_grad()
def generate(generator: nn.Module, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
    """Samples G(z) for looking at, not for training: no gradients, evaluation mode.

    Evaluation mode matters for networks with batch normalisation: in training mode
    every call would also update the layer's running statistics. A conditional
    generator also takes the `labels` of the digits to draw: a class per noise vector
    (say torch.full((N,), 3) for N threes).
    """
    if not isinstance(generator, nn.Module):
        raise InputError(f"generate needs a generator network first, then the noise; got {type(generator).__name__}.")
    if not hasattr(generator, "latent_dim"):
        raise InputError(f"generate draws with a generator, and this {type(generator).__name__} takes no noise "
                         "(it has no latent_dim): is it the discriminator? Pass gan.generator or gan.sampler.")
    z = checks.noise(z, getattr(generator, "latent_dim", None))
    labels = _checked_labels(generator, labels, len(z))
    was_training = generator.training
    generator.eval()
    device = next(generator.parameters()).device
    try:
        if labels is None:
            return generator(z.to(device))
        return generator(z.to(device), labels.to(device))
    finally:
        generator.train(was_training)


def _checked_labels(generator: nn.Module, labels, count: int, device: torch.device | None = None) -> torch.Tensor | None:
    """`labels` checked for a conditional generator (one with `classes`), on `device`; None
    for any other generator."""
    classes = getattr(generator, "classes", None)
    if classes is None:
        if labels is not None:
            raise InputError("This generator is not conditional: it draws without labels. Leave the labels out.")
        return None
    if labels is None:
        raise InputError(f"This conditional generator needs labels: which of its {classes} classes to draw, one per "
                         f"noise vector, such as torch.arange({count}) % {classes}.")
    return checks.labels(labels, classes, count).to(device)


def discriminator_step(
    gan: GAN, real: torch.Tensor, fake: torch.Tensor, labels: torch.Tensor | None = None
) -> dict[str, float]:
    """Step 4: one update of D, to score `real` as real (1) and `fake` as fake (0).

    `fake.detach()` cuts the fakes off from the generator, so this step changes D only.
    For a conditional GAN, `labels` are the digits of the real batch, and the fakes were
    made for the same digits. Returns the loss and the mean probabilities D(x) and D(G(z)).
    A loss that is NaN or infinite does not update D (`fit` then stops with a message).
    """
    real, labels = check_batch(gan, real, labels)
    fake = check_fakes(gan, fake, len(real))
    with gan.autocast():
        real_logits, fake_logits = _score_both(gan.discriminator, _noisy(gan, real), _noisy(gan, fake.detach()), labels)
    loss = discriminator_loss(real_logits.float(), fake_logits.float(), gan.real_label)
    if torch.isfinite(loss):
        gan.d_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        gan.d_optimizer.step()
    return {
        "d_loss": loss.item(),
        "d_real": torch.sigmoid(real_logits.detach().float()).mean().item(),
        "d_fake": torch.sigmoid(fake_logits.detach().float()).mean().item(),
    }


def _noisy(gan: GAN, images: torch.Tensor) -> torch.Tensor:
    """`images` plus Gaussian noise of std `gan.instance_noise` ("instance noise"): real and
    fake overlap a little, so D cannot separate them perfectly and its gradients stay smooth."""
    if gan.instance_noise == 0:
        return images
    noise = torch.randn(images.shape, generator=gan.noise_rng, device=images.device, dtype=images.dtype)
    return images + gan.instance_noise * noise


def _score(discriminator: nn.Module, images: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
    return discriminator(images) if labels is None else discriminator(images, labels)


def _score_both(
    discriminator: nn.Module, real: torch.Tensor, fake: torch.Tensor, labels: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """D's logits for both batches: in one pass over the two stacked together (faster),
    unless D normalises over the batch, where real and fake must stay apart."""
    if any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in discriminator.modules()):
        return _score(discriminator, real, labels), _score(discriminator, fake, labels)
    both_labels = None if labels is None else torch.cat([labels, labels])
    logits = _score(discriminator, torch.cat([real, fake.to(real.dtype)]), both_labels)
    return logits[: len(real)], logits[len(real) :]


def generator_step(gan: GAN, fake: torch.Tensor, labels: torch.Tensor | None = None) -> dict[str, float]:
    """Step 5: one update of G, to make D score its fakes as real.

    D has just been updated, so it scores the same fakes again. Gradients flow back
    through D into G, but only G's optimiser steps: D is held fixed here. A loss that is
    NaN or infinite does not update G.
    """
    fake = check_fakes(gan, fake, needs_gradient=True)
    labels = _checked_labels(gan.generator, labels, len(fake), gan.device)
    discriminator = gan.discriminator
    discriminator.requires_grad_(False)  # D's weight gradients would be wasted work
    try:
        with gan.autocast():
            logits = _score(discriminator, _noisy(gan, fake), labels)
    finally:
        discriminator.requires_grad_(True)
    loss = generator_loss(logits.float(), gan.g_loss)
    if torch.isfinite(loss):
        gan.g_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        gan.g_optimizer.step()
    return {"g_loss": loss.item()}


@torch.no_grad()
def update_ema(gan: GAN) -> None:
    """Step 5b (optional): move the averaged generator a little toward the generator.

    For every weight, average <- decay * average + (1 - decay) * weight. With decay 0.995
    each step moves the average 0.5% of the way, so it remembers roughly the last
    1 / (1 - 0.995) = 200 steps. Buffers (batch normalisation's running statistics) are
    copied as they are.
    """
    check_gan(gan, "update_ema")
    if gan.generator_ema is None:
        return
    for average, weight in zip(gan.generator_ema.parameters(), gan.generator.parameters()):
        average.lerp_(weight, 1 - gan.ema_decay)
    for average, buffer in zip(gan.generator_ema.buffers(), gan.generator.buffers()):
        average.copy_(buffer)


def generator_gradient_norm(gan: GAN, kind: GeneratorLoss, n: int = 256) -> float:
    """The size of the gradient that loss `kind` would give G's weights right now.

    Nothing is updated: this measures how strongly one generator step would move G.
    """
    fake = gan.generator(sample_noise(gan, n))
    loss = generator_loss(gan.discriminator(fake), kind)
    gradients = torch.autograd.grad(loss, list(gan.generator.parameters()))
    return torch.sqrt(sum(g.pow(2).sum() for g in gradients)).item()


def train_step(gan: GAN, real: torch.Tensor, labels: torch.Tensor | None = None) -> dict[str, float]:
    """Steps 3-5 (and 5b) for one batch of real data; records the step in `gan.history`.

    For a conditional GAN, pass the batch's `labels`: the fakes are made for the same
    digits, so D compares real and fake examples of each digit.
    """
    real, labels = check_batch(gan, real, labels)
    started = time.perf_counter()
    with gan.autocast():
        z = sample_noise(gan, len(real))
        fake = gan.generator(z) if labels is None else gan.generator(z, labels)
    stats = discriminator_step(gan, real, fake, labels)
    stats |= generator_step(gan, fake, labels)
    update_ema(gan)
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
        """Called once when `fit` stops, however it stops: its budget, an interruption, an
        error, or a NaN loss (then the last entries of `gan.history` are not finite, and a
        callback that saves should not save that state)."""


def fit(
    gan: GAN,
    batches: Iterable,
    *,
    max_steps: int | None = None,
    max_seconds: float | None = None,
    callbacks: Callback | list[Callback] = (),
    progress: bool = True,
) -> History:
    """Step 6: repeat `train_step` until `gan.step` reaches `max_steps` or the time is up.

    `batches` yields image batches, or (images, labels) pairs for a conditional GAN:
    `ShuffledBatches`, or a PyTorch `DataLoader` (started again whenever it has gone once
    through the data). An iterator that runs out ends training there, like a time limit.

    `max_steps` counts all steps of the run, so after a resume `fit` trains only the
    steps still missing. `max_seconds` is a wall-clock budget for this call. However
    training stops (its budget, Jupyter's stop button or Ctrl-C, a NaN, an error), the
    callbacks' `on_end` runs, so a checkpoint callback can save the last sound step. A
    loss that becomes NaN or infinite stops training with `TrainingDiverged`.
    """
    if not isinstance(gan, GAN):
        raise InputError(f"fit trains a GAN made by ganlib.make_gan(generator, discriminator); got {type(gan).__name__}.")
    if max_steps is None and max_seconds is None:
        raise InputError("Give fit a budget: max_steps, max_seconds, or both.")
    target = math.inf if max_steps is None else checks.whole_number(max_steps, "max_steps", 0)
    seconds = math.inf if max_seconds is None else checks.number(max_seconds, "max_seconds", above=0)
    if target <= gan.step:
        print(f"The GAN is at step {gan.step:,} already, and max_steps={max_steps:,} counts the whole run: nothing "
              f"to train. For 200 more steps, pass max_steps=gan.step + 200.")
    callbacks = _callback_list(callbacks)
    stream = _batch_stream(_checked_source(batches), conditional=hasattr(gan.generator, "classes"))
    deadline = time.perf_counter() + seconds
    bar = tqdm(
        total=max_steps, initial=min(gan.step, max_steps or 0), unit="step",
        disable=not progress, dynamic_ncols=True,
    )
    gan.generator.train()
    gan.discriminator.train()
    started: list[Callback] = []
    try:
        for callback in callbacks:
            callback.on_start(gan)
            started.append(callback)
        while gan.step < target and time.perf_counter() < deadline:
            batch = next(stream, None)
            if batch is None:
                print(f"The batches ran out at step {gan.step:,}; training stopped there. "
                      "For endless batches, use ganlib.ShuffledBatches (or a DataLoader).")
                break
            stats = train_step(gan, *batch)
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
        for callback in started:
            callback.on_end(gan)
    return gan.history


def check_batch(gan: GAN, real, labels=None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """A training batch (and its labels) as the steps need them, or a clear InputError: a
    float tensor on the GAN's device, of the shape D takes, finite, and, for images, with
    pixels in `gan.image_range` ([-1, 1]: the range of the generator's Tanh)."""
    check_gan(gan, "A training step")
    if isinstance(real, (list, tuple)):
        raise InputError("A step takes the images and the labels as two arguments: train_step(gan, *batch).")
    real = checks.tensor(real, "the batch")
    expected = getattr(gan.discriminator, "in_shape", None)
    if expected is not None and tuple(real.shape[1:]) != tuple(expected):
        kind = "images" if len(expected) == 3 else "samples"
        raise InputError(
            f"The discriminator expects {kind} of shape {tuple(expected)}, but the batch holds "
            f"{tuple(real.shape[1:])}. Pass batches of the data the networks were built for."
        )
    if len(real) == 0:
        raise InputError("The batch is empty: every training step needs at least one real example.")
    if len(real) == 1 and _normalises_batches(gan):
        raise InputError("A batch of one cannot be normalised (these networks use batch normalisation): "
                         "use batches of 2 or more.")
    if real.dim() == 4:  # images: check the pixel range
        real = checks.images(real, "the training images", value_range=gan.image_range)
        if gan.image_range == (-1.0, 1.0):
            checks.not_zero_to_one(real, "the training images",
                                   "To train on [0, 1] on purpose, set gan.image_range = (0.0, 1.0).")
    elif not real.is_floating_point():
        raise InputError(f"The batch must hold floats; got {real.dtype}. Convert it with .float().")
    else:
        real = checks.finite(real.float(), "the batch")
    return real.to(gan.device), _checked_labels(gan.generator, labels, len(real), gan.device)


def check_fakes(gan: GAN, fake, count: int | None = None, needs_gradient: bool = False) -> torch.Tensor:
    """The generator's samples as the steps need them: a float tensor of the shape D takes
    (and `count` of them, as many as the real batch), still attached to G's computation if
    G is to learn from them; or a clear InputError."""
    check_gan(gan, "A training step")
    fake = checks.tensor(fake, "the fakes")
    expected = getattr(gan.discriminator, "in_shape", None)
    if (expected is not None and tuple(fake.shape[1:]) != tuple(expected)) or (count is not None and len(fake) != count):
        wanted = f"({count if count is not None else 'N'}, {', '.join(map(str, expected or ('...',)))})"
        raise InputError(f"The fakes must be the generator's samples, of shape {wanted}; got {tuple(fake.shape)}. "
                         "Make them with gan.generator(ganlib.sample_noise(gan, len(real))).")
    if not fake.is_floating_point():
        raise InputError(f"The fakes must hold floats; got {fake.dtype}.")
    if needs_gradient and not fake.requires_grad:
        raise InputError("These fakes carry no gradient, so G cannot learn from them: make them with "
                         "gan.generator(z) (ganlib.generate is for looking at samples, without gradients).")
    return fake


def _normalises_batches(gan: GAN) -> bool:
    """True if G or D has batch normalisation (which needs two or more samples per batch)."""
    networks = (gan.generator, gan.discriminator)
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) for network in networks for m in network.modules())


def _callback_list(callbacks) -> list[Callback]:
    """`callbacks` as a list: one callback on its own is accepted as a list of one."""
    callbacks = [callbacks] if isinstance(callbacks, Callback) else callbacks
    if not isinstance(callbacks, (list, tuple)) or not all(isinstance(c, Callback) for c in callbacks):
        raise InputError(
            "callbacks must be a list of ganlib callbacks, such as [ganlib.Checkpointer(run_dir, every=500)]; "
            f"got {callbacks!r}."
        )
    return list(callbacks)


def _checked_source(batches):
    """`batches`, if it can give batches at all (checked before training starts)."""
    if torch.is_tensor(batches):
        raise InputError("fit needs a stream of batches, not the images themselves: "
                         "pass ganlib.ShuffledBatches(images, batch_size=128).")
    if not isinstance(batches, Iterable):
        raise InputError(f"batches must yield batches of images, as ganlib.ShuffledBatches does; got {type(batches).__name__}.")
    return batches


def _batch_stream(batches, conditional: bool) -> Iterator[tuple]:
    """`batches` as an iterator of (images,) or (images, labels) tuples.

    A DataLoader (or any other re-iterable collection of batches) is started again each
    time it has gone through the data, as epochs; a one-way iterator simply ends. Lists
    of one tensor, as `DataLoader(TensorDataset(x))` yields them, are taken as tuples.
    Labels that come with the images are dropped for a GAN that is not conditional.
    """
    for batch in batches if isinstance(batches, Iterator) else _epochs(batches):
        batch = tuple(batch) if isinstance(batch, (tuple, list)) else (batch,)
        if not 1 <= len(batch) <= 2:
            raise InputError(f"Each batch must be images, or (images, labels); got {len(batch)} items.")
        yield batch if conditional else batch[:1]


def _epochs(collection: Iterable) -> Iterator:
    """The items of `collection`, over and over (a DataLoader reshuffles on every pass)."""
    while True:
        empty = True
        for item in collection:
            empty = False
            yield item
        if empty:
            raise InputError("The batches are empty: the data loader yields no batch at all "
                             "(is its batch size larger than the data set, with drop_last=True?).")


def _diverged_message(gan: GAN, stats: dict[str, float]) -> str:
    values = ", ".join(f"{key} = {value}" for key, value in stats.items())
    return (
        f"Training diverged at step {gan.step}: {values}.\n"
        "A loss that is NaN or infinite means the weights blew up. Try a lower learning "
        "rate (for example half of it), and the non-saturating generator loss "
        "(g_loss='non-saturating'). The last checkpoint, if you saved one, is intact: "
        "resume from it with the new settings (ganlib.resume: the settings you give "
        "make_gan now apply from there on)."
    )
