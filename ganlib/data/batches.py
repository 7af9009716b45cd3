"""Batches without a DataLoader: an endless, seeded, resumable stream from memory.

The whole MNIST training set is 60,000 images of 28 × 28 bytes; as float32 it is 188 MB,
small enough to keep in one tensor. `ShuffledBatches` serves batches by indexing that
tensor with a seeded permutation. No per-image PIL transform runs inside the training
loop, which is where a plain DataLoader spends most of a small GAN's time on a CPU.
"""

from __future__ import annotations

import torch

from ganlib import checks
from ganlib.errors import InputError


class ShuffledBatches:
    """An endless stream of shuffled mini-batches, drawn from tensors held in memory.

    Each epoch draws a fresh permutation of the N examples from its own seeded random
    number generator and serves them `batch_size` at a time; the last incomplete batch
    of an epoch is dropped, so every batch has the same size. With `labels`, each item
    is an `(images, labels)` pair, as a DataLoader over a TensorDataset would give.

    The stream's position can be saved and restored (`state_dict`, `load_state_dict`),
    so a resumed training run sees exactly the batches it would have seen.

    >>> batches = ShuffledBatches(torch.zeros(10, 1, 28, 28), batch_size=4, seed=0)
    >>> next(batches).shape
    torch.Size([4, 1, 28, 28])
    """

    def __init__(
        self,
        images: torch.Tensor,
        batch_size: int = 64,
        seed: int = 0,
        labels: torch.Tensor | None = None,
    ) -> None:
        images = checks.tensor(images, "images")
        if images.dim() == 0 or len(images) == 0:
            raise InputError("ShuffledBatches needs at least one example; the images are empty.")
        batch_size = checks.whole_number(batch_size, "batch_size", 1, len(images))
        seed = checks.whole_number(seed, "seed", 0)
        if labels is not None:
            labels = checks.tensor(labels, "labels")
            if labels.dim() == 0 or len(labels) != len(images):
                raise InputError(f"labels must hold one label per image ({len(images)}); got shape {tuple(labels.shape)}.")
        self.images = images
        self.labels = labels
        self.batch_size = batch_size
        self.steps_per_epoch = len(images) // batch_size
        self.epoch = 0
        self._rng = torch.Generator().manual_seed(seed)
        self._start_new_epoch()

    def _start_new_epoch(self) -> None:
        self._epoch_rng_state = self._rng.get_state()  # enough to redraw this permutation
        self._order = torch.randperm(len(self.images), generator=self._rng)
        self._position = 0

    def __iter__(self) -> ShuffledBatches:
        return self

    def __next__(self) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        if self._position >= self.steps_per_epoch:
            self.epoch += 1
            self._start_new_epoch()
        start = self._position * self.batch_size
        index = self._order[start : start + self.batch_size]
        self._position += 1
        if self.labels is None:
            return self.images[index]
        return self.images[index], self.labels[index]

    def state_dict(self) -> dict:
        """Where the stream is: epoch, batch within the epoch, and the shuffling RNG, with
        the batch size and the number of examples that the position counts in."""
        return {"epoch": self.epoch, "position": self._position, "rng": self._epoch_rng_state,
                "batch_size": self.batch_size, "examples": len(self.images)}

    def load_state_dict(self, state: dict) -> None:
        """Continue from a `state_dict()`: the same permutation, at the same place in it.

        With another batch size than the saved one, the stream goes on from the same image
        of the epoch (rounded down to a whole batch); with another number of examples (the
        data changed), a new epoch starts. Either way it says so.
        """
        if not isinstance(state, dict) or not {"epoch", "position", "rng"} <= set(state):
            raise InputError("This is not the saved position of ShuffledBatches (it was saved from another kind "
                             "of batches): resume with the same kind of batches, or leave them out.")
        self._rng.set_state(state["rng"])
        self._start_new_epoch()
        self.epoch = state["epoch"]
        saved_batch_size = state.get("batch_size", self.batch_size)
        examples = state.get("examples", len(self.images))
        if examples != len(self.images):
            print(f"The data has {len(self.images):,} examples where the saved run had {examples:,}: "
                  "the batches start a new epoch.")
            self.epoch += 1
            self._start_new_epoch()
            return
        self._position = state["position"] * saved_batch_size // self.batch_size
        if saved_batch_size != self.batch_size:
            print(f"The batch size changed from {saved_batch_size} to {self.batch_size}: the batches go on "
                  "from the same place in the epoch.")
