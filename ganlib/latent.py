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

import torch
from torch import nn

from ganlib.train import generate


def lerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Points on the straight line from a to b, one per value of t in [0, 1]."""
    t = t.view(-1, 1)
    return (1 - t) * a + t * b


def slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Points on the great circle from a to b (spherical interpolation), one per t in [0, 1]."""
    t = t.view(-1, 1)
    cos_angle = torch.dot(a / a.norm(), b / b.norm()).clamp(-1, 1)
    angle = torch.arccos(cos_angle)
    if angle.abs() < 1e-6:  # a and b point the same way: the circle is a line
        return lerp(a, b, t)
    return (torch.sin((1 - t) * angle) * a + torch.sin(t * angle) * b) / torch.sin(angle)


def interpolate(a: torch.Tensor, b: torch.Tensor, steps: int = 8, spherical: bool = True) -> torch.Tensor:
    """`steps` latent vectors from a to b, both ends included."""
    t = torch.linspace(0, 1, steps)
    return slerp(a, b, t) if spherical else lerp(a, b, t)


def random_walk(start: torch.Tensor, steps: int = 8, step_size: float = 0.25, seed: int = 0) -> torch.Tensor:
    """A seeded walk from `start`: each step adds a little noise, then the length is reset
    to sqrt(latent_dim), the typical length of a latent vector."""
    rng = torch.Generator().manual_seed(seed)
    points, z = [start], start
    for _ in range(steps - 1):
        z = z + step_size * torch.randn(z.shape, generator=rng)
        z = z / z.norm() * len(z) ** 0.5
        points.append(z)
    return torch.stack(points)


def ink(images: torch.Tensor) -> torch.Tensor:
    """How much of each image is drawn: the mean brightness, from 0 (black) to 1 (white)."""
    return ((images + 1) / 2).flatten(1).mean(dim=1)


def direction_of(generator: nn.Module, property_of, n: int = 4000, share: float = 0.25, seed: int = 0) -> torch.Tensor:
    """A latent direction that adds a property: mean z of the `share` of n samples that
    score highest on `property_of(images)`, minus the mean z of those that score lowest."""
    z = torch.randn(n, generator.latent_dim, generator=torch.Generator().manual_seed(seed))
    scores = property_of(generate(generator, z))
    order = scores.argsort()
    count = int(share * n)
    return z[order[-count:]].mean(dim=0) - z[order[:count]].mean(dim=0)
