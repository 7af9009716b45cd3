"""Step 1 of the algorithm: the two players, their optimisers, and the noise they play with.

A `GAN` holds everything that changes while a GAN trains: both networks, both Adam
optimisers, the random number generator of the noise, the step count and the history of
every step, so that one object goes into a checkpoint and comes back out of it.
`make_gan` builds one, checking that the two networks can play together.

Two optional extras live here too:

* **bfloat16** (`precision`): forward passes under `torch.autocast` in bfloat16 where the
  processor computes it fast, while the weights, the optimiser and the losses stay in
  float32 (see `ganlib.gan.device.fast_bfloat16`);
* **a moving average of the generator's weights** (`ema_decay`, an exponential moving
  average): training never settles, so the weights of any one step carry some jitter;
  the average sits in the middle of it and draws cleaner samples, sooner. It is only
  looked at, never trained: samples come from `gan.sampler`. ProGAN, StyleGAN and BigGAN
  all sample from such an average. `ganlib.gan.steps.update_ema` moves it.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ganlib import checks
from ganlib.errors import InputError
from ganlib.gan.augment import check_policy
from ganlib.gan.device import fast_bfloat16, make_adam, pick_device
from ganlib.gan.history import History
from ganlib.gan.losses import LOSSES, Loss
from ganlib.gan.models import MLPDiscriminator, MLPGenerator

PRECISIONS = ("float32", "bfloat16", "auto")
@dataclass
class GAN:
    """Everything that changes while a GAN trains, in one place (and in one checkpoint)."""

    generator: nn.Module
    discriminator: nn.Module
    g_optimizer: torch.optim.Optimizer
    d_optimizer: torch.optim.Optimizer
    noise_rng: torch.Generator
    loss: Loss = "non-saturating"  # the game both players play (ganlib.gan.losses)
    bfloat16: bool = False  # forward passes in bfloat16 (autocast); weights stay float32
    real_label: float = 1.0  # D's target for real images; 0.9 is one-sided label smoothing
    instance_noise: float = 0.0  # std of Gaussian noise added to every image D sees
    r1_gamma: float = 0.0  # weight of the R1 penalty in D's loss (0: none)
    gp_weight: float = 0.0  # weight of WGAN-GP's gradient penalty in D's loss (0: none)
    critic_steps: int = 1  # D's updates for each of G's
    image_range: tuple[float, float] = (-1.0, 1.0)  # where training images' pixels must lie
    augment: str = ""  # the DiffAugment policy for every picture D sees (ganlib.gan.augment)
    d_has_batch_norm: bool = False  # then D must see real and fake batches in separate passes
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


def make_gan(
    generator: nn.Module,
    discriminator: nn.Module,
    *,
    lr: float = 2e-4,
    d_lr: float | None = None,
    betas: tuple[float, float] = (0.5, 0.999),
    loss: Loss = "non-saturating",
    seed: int = 0,
    device: str | torch.device | None = None,
    precision: str = "float32",
    ema_decay: float = 0.0,
    real_label: float = 1.0,
    instance_noise: float = 0.0,
    r1_gamma: float = 0.0,
    gp_weight: float = 0.0,
    critic_steps: int = 1,
    image_range: tuple[float, float] = (-1.0, 1.0),
    augment: str = "",
) -> GAN:
    """Step 1: put G and D on the device and give each its Adam optimiser.

    The defaults are the source example's (and the DCGAN paper's): learning rate 2e-4 and
    betas (0.5, 0.999). Adam's beta1 is its momentum: how much of the past steps' gradients
    each step keeps. A beta1 of 0.5 instead of the usual 0.9 forgets faster, which helps
    when the target keeps moving, as it does in a game; notebook 03 goes further, to 0.
    `d_lr` sets a different learning rate for the discriminator. `loss` names the game
    (`ganlib.gan.losses`): "non-saturating" (the 2014 game with G's practical loss),
    "minimax", "least-squares", "hinge" or "wasserstein". `seed` seeds the noise
    generator, so a run is repeatable. `precision` is "float32", "bfloat16", or "auto":
    bfloat16 where the device computes it fast, float32 elsewhere. `ema_decay` above 0
    (say 0.995) keeps a moving average of G's weights to sample from.

    Three stabilisers of notebook 04: `real_label` below 1 (say 0.9) asks D to be only
    that sure of real images (one-sided label smoothing); `instance_noise` adds Gaussian
    noise of that standard deviation to every image D sees. `r1_gamma` above 0 adds the R1
    penalty, gamma / 2 times D's squared steepness at the real data, to D's loss
    (`ganlib.gan.losses.r1_penalty`).

    The Wasserstein game needs a critic that is 1-Lipschitz: `gp_weight` above 0 (10 in
    the WGAN-GP paper) adds the gradient penalty to D's loss, or D is built with
    `spectral_norm=True`. `critic_steps` above 1 (5 in the paper) gives D that many updates,
    each on a batch of its own, for each of G's (`fit` draws the batches).

    `image_range` is where the training images' pixels must lie: [-1, 1], the range of the generator's Tanh, unless
    an experiment trains on [0, 1] on purpose. `augment` names the changes DiffAugment
    makes to every picture D sees, such as "translation,cutout" (notebook 08).
    """
    _check_networks(generator, discriminator)
    lr = checks.number(lr, "lr", 0.0, 1.0)
    d_lr = lr if d_lr is None else checks.number(d_lr, "d_lr", 0.0, 1.0)
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise InputError(f"betas must be a pair of numbers such as (0.5, 0.999); got {betas!r}.")
    betas = (checks.number(betas[0], "betas[0]", 0.0, 0.9999), checks.number(betas[1], "betas[1]", 0.0, 0.9999))
    checks.one_of(loss, "loss", LOSSES)
    real_label = checks.number(real_label, "real_label", high=1.0, above=0.0)
    r1_gamma = checks.number(r1_gamma, "r1_gamma", 0.0)
    gp_weight = checks.number(gp_weight, "gp_weight", 0.0)
    d_has_batch_norm = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in discriminator.modules())
    _check_game(discriminator, loss, real_label, r1_gamma, gp_weight, d_has_batch_norm)
    checks.one_of(precision, "precision", PRECISIONS)
    ema_decay = checks.number(ema_decay, "ema_decay", 0.0, 0.9999)
    device = pick_device(device)
    generator.to(device)
    discriminator.to(device)
    return GAN(
        generator=generator,
        discriminator=discriminator,
        g_optimizer=make_adam(generator.parameters(), lr, betas, device),
        d_optimizer=make_adam(discriminator.parameters(), d_lr, betas, device),
        noise_rng=torch.Generator(device=device).manual_seed(checks.seed(seed)),
        loss=loss,
        bfloat16=precision == "bfloat16" or (precision == "auto" and fast_bfloat16(device)),
        real_label=real_label,
        instance_noise=checks.number(instance_noise, "instance_noise", 0.0),
        r1_gamma=r1_gamma,
        gp_weight=gp_weight,
        critic_steps=checks.whole_number(critic_steps, "critic_steps", 1),
        image_range=checks.value_range(image_range),
        augment=check_policy(augment),
        d_has_batch_norm=d_has_batch_norm,
        generator_ema=copy.deepcopy(generator).requires_grad_(False) if ema_decay > 0 else None,
        ema_decay=ema_decay,
        history=History(loss=loss),
    )


def make_toy_gan(
    dim: int,
    *,
    latent_dim: int = 4,
    hidden: tuple[int, ...] = (32, 32),
    lr: float = 1e-3,
    d_lr: float | None = None,
    loss: Loss = "non-saturating",
    spectral_norm: bool = False,
    r1_gamma: float = 0.0,
    gp_weight: float = 0.0,
    critic_steps: int = 1,
    seed: int = 0,
) -> GAN:
    """A small GAN for `dim`-dimensional toy data (`ganlib.data.toy`): two MLPs of `hidden`
    sizes, and no Tanh, since toy points are not confined to [-1, 1]. `spectral_norm=True`
    gives the discriminator spectral normalisation (`ganlib.gan.models.spectral_normalise`);
    `loss`, `r1_gamma`, `gp_weight` and `critic_steps` are those of `make_gan`. (The
    WGAN-GP paper's own toy experiments use gp_weight=0.1 and critic_steps=5.)

    Toy networks learn faster than the MNIST ones, so the default learning rate is 1e-3.
    The networks run on the CPU: they are too small to gain anything from a GPU.
    """
    dim = checks.whole_number(dim, "dim", 1)
    latent_dim = checks.whole_number(latent_dim, "latent_dim", 1)
    seed_everything(seed)
    generator = MLPGenerator(latent_dim=latent_dim, hidden=hidden, out_shape=(dim,), tanh=False)
    discriminator = MLPDiscriminator(in_shape=(dim,), hidden=hidden, spectral_norm=spectral_norm)
    return make_gan(generator, discriminator, lr=lr, d_lr=d_lr, betas=(0.5, 0.999), loss=loss, seed=seed,
                    device="cpu", r1_gamma=r1_gamma, gp_weight=gp_weight, critic_steps=critic_steps)


def _check_networks(generator: nn.Module, discriminator: nn.Module) -> None:
    """Refuse two networks that cannot play together, naming why."""
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


def _check_game(discriminator: nn.Module, loss: str, real_label: float, r1_gamma: float, gp_weight: float,
                d_has_batch_norm: bool) -> None:
    """Refuse settings that the game `loss` cannot play with, naming why."""
    if loss in ("hinge", "wasserstein") and real_label != 1.0:
        raise InputError(f"Label smoothing (real_label={real_label}) sets a target for D's verdict on real data, "
                         f"and the {loss} loss has none: leave real_label at 1.")
    spectral = any(hasattr(module, "parametrizations") for module in discriminator.modules())
    if loss == "wasserstein" and not (gp_weight > 0 or spectral):
        raise InputError("The Wasserstein loss needs a critic whose slope is at most 1: pass gp_weight=10 (WGAN-GP), "
                         "or build the discriminator with spectral_norm=True. Without either, its scores grow "
                         "without bound.")
    if d_has_batch_norm and (r1_gamma > 0 or gp_weight > 0):
        raise InputError("A gradient penalty needs each example's own gradient, and batch normalisation in the "
                         "discriminator mixes the examples of a batch: use a discriminator without it.")


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's global random number generators.

    Call it before building the networks, so that their initial weights are repeatable.
    """
    seed = checks.seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


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
    device = next(generator.parameters()).device
    z = checks.noise(z, generator.latent_dim).to(device)
    labels = checked_labels(generator, labels, len(z), device)
    was_training = generator.training
    generator.eval()
    try:
        return generator(z) if labels is None else generator(z, labels)
    finally:
        generator.train(was_training)


def checked_labels(generator: nn.Module, labels, count: int, device: torch.device | None = None) -> torch.Tensor | None:
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
