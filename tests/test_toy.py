"""Toy Gaussian mixtures: seeded samples and exact densities."""

from __future__ import annotations

import math

import pytest
import torch

from ganlib.data.toy import ToyBatches, mixture_1d, ring, square


def test_samples_are_seeded_and_shaped():
    dist = mixture_1d()
    a = dist.sample(500, torch.Generator().manual_seed(0))
    b = dist.sample(500, torch.Generator().manual_seed(0))
    assert a.shape == (500, 1) and torch.equal(a, b)


def test_1d_density_integrates_to_one_and_matches_the_samples():
    dist = mixture_1d()
    x = torch.linspace(-6, 6, 4001).unsqueeze(1)
    p = dist.density(x)
    assert torch.trapezoid(p, x.squeeze(1)).item() == pytest.approx(1.0, abs=1e-4)
    samples = dist.sample(200_000, torch.Generator().manual_seed(1))
    share_left = (samples < -1).float().mean().item()  # the first bump holds weight 0.3
    assert share_left == pytest.approx(0.3, abs=0.01)


def test_2d_density_integrates_to_one():
    for dist in (ring(), square()):
        ticks = torch.linspace(-3.5, 3.5, 701)
        points = torch.cartesian_prod(ticks, ticks)
        cell = (ticks[1] - ticks[0]).item() ** 2
        assert (dist.density(points).sum() * cell).item() == pytest.approx(1.0, abs=1e-3)


def test_ring_and_square_place_their_modes():
    assert torch.allclose(ring(modes=8, radius=2).means.norm(dim=1), torch.full((8,), 2.0))
    means = square(side=5, spacing=1.0).means
    assert means.shape == (25, 2) and means.min() == -2 and means.max() == 2
    assert math.isclose(ring(modes=6).weights.sum().item(), 1.0, rel_tol=1e-6)


def test_toy_batches_resume_from_their_state():
    batches = ToyBatches(ring(), batch_size=16, seed=4)
    next(batches)
    state = batches.state_dict()
    expected = next(batches)
    again = ToyBatches(ring(), batch_size=16, seed=0)
    again.load_state_dict(state)
    assert torch.equal(next(again), expected)
