"""Notebook 09's experiments (ganlib.workbook.lesson09): what each one measures, checked
where the answer is known by hand, and its lesson at a small size."""

from __future__ import annotations

import math

import torch
from matplotlib.figure import Figure
from torch import nn

from ganlib.data import toy
from ganlib.gan.game import make_toy_gan
from ganlib.gan.losses import discriminator_loss
from ganlib.workbook import lesson09


def test_train_alone_teaches_d_to_separate_without_touching_g():
    gan = make_toy_gan(1, hidden=(16,), seed=0)
    g_before = [p.clone() for p in gan.generator.parameters()]
    real, fake = toy.gaussian(0.0, 0.2), toy.gaussian(2.0, 0.2)
    rng = torch.Generator().manual_seed(0)
    lesson09.train_alone(gan, real, fake, 150, rng)
    with torch.no_grad():
        loss = discriminator_loss(gan.discriminator(real.sample(512, rng)), gan.discriminator(fake.sample(512, rng)))
    assert loss.item() < 0.5 * math.log(2)
    assert all(torch.equal(a, b) for a, b in zip(g_before, gan.generator.parameters()))


def test_push_on_fakes_is_the_slope_of_gs_loss_at_each_fake():
    """For a critic score w·x, the Wasserstein generator loss -mean score pushes every fake by |w|."""
    critic = nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        critic.weight.copy_(torch.tensor([[3.0, 4.0]]))
    assert lesson09.push_on_fakes(lambda x: critic(x).squeeze(1), torch.randn(10, 2), "wasserstein") == \
        torch.tensor(5.0).item()


def test_slope_map_of_a_plane_is_its_gradients_length_everywhere():
    plane = nn.Linear(2, 1)
    with torch.no_grad():
        plane.weight.copy_(torch.tensor([[3.0, -4.0]]))
    slopes = lesson09.slope_map(lambda x: plane(x).squeeze(1), toy.ring(), "plane", 0, points=11)
    assert slopes.map.shape == (11, 11)
    torch.testing.assert_close(slopes.map, torch.full((11, 11), 5.0))
    assert slopes.largest == slopes.median == slopes.at_real == 5.0


def test_the_critic_measures_distance_where_the_2014_discriminator_cannot():
    near, far = lesson09.separated_bumps((1, 4), steps=300)
    assert near.critic_estimate < far.critic_estimate  # the estimate grows with the distance
    assert 0.5 <= far.critic_push <= 2.0  # the penalty holds the critic's slope near 1
    assert far.d_loss < near.d_loss and far.minimax_push < near.minimax_push  # D wins, minimax fades
    assert "distance" in lesson09.separation_table([near, far]).splitlines()[0]
    assert isinstance(lesson09.plot_separation(far), Figure)


def test_spectral_normalisation_keeps_the_slope_below_one_and_a_plain_d_steepens():
    measured = lesson09.slopes_on_ring({"plain": {}, "SN": {"spectral_norm": True}}, checkpoints=(20, 200))
    assert [(s.name, s.steps) for s in measured] == [("plain", 20), ("plain", 200), ("SN", 20), ("SN", 200)]
    plain_early, plain_late, _, sn_late = measured
    assert plain_late.largest > plain_early.largest and plain_late.largest > 1
    assert sn_late.largest <= 1.05
    assert len(lesson09.slopes_table(measured).splitlines()) == 5
    assert len(lesson09.plot_slopes(measured).axes) == 3  # two maps and their colour bar


def test_ring_games_train_each_game_with_each_seed():
    runs = lesson09.ring_games({"2014": {}, "critic": {"loss": "wasserstein", "gp_weight": 0.1, "critic_steps": 2}},
                               steps=30, seeds=(0, 1))
    assert [[(run.game, run.seed) for run in game_runs] for game_runs in runs.values()] == \
        [[("2014", 0), ("2014", 1)], [("critic", 0), ("critic", 1)]]
    assert all(run.samples.shape == (1000, 2) and 0 <= run.covered <= 8 for game_runs in runs.values()
               for run in game_runs)
    again = lesson09.ring_games({"2014": {}}, steps=30, seeds=(0,))
    assert torch.equal(again["2014"][0].samples, runs["2014"][0].samples)  # seeded: repeatable
    assert len(lesson09.ring_table(runs).splitlines()) == 3
    assert len(lesson09.plot_ring_games(runs).axes) == 4
