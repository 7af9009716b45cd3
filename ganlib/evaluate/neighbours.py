"""Nearest neighbours in the classifier's feature space: precision, recall, density, coverage.

Around every real feature vector, draw a ball reaching to its k-th nearest real
neighbour; the union of the balls approximates the "manifold" of real digits (likewise
for fakes). Counting who lies in whose balls gives four figures:

* precision: share of fakes inside the real manifold (k = 3), Kynkäänniemi et al. 2019;
* recall:    share of reals inside the fake manifold (k = 3);
* density:   mean number of real balls (k = 5) a fake lies in, divided by k, Naeem et al. 2020;
* coverage:  share of real balls (k = 5) that contain at least one fake.

Precision asks "are the fakes realistic?", recall "is every kind of real digit produced?".
"""

from __future__ import annotations

import torch

from ganlib import checks
from ganlib.errors import InputError

BATCH = 1000  # rows of the distance table computed at once: fast, and light on memory


def check_features(real_features, fake_features, at_least: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Two sets of feature vectors (N, D) of the same D, finite, at least `at_least` in each
    (what `metrics.classify(images).features` gives); else a clear InputError."""
    checked = []
    for name, features in (("real_features", real_features), ("fake_features", fake_features)):
        features = checks.tensor(features, name)
        if features.dim() != 2 or len(features) < at_least:
            raise InputError(
                f"{name} must be feature vectors (N, D), such as metrics.classify(images).features, with N at least "
                f"{at_least}; got shape {tuple(features.shape)}. Score 1,000 samples or more (10,000 is usual)."
            )
        checked.append(checks.finite(features.float(), name))
    if checked[0].shape[1] != checked[1].shape[1]:
        raise InputError(f"The two sets of features differ in size: {checked[0].shape[1]} and {checked[1].shape[1]}.")
    return checked[0], checked[1]


def kth_neighbour_distance(points: torch.Tensor, k: int) -> torch.Tensor:
    """For each point, the distance to its k-th nearest *other* point of the same set."""
    k = checks.whole_number(k, "k", 1)
    if len(points) <= k:
        raise InputError(f"The k-nearest-neighbour figures with k = {k} need at least {k + 1} samples in each set; "
                         f"got {len(points)}. Score 1,000 samples or more for stable figures.")
    radii = []
    for chunk in points.split(BATCH):
        distances = torch.cdist(chunk, points)
        radii.append(distances.topk(k + 1, dim=1, largest=False).values[:, k])  # [0] is the point itself
    return torch.cat(radii)


def _inside_counts(queries: torch.Tensor, centres: torch.Tensor, radii: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """For each query, in how many balls (centre, radius) it lies; for each ball, whether
    any query lies in it."""
    per_query, ball_hit = [], torch.zeros(len(centres), dtype=torch.bool)
    for chunk in queries.split(BATCH):
        inside = torch.cdist(chunk, centres) <= radii
        per_query.append(inside.sum(dim=1))
        ball_hit |= inside.any(dim=0)
    return torch.cat(per_query), ball_hit


def precision_recall_density_coverage(
    real_features: torch.Tensor, fake_features: torch.Tensor, k_pr: int = 3, k_dc: int = 5
) -> dict[str, float]:
    """The four figures of the module's docstring, each in [0, 1] (density can exceed 1)."""
    k_pr, k_dc = checks.whole_number(k_pr, "k_pr", 1), checks.whole_number(k_dc, "k_dc", 1)
    real_features, fake_features = check_features(real_features, fake_features, at_least=max(k_pr, k_dc) + 1)
    real_pr = kth_neighbour_distance(real_features, k_pr)
    fake_pr = kth_neighbour_distance(fake_features, k_pr)
    fakes_in_real, _ = _inside_counts(fake_features, real_features, real_pr)
    reals_in_fake, _ = _inside_counts(real_features, fake_features, fake_pr)
    real_dc = kth_neighbour_distance(real_features, k_dc)
    balls_per_fake, real_ball_hit = _inside_counts(fake_features, real_features, real_dc)
    return {
        "precision": (fakes_in_real > 0).float().mean().item(),
        "recall": (reals_in_fake > 0).float().mean().item(),
        "density": balls_per_fake.float().mean().item() / k_dc,
        "coverage": real_ball_hit.float().mean().item(),
    }
