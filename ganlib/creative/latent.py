"""The latent space as an idea space: moving between, around and along noise vectors.

A generator turns every point z of its latent space into a sample. Nearby points give
similar samples, so paths through the space are sequences of related ideas:

* **interpolation** walks from one idea to another. Straight lines (`lerp`) cut through
  the middle of the space, where a Gaussian latent vector almost never lies: its length
  is close to sqrt(latent_dim). **Spherical** interpolation (`slerp`) keeps that length
  and stays where the generator was trained;
* **random walks** wander from an idea in small seeded steps: variations on a theme;
* **arithmetic** adds a *direction*: the mean z of samples that have a property minus
  the mean z of samples that lack it ("more ink" minus "less ink") is a direction that
  adds that property to any other sample.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from ganlib import checks
from ganlib.errors import InputError
from ganlib.gan.game import generate

CHUNK = 500
"""Samples generated at once when measuring a direction."""


def lerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Points on the straight line from a to b, one per value of t in [0, 1]."""
    t = torch.as_tensor(t, dtype=a.dtype).view(-1, 1)
    return (1 - t) * a + t * b


def slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Points on the great circle from a to b (spherical interpolation), one per t in [0, 1].

    A zero vector has no direction, so with one at either end there is no circle to follow:
    the path is the straight line.
    """
    t = torch.as_tensor(t, dtype=a.dtype).view(-1, 1)
    if a.norm() == 0 or b.norm() == 0:
        return lerp(a, b, t)
    cos_angle = torch.dot(a / a.norm(), b / b.norm()).clamp(-1, 1)
    angle = torch.arccos(cos_angle)
    if angle.abs() < 1e-6:  # a and b point the same way: the circle is a line
        return lerp(a, b, t)
    return (torch.sin((1 - t) * angle) * a + torch.sin(t * angle) * b) / torch.sin(angle)


def interpolate(a: torch.Tensor, b: torch.Tensor, steps: int = 8, spherical: bool = True) -> torch.Tensor:
    """`steps` latent vectors from a to b, both ends included: a batch (steps, latent_dim)."""
    a = checks.latent_vector(a, name="a")
    b = checks.latent_vector(b, len(a), name="b")
    steps = checks.whole_number(steps, "steps", 2)
    t = torch.linspace(0, 1, steps)
    return slerp(a, b, t) if spherical else lerp(a, b, t)


def random_walk(start: torch.Tensor, steps: int = 8, step_size: float = 0.25, seed: int = 0) -> torch.Tensor:
    """A seeded walk from `start` (one latent vector): each step adds a little noise, then the
    length is reset to sqrt(latent_dim), the typical length of a latent vector. Returns the
    `steps` points as a batch (steps, latent_dim), `start` first."""
    start = checks.latent_vector(start, name="start")
    steps = checks.whole_number(steps, "steps", 1)
    step_size = checks.number(step_size, "step_size", 0.0, 100.0)
    rng = torch.Generator().manual_seed(checks.seed(seed))
    points, z = [start], start
    for _ in range(steps - 1):
        z = z + step_size * torch.randn(z.shape, generator=rng)
        z = z / z.norm() * len(z) ** 0.5
        points.append(z)
    return torch.stack(points)


def ink(images: torch.Tensor) -> torch.Tensor:
    """How much of each image is drawn: the mean brightness, from 0 (black) to 1 (white)."""
    images = checks.images(images)
    return ((images + 1) / 2).flatten(1).mean(dim=1)


def direction_of(
    generator: nn.Module, property_of: Callable[[torch.Tensor], torch.Tensor], n: int = 4000, share: float = 0.25,
    seed: int = 0,
) -> torch.Tensor:
    """A latent direction that adds a property: mean z of the `share` of n samples that
    score highest on `property_of(images)`, minus the mean z of those that score lowest.
    `share` is at most a half, so the two groups never overlap, and it must pick at least
    one sample (the more, the less the direction depends on chance).

    For a conditional generator each sample gets a random label, drawn apart from its z:
    the direction then says how the *noise* adds the property, whatever the label."""
    if not callable(property_of):
        raise InputError(f"property_of must be a function from images to one number each, such as latent.ink; "
                         f"got {property_of!r}.")
    n = checks.whole_number(n, "n", 2)
    share = checks.number(share, "share", high=0.5, above=0.0)
    count = int(share * n)
    if count < 1:
        raise InputError(f"share = {share:g} of n = {n:,} samples picks none; use a larger share or more samples "
                         f"(share × n must be at least 1; 0.25 of 4,000 is the usual).")
    rng = torch.Generator().manual_seed(checks.seed(seed))
    z = torch.randn(n, generator.latent_dim, generator=rng)
    classes = getattr(generator, "classes", None)
    labels = None if classes is None else torch.randint(classes, (n,), generator=rng)
    scores = []
    for start in range(0, n, CHUNK):  # a few hundred images at a time: a large n needs no more memory
        part = slice(start, start + CHUNK)
        images = generate(generator, z[part], None if labels is None else labels[part])
        score = property_of(images)
        if not torch.is_tensor(score) or tuple(score.shape) != (len(images),):
            shape = tuple(score.shape) if torch.is_tensor(score) else type(score).__name__
            raise InputError(f"property_of(images) must give one number per image, a tensor of shape ({len(images)},) "
                             f"such as latent.ink(images); got {shape}.")
        scores.append(score)
    scores = torch.cat(scores)
    order = checks.finite(scores, "the property's scores").argsort()
    return z[order[-count:]].mean(dim=0) - z[order[:count]].mean(dim=0)
