"""Recipes: everything that defines a training run apart from its length, in one type.

A `Recipe` names the two networks and every setting of `make_gan` and the batches. The
workbook's recipes are defined here once and used everywhere:

    SOURCE_EXAMPLE   the source text's MNIST example: batch 64, Adam 2e-4, betas (0.5, 0.999)
    NOTEBOOK_03      notebook 03's settings for a CPU lesson (the defaults of `Recipe`)
    LETTERFORMS      notebook 08's typeface studio: a conditional convolutional GAN on letters
    for_collection   settings for a team's own pictures, chosen from how many there are
    SHIPPED          the generators that ship with ganlib, each a recipe and a length

Notebook 03 shows its settings as parameters; a test keeps them equal to NOTEBOOK_03.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Callable

from torch import nn

from ganlib import checks
from ganlib.errors import InputError
from ganlib.gan.augment import check_policy
from ganlib.gan.game import GAN, make_gan, seed_everything
from ganlib.gan.image_models import ImageDiscriminator, ImageGenerator
from ganlib.gan.losses import Loss
from ganlib.gan.models import (
    ConditionalMLPDiscriminator,
    ConditionalMLPGenerator,
    DCGANDiscriminator,
    DCGANGenerator,
    MLPDiscriminator,
    MLPGenerator,
)


@dataclass(frozen=True)
class Recipe:
    """Everything that defines one training run, apart from its length."""

    generator: Callable[[], nn.Module] = MLPGenerator
    discriminator: Callable[[], nn.Module] = MLPDiscriminator
    batch_size: int = 128
    lr: float = 1e-3
    d_lr: float | None = None
    betas: tuple[float, float] = (0.0, 0.99)
    ema_decay: float = 0.995  # 0: sample from the generator itself, not from its moving average
    loss: Loss = "non-saturating"  # the game (ganlib.gan.losses)
    real_label: float = 1.0  # 0.9: one-sided label smoothing
    instance_noise: float = 0.0  # std of noise added to D's inputs
    r1_gamma: float = 0.0  # weight of the R1 penalty on D's steepness at real data
    gp_weight: float = 0.0  # weight of WGAN-GP's gradient penalty
    critic_steps: int = 1  # D's updates (each on its own batch) for each of G's
    data_in_zero_one: bool = False  # True: train on pixels in [0, 1] instead of [-1, 1]
    augment: str = ""  # DiffAugment's policy, such as "translation,cutout" (ganlib.gan.augment)
    precision: str = "auto"

    def __post_init__(self) -> None:
        """Refuse what would train silently wrong (the rest is checked by make_gan)."""
        for role in ("generator", "discriminator"):
            build = getattr(self, role)
            if isinstance(build, nn.Module) or not callable(build):
                raise InputError(f"Recipe's {role} is what builds the network, such as MLP{role.title()} (the class, "
                                 "without brackets): every run starts from fresh networks.")
        checks.number(self.real_label, "real_label", high=1.0, above=0.0)
        checks.number(self.instance_noise, "instance_noise", 0.0)
        checks.whole_number(self.batch_size, "batch_size", 1)
        check_policy(self.augment)
        if not isinstance(self.data_in_zero_one, bool):
            raise InputError(f"data_in_zero_one must be True or False; got {self.data_in_zero_one!r}.")

    def build(self, seed: int = 0) -> GAN:
        """Fresh networks and a GAN with this recipe's settings, all seeded with `seed`."""
        seed_everything(seed)
        return make_gan(
            self.generator(), self.discriminator(), lr=self.lr, d_lr=self.d_lr, betas=self.betas,
            loss=self.loss, seed=seed, precision=self.precision, ema_decay=self.ema_decay,
            real_label=self.real_label, instance_noise=self.instance_noise, r1_gamma=self.r1_gamma,
            gp_weight=self.gp_weight, critic_steps=self.critic_steps,
            image_range=(0.0, 1.0) if self.data_in_zero_one else (-1.0, 1.0), augment=self.augment,
        )


SOURCE_EXAMPLE = Recipe(batch_size=64, lr=2e-4, betas=(0.5, 0.999), ema_decay=0.0, precision="float32")
"""The source text's MNIST example, as written there (its networks are ganlib's MLPs)."""

NOTEBOOK_03 = Recipe()
"""Notebook 03's settings, tuned for a CPU lesson and measured in `benchmarks/time_to_digits.py`:
batch 128, learning rate 1e-3, Adam's betas (0, 0.99), a moving average of G (decay
0.995), and bfloat16 where the processor is fast at it."""

NOTEBOOK_03_LENGTH = {"EPOCHS": 40, "MAX_MINUTES": 5.0}
"""How long notebook 03 trains by default: this many epochs, but at most this many minutes."""

NOTEBOOK_04_LENGTH = {"MLP_STEPS": 1800, "DCGAN_STEPS": 600, "STEPS": 2400}
"""How long notebook 04 trains by default, in steps: the MLP and the DCGAN of Part 2 (the
MLP gets three times the steps, as its steps cost about a third as much on a CPU), and
each of the two runs you make in Parts 3 and 4 (the length of the shipped runs)."""


LETTERFORMS = Recipe(
    partial(ImageGenerator, classes=26), partial(ImageDiscriminator, classes=26),
    batch_size=64, lr=2e-4, betas=(0.5, 0.99), ema_decay=0.995,
)
"""The typeface studio's settings: the letter is the label, the style lives in the noise.
With 13,026 training letters DiffAugment only slows learning down (measured in
`benchmarks/design_collection.py`), so this recipe trains without it."""

FEW_PICTURES = 2000
"""Below this many pictures a discriminator soon remembers them all: DiffAugment's full policy helps."""


def for_collection(count: int, channels: int = 1, size: int = 32) -> Recipe:
    """Settings for `count` pictures of a team's own, of `channels` (1 grey, 3 colour) and
    `size` pixels a side: the convolutional pair of notebook 08 without labels; batches of
    64, or an eighth of the collection when that is smaller (at least 16), so that an epoch
    has several steps; DiffAugment with translation and cutout, and colour changes too
    for small collections (the paper's choice for 100 to 1,000 pictures)."""
    count = checks.whole_number(count, "count", 1)
    return Recipe(
        partial(ImageGenerator, channels=channels, size=size), partial(ImageDiscriminator, channels=channels, size=size),
        batch_size=max(16, min(64, count // 8)), lr=2e-4, betas=(0.5, 0.99), ema_decay=0.995,
        augment="colour,translation,cutout" if count < FEW_PICTURES else "translation,cutout",
    )


@dataclass(frozen=True)
class Shipped:
    """A generator that ships with ganlib: how it is trained, for how long, and what for."""

    description: str
    recipe: Recipe
    epochs: int
    seed: int = 0
    snapshot_steps: list[int] = field(default_factory=list)  # samples kept at these steps (notebook 05)
    collection: str = "mnist"  # what it trains on and is judged by: "mnist" or "letterforms"


SHIPPED = {
    "mlp_mnist": Shipped(
        "the source example's MLP generator, trained on MNIST with notebook 03's settings",
        NOTEBOOK_03, epochs=50, snapshot_steps=[0, 250, 500, 1000, 2000, 4000, 8000, 16000, 23400],
    ),
    "dcgan_mnist": Shipped(
        "the convolutional generator of notebook 04 (DCGAN-style, width 32), with notebook 03's settings and the "
        "hinge loss",
        Recipe(DCGANGenerator, DCGANDiscriminator, loss="hinge"), epochs=40,
    ),
    "conditional_mlp_mnist": Shipped(
        "the source example's MLP with the digit as extra input (a conditional GAN), notebook 06, with notebook 03's "
        "settings",
        Recipe(ConditionalMLPGenerator, ConditionalMLPDiscriminator), epochs=30,
    ),
    "letterforms_studio": Shipped(
        "the typeface studio of notebook 08: the convolutional pair with the letter as label, trained on letterforms",
        LETTERFORMS, epochs=30, collection="letterforms",
    ),
}
"""The shipped generators by name; `python -m ganlib train-pretrained NAME` remakes one.

Each was chosen by the Fréchet distance. The MLPs keep notebook 03's recipe, which none of
the games after 2014 beat on MNIST (`python -m ganlib game-experiments`). The DCGAN adds
the hinge loss, which beat notebook 03's game on it in each of three seeds (46.6 against
53.7, medians after 2,340 steps; spectral normalisation 49.1; the DCGAN's old recipe, the
source example's Adam settings without a moving average, 84.3): `python -m
benchmarks.dcgan_recipes`."""
