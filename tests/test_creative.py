"""Latent paths, evolution, the explorer and provenance labels."""

from __future__ import annotations

import pytest
import torch

import ganlib
from ganlib.creative import latent
from ganlib.creative.evolution import Evolution, breed
from ganlib.creative.explorer import LatentExplorer
from ganlib.creative.provenance import read_label, save_labelled_png
from ganlib.gan.models import MLPGenerator


def vectors(n: int = 2, dim: int = 100, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, dim, generator=torch.Generator().manual_seed(seed))


def test_interpolations_start_and_end_at_the_given_points():
    a, b = vectors()
    for spherical in (False, True):
        path = latent.interpolate(a, b, 5, spherical=spherical)
        assert torch.allclose(path[0], a, atol=1e-5) and torch.allclose(path[-1], b, atol=1e-5)


def test_slerp_keeps_the_length_where_lerp_shrinks_it():
    a, b = vectors()
    b = b / b.norm() * a.norm()  # two points of equal length
    middle_straight = latent.lerp(a, b, torch.tensor([0.5]))[0].norm()
    middle_spherical = latent.slerp(a, b, torch.tensor([0.5]))[0].norm()
    assert middle_spherical == pytest.approx(a.norm().item(), rel=1e-4)
    assert middle_straight < 0.8 * a.norm()  # nearly orthogonal in 100-D: shorter by about 1/sqrt(2)


def test_random_walk_is_seeded_and_stays_at_the_typical_length():
    start = vectors(1)[0]
    walk = latent.random_walk(start, steps=6, seed=3)
    assert torch.equal(walk, latent.random_walk(start, steps=6, seed=3))
    assert torch.allclose(walk[1:].norm(dim=1), torch.full((5,), 10.0), atol=1e-4)


def test_a_direction_found_from_a_property_moves_that_property():
    ganlib.seed_everything(0)
    generator = MLPGenerator(hidden=(32,))
    direction = latent.direction_of(generator, latent.ink, n=500)
    z = vectors(8, seed=1)
    before = latent.ink(ganlib.generate(generator, z)).mean()
    after = latent.ink(ganlib.generate(generator, z + direction)).mean()
    assert after > before


def test_breeding_mixes_parents_and_mutates():
    parents = torch.stack([torch.full((100,), 1.0), torch.full((100,), -1.0)])
    rng = torch.Generator().manual_seed(0)
    children = breed(parents, 10, mutation=0.0, generator=rng)
    assert children.shape == (10, 100)
    assert ((children > 0).float().mean(dim=1) - 0.5).abs().max() < 0.25  # about half from each parent
    assert torch.allclose(children.norm(dim=1), torch.full((10,), 10.0), atol=1e-4)
    single = breed(parents[:1], 4, mutation=0.3, generator=rng)
    assert not torch.allclose(single[0], single[1])


def test_evolution_keeps_the_picks_and_records_them():
    evolution = Evolution(100, size=8, seed=0)
    picked = evolution.population[[2, 5]].clone()
    evolution.next_generation([2, 5])
    assert torch.equal(evolution.population[:2], picked) and evolution.generation == 1
    evolution.next_generation([])
    assert evolution.picks == [[2, 5], []] and evolution.population.shape == (8, 100)


def test_explorer_finds_ordered_directions_and_renders_them():
    ganlib.seed_everything(0)
    generator = MLPGenerator(hidden=(32, 64))
    explorer = LatentExplorer(generator, components=3, samples=500)
    assert explorer.directions.shape == (3, 32)
    assert explorer.explained == sorted(explorer.explained, reverse=True) and sum(explorer.explained) <= 1 + 1e-6
    z = vectors(1)
    unchanged = explorer.render(z, torch.zeros(1, 3))
    assert torch.allclose(unchanged, ganlib.generate(generator, z), atol=1e-5)
    assert not torch.allclose(explorer.render(z, torch.tensor([[2.0, 0, 0]])), unchanged)


def test_a_labelled_png_says_it_is_generated(tmp_path):
    path = save_labelled_png(torch.zeros(1, 28, 28), tmp_path / "idea.png", model="mlp_mnist", seed=7)
    label = read_label(path)
    assert label["generated"] is True and label["generator"] == "mlp_mnist" and label["seed"] == 7
    from PIL import Image

    Image.new("L", (4, 4)).save(tmp_path / "plain.png")
    assert read_label(tmp_path / "plain.png") is None
