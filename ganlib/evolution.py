"""Interactive evolution: you choose, the generator varies, and ideas breed.

This is human-machine co-creation in its simplest form. The machine proposes a grid of
samples; a person picks the ones they like; the next generation is bred from the picked
ones' latent vectors:

* **crossover**: each child takes every latent coordinate from one of two parents, at
  random, so it mixes their traits;
* **mutation**: a little noise is added, so children differ from their parents and the
  search keeps exploring.

The person supplies what the discriminator cannot: a judgement of what is *interesting*,
not only of what is plausible. Everything is seeded, so a session can be replayed.
"""

from __future__ import annotations

import torch


def breed(parents: torch.Tensor, children: int, mutation: float = 0.3, generator: torch.Generator | None = None) -> torch.Tensor:
    """`children` new latent vectors from `parents` (k, latent_dim), k ≥ 1.

    With one parent, children are its mutations; with several, each child is a crossover
    of two different parents, then mutated. Lengths are reset to sqrt(latent_dim), where
    Gaussian latent vectors live.
    """
    k, dim = parents.shape
    first = torch.randint(k, (children,), generator=generator)
    second = (first + torch.randint(1, k, (children,), generator=generator)) % k if k > 1 else first
    take_first = torch.rand(children, dim, generator=generator) < 0.5
    mixed = torch.where(take_first, parents[first], parents[second])
    mutated = mixed + mutation * torch.randn(children, dim, generator=generator)
    return mutated / mutated.norm(dim=1, keepdim=True) * dim**0.5


class Evolution:
    """A population of latent vectors and the choices that shaped it."""

    def __init__(self, latent_dim: int, size: int = 12, mutation: float = 0.3, seed: int = 0) -> None:
        self.rng = torch.Generator().manual_seed(seed)
        self.size = size
        self.mutation = mutation
        self.population = torch.randn(size, latent_dim, generator=self.rng)
        self.generation = 0
        self.picks: list[list[int]] = []  # which members were chosen, per generation

    def next_generation(self, chosen: list[int]) -> None:
        """Breed a new population from the members at `chosen`; with none chosen, start afresh."""
        self.picks.append(list(chosen))
        if chosen:
            parents = self.population[chosen]
            children = breed(parents, self.size - len(chosen), self.mutation, self.rng)
            self.population = torch.cat([parents, children])  # the chosen survive, first in the grid
        else:
            self.population = torch.randn(self.population.shape, generator=self.rng)
        self.generation += 1
