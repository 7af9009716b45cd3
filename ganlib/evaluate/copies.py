"""Creating or copying? The nearest training picture of each generated one, and where a
"near-copy" begins for a collection.

A generator that has learned its pictures by heart can hand one back. The check is the
plainest there is: for each generated picture, find the training picture with the
fewest differing pixels (the Euclidean distance between the two, pixel by pixel) and
ask whether it is suspiciously near.

Suspiciously near compared with what? Every collection is different: letters of two
typefaces can differ by a few strokes, two product photos by everything. So the line is
drawn from the collection itself: take some of its pictures, find each one's nearest
*other* picture, and call a generated picture a near-copy when it is nearer to a
training picture than all but the nearest 5% of real pairs are to each other. Two real
pictures that close are variations of one design; a generated picture that close is an
echo of one, not a new idea. (Exact duplicates are left out of a team's collection when
it is read, so they cannot pull the line down to zero.)
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ganlib import checks
from ganlib.errors import InputError

CHUNK = 250
"""Generated pictures compared with the whole collection at once (60 MB against 60,000 MNIST digits)."""

NEAR_SHARE = 0.05
"""A generated picture nearer to a training one than this share of real pairs are to each other is a near-copy."""

CALIBRATION_PICTURES = 2000
"""How many training pictures the near-copy line is measured on (their nearest other picture among all)."""


def nearest(queries: torch.Tensor, pool: torch.Tensor, k: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices (Q, k) and distances (Q, k) of the k rows of `pool` (N, D) nearest to each
    row of `queries` (Q, D)."""
    indices, distances = [], []
    for chunk in queries.split(CHUNK):  # a few hundred rows of the distance table at a time
        # cdist's fast matrix-product form is off by ~0.01 near zero, where copies are: it
        # picks a few candidates, then their distances are computed exactly.
        candidates = torch.cdist(chunk, pool).topk(min(k + 5, len(pool)), dim=1, largest=False).indices
        exact = (chunk.unsqueeze(1) - pool[candidates]).norm(dim=2)
        order = exact.topk(k, dim=1, largest=False)
        indices.append(candidates.gather(1, order.indices))
        distances.append(order.values)
    return torch.cat(indices), torch.cat(distances)


def near_copy_line(training_images: torch.Tensor, seed: int = 0) -> float:
    """The pixel distance under which a picture counts as a near-copy of `training_images`:
    the 5th percentile of the distances from up to 2,000 of them to their nearest other one."""
    pictures = _pictures(training_images, "training_images", at_least=2)
    pick = torch.randperm(len(pictures), generator=torch.Generator().manual_seed(checks.seed(seed)))
    pick = pick[:CALIBRATION_PICTURES]
    _, distances = nearest(pictures[pick], pictures, k=2)  # the first is each picture itself, at 0
    return torch.quantile(distances[:, 1], NEAR_SHARE).item()


@dataclass
class CopyCheck:
    """For each generated picture: the index of its nearest training picture (`nearest`),
    the pixel distance to it (`distance`), and whether that is nearer than `line`, the
    collection's near-copy line (`near_copy`)."""

    nearest: torch.Tensor
    distance: torch.Tensor
    line: float

    @property
    def near_copy(self) -> torch.Tensor:
        return self.distance < self.line


def copy_check(samples: torch.Tensor, training_images: torch.Tensor, line: float | None = None) -> CopyCheck:
    """Compare each of `samples` with its nearest picture among `training_images` (both
    (N, C, H, W) in [-1, 1], of the same size). `line` is the near-copy line; by default
    it is measured from the training images (`near_copy_line`): pass it once measured to
    check many batches against the same collection quickly."""
    samples = _pictures(samples, "samples")
    pool = _pictures(training_images, "training_images", at_least=2)
    if samples.shape[1:] != pool.shape[1:]:
        raise InputError(f"samples and training_images must be pictures of the same size to compare pixels; got "
                         f"{tuple(samples.shape[1:])} and {tuple(pool.shape[1:])}.")
    line = near_copy_line(training_images) if line is None else checks.number(line, "line", 0.0)
    index, distance = nearest(samples, pool)
    return CopyCheck(nearest=index[:, 0], distance=distance[:, 0], line=line)


def _pictures(images: torch.Tensor, name: str, at_least: int = 1) -> torch.Tensor:
    """A batch of pictures as rows of pixels (N, C·H·W), checked."""
    return checks.images(images, name, at_least=at_least).detach().cpu().flatten(1)
