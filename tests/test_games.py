"""The comparison of the games on MNIST: every game's recipe trains, saves and loads back
under its own name, keeps its game through the shipped history, and says what it changes."""

from __future__ import annotations

import pytest

import ganlib
from ganlib.errors import InputError
from ganlib.evaluate import games, metrics, stability


def test_each_game_is_one_change_to_the_baseline_said_as_a_reader_would_write_it():
    said = {name: stability.changes(recipe) for name, recipe in games.GAMES.items()}
    assert said["baseline"] == "nothing: notebook 03's recipe"
    assert said["hinge"] == "loss='hinge'"
    assert said["spectral norm"] == "discriminator=MLPDiscriminator(spectral_norm=True)"
    assert said["Wasserstein-GP"] == "loss='wasserstein', gp_weight=10.0, critic_steps=5"


def test_the_games_run_save_and_load_back_under_their_own_name(tmp_path, mnist_root):
    images, _ = ganlib.load_mnist(mnist_root)
    made = games.run_all(images[:2000], metrics.real_reference(100, mnist_root), steps=4, seeds=(0,), samples=100)
    stability.save(made, tmp_path, name=games.NAME)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["game_experiments.json", "game_experiments.pt"]
    loaded = stability.load_shipped(tmp_path, name=games.NAME)
    assert list(loaded.scores) == list(games.GAMES) and loaded.record["command"] == games.COMMAND
    assert loaded.outcomes["Wasserstein-GP"].history.loss == "wasserstein"
    assert loaded.outcomes["hinge"].history.loss == "hinge" and loaded.outcomes["baseline"].history.loss == "non-saturating"
    assert loaded.frechet("R1 penalty") == pytest.approx(made.frechet("R1 penalty"))
    table = stability.table(loaded, list(games.GAMES), games.GAMES)
    assert "MLPDiscriminator(spectral_norm=True)" in table and table.count("\n") == len(games.GAMES)


def test_experiments_not_made_yet_say_how_to_make_them(tmp_path):
    with pytest.raises(InputError, match="python -m ganlib game-experiments"):
        stability.load_shipped(tmp_path, name=games.NAME)
    with pytest.raises(InputError, match="n must be a whole number"):
        ganlib.History().every(0)
