"""Differentiable augmentation (DiffAugment, Zhao et al., NeurIPS 2020): how a GAN learns
from a few hundred pictures instead of tens of thousands.

With few training pictures the discriminator soon remembers every one of them: it scores
them as real and anything else as fake, its feedback stops meaning "looks like the
collection" and becomes "is one of these 200 files", and the generator collapses or
copies. Ordinary augmentation (shifting the training pictures) does not help a GAN: the
generator would learn to draw shifted pictures, since those are what it must imitate.

DiffAugment changes every picture the discriminator sees, real *and* generated, with the
same kinds of random change, and only there:

    D(augment(x))   and   D(augment(G(z)))

The discriminator now has many more different pictures to tell apart, so it memorises
far less; the generator still imitates the unchanged collection, because the changes
apply to both sides alike. The changes are made of differentiable operations (indexing
and arithmetic), so the generator's gradient flows back through them.

The policy names the kinds of change, as in the paper's code:

    translation   shift by up to 1/8 of the side; the picture's edge fills the gap
    cutout        blank out a square of half the side (to 0, mid-grey), at a random place
    colour        brightness (± 0.5) and contrast (× 0.5 to 1.5); saturation too for colour pictures

Every sample gets its own random draw, from the GAN's noise generator, so runs repeat.
"""

from __future__ import annotations

import torch

from ganlib.errors import InputError

KINDS = ("translation", "cutout", "colour")


def check_policy(policy: str) -> str:
    """`policy` as a comma-separated list of KINDS (or "" for none), or a clear error."""
    if not isinstance(policy, str) or any(kind not in KINDS for kind in filter(None, policy.split(","))):
        raise InputError(f"augment must name kinds of change from {', '.join(KINDS)}, separated by commas, such as "
                         f"'translation,cutout' (or '' for none); got {policy!r}.")
    return policy


def diff_augment(images: torch.Tensor, policy: str, generator: torch.Generator | None = None) -> torch.Tensor:
    """`images` (B, C, H, W) with the random changes the `policy` names, sample by sample."""
    for kind in filter(None, policy.split(",")):
        images = {"translation": translate, "cutout": cut_out, "colour": recolour}[kind](images, generator)
    return images


def _uniform(images: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """One number in [0, 1) per sample, shaped (B, 1, 1, 1) to broadcast over its pixels."""
    return torch.rand(len(images), 1, 1, 1, generator=generator, device=images.device, dtype=images.dtype)


def translate(images: torch.Tensor, generator: torch.Generator | None = None, share: float = 1 / 8) -> torch.Tensor:
    """Shift each picture by up to `share` of its side, the same or another way for each;
    pixels that come in from beyond the edge repeat the edge."""
    batch, _, height, width = images.shape

    def shift(side: int) -> torch.Tensor:
        most = int(side * share)
        return torch.randint(-most, most + 1, (batch, 1, 1), generator=generator, device=images.device)

    rows = (torch.arange(height, device=images.device).view(1, -1, 1) + shift(height)).clamp(0, height - 1)
    cols = (torch.arange(width, device=images.device).view(1, 1, -1) + shift(width)).clamp(0, width - 1)
    picked = torch.arange(batch, device=images.device).view(-1, 1, 1)
    return images.permute(0, 2, 3, 1)[picked, rows, cols].permute(0, 3, 1, 2)


def cut_out(images: torch.Tensor, generator: torch.Generator | None = None, share: float = 1 / 2) -> torch.Tensor:
    """Blank a square of `share` of the side, centred anywhere, in each picture (to 0)."""
    batch, _, height, width = images.shape
    size_y, size_x = int(height * share), int(width * share)
    top = torch.randint(0, height + 1 - size_y % 2, (batch, 1, 1), generator=generator, device=images.device)
    left = torch.randint(0, width + 1 - size_x % 2, (batch, 1, 1), generator=generator, device=images.device)
    y = torch.arange(height, device=images.device).view(1, -1, 1)
    x = torch.arange(width, device=images.device).view(1, 1, -1)
    hole = (y >= top - size_y // 2) & (y < top + size_y - size_y // 2) & (x >= left - size_x // 2) & (x < left + size_x - size_x // 2)
    return images * (~hole).unsqueeze(1).to(images.dtype)


def recolour(images: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Random brightness and contrast (and saturation, for colour pictures) per picture."""
    images = images + (_uniform(images, generator) - 0.5)
    if images.shape[1] == 3:
        grey = images.mean(dim=1, keepdim=True)
        images = (images - grey) * (_uniform(images, generator) * 2) + grey
    mean = images.mean(dim=(1, 2, 3), keepdim=True)
    return (images - mean) * (_uniform(images, generator) + 0.5) + mean
