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

from ganlib import checks
from ganlib.errors import InputError


def breed(parents: torch.Tensor, children: int, mutation: float = 0.3, generator: torch.Generator | None = None) -> torch.Tensor:
    """`children` new latent vectors from `parents` (k, latent_dim), k ≥ 1.

    With one parent, children are its mutations; with several, each child is a crossover
    of two different parents, then mutated. Lengths are reset to sqrt(latent_dim), where
    Gaussian latent vectors live.
    """
    parents = checks.tensor(parents, "parents")
    if parents.dim() != 2 or len(parents) == 0 or not parents.is_floating_point():
        raise InputError(f"parents must be a batch of latent vectors (k, latent_dim) with k at least 1; "
                         f"got shape {tuple(parents.shape)}, {parents.dtype}. For one parent z, pass z[None].")
    checks.finite(parents, "parents")
    if generator is not None and not isinstance(generator, torch.Generator):
        raise InputError(f"generator is the random number generator to breed with (a torch.Generator); "
                         f"got {type(generator).__name__}.")
    children = checks.whole_number(children, "children", 0)
    mutation = checks.number(mutation, "mutation", 0.0)
    k, dim = parents.shape
    first = torch.randint(k, (children,), generator=generator)
    second = (first + torch.randint(1, k, (children,), generator=generator)) % k if k > 1 else first
    take_first = torch.rand(children, dim, generator=generator) < 0.5
    mixed = torch.where(take_first, parents[first], parents[second])
    mutated = mixed + mutation * torch.randn(children, dim, generator=generator)
    return mutated / mutated.norm(dim=1, keepdim=True).clamp_min(1e-12) * dim**0.5  # a zero vector stays zero


class Evolution:
    """A population of latent vectors and the choices that shaped it."""

    def __init__(self, latent_dim: int, size: int = 12, mutation: float = 0.3, seed: int = 0) -> None:
        latent_dim = checks.whole_number(latent_dim, "latent_dim", 1)
        self.rng = torch.Generator().manual_seed(checks.seed(seed))
        self.size = checks.whole_number(size, "size", 2)
        self.mutation = checks.number(mutation, "mutation", 0.0)
        self.population = torch.randn(size, latent_dim, generator=self.rng)
        self.generation = 0
        self.picks: list[list[int]] = []  # which members were chosen, per generation

    def next_generation(self, chosen: list[int]) -> None:
        """Breed a new population from the members at `chosen` (their numbers, 0 to size - 1,
        each at most once); with none chosen, start afresh. Picks that cannot be used are
        refused before anything changes, so the record of picks holds only real choices."""
        chosen = self.check_picks(chosen)
        self.picks.append(chosen)
        if chosen:
            parents = self.population[chosen]
            children = breed(parents, self.size - len(chosen), self.mutation, self.rng)
            self.population = torch.cat([parents, children])  # the chosen survive, first in the grid
        else:
            self.population = torch.randn(self.population.shape, generator=self.rng)
        self.generation += 1

    def check_picks(self, chosen) -> list[int]:
        """`chosen` as a list of distinct member numbers, or a clear InputError."""
        if torch.is_tensor(chosen):
            chosen = chosen.tolist()
        if isinstance(chosen, int) and not isinstance(chosen, bool):  # a single pick
            chosen = [chosen]
        if not isinstance(chosen, (list, tuple)):
            raise InputError(f"Picks must be a list of member numbers, such as [0, 5]; got {chosen!r}.")
        picks = [checks.whole_number(pick, "each pick", 0, self.size - 1) for pick in chosen]
        if len(set(picks)) != len(picks):
            raise InputError(f"Pick each member at most once; got {picks}.")
        return picks
