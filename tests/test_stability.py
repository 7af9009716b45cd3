"""Notebook 04's experiments: the shipped multi-seed results, the verdicts drawn from them,
the learning curves of Part 2, and their pictures."""

from __future__ import annotations

import pytest
import torch

import ganlib
from ganlib.errors import InputError
from ganlib.evaluate import experiments, metrics, stability
from ganlib.evaluate.recipes import Recipe
from ganlib.gan.models import DCGANDiscriminator, DCGANGenerator
from ganlib.pictures.scores import plot_learning_curves, plot_outcomes


def scores_with(frechet: float) -> metrics.Scores:
    return metrics.Scores(2000, 3.3, 0.9, 9.0, frechet, 0.8, 0.8, 0.9, 0.9, [200] * 10)


def shipped_with(frechet: dict[str, list[float]]) -> stability.Shipped:
    return stability.Shipped({name: [scores_with(v) for v in values] for name, values in frechet.items()}, {},
                             {"seeds": [0, 1, 2], "steps": 2400, "samples": 2000})


def test_a_trick_counts_only_when_all_its_seeds_leave_the_baseline_band_on_one_side():
    shipped = shipped_with({"baseline": [30, 34, 36], "better": [20, 25, 29], "worse": [40, 90, 37],
                            "overlapping": [20, 25, 31], "both sides": [20, 40, 50]})
    assert shipped.baseline_band() == (30, 36)
    assert [shipped.verdict(name) for name in ("better", "worse", "overlapping", "both sides")] == [
        "better", "worse", "within the noise", "within the noise"]


def test_changes_names_what_a_recipe_changes_in_the_baseline():
    assert stability.changes(Recipe()) == "nothing: notebook 03's recipe"
    assert stability.changes(Recipe(real_label=0.9)) == "real_label=0.9"
    assert stability.changes(stability.TRICKS["Adam beta1 0.5, lr 2e-4"]) == "lr=0.0002, betas=(0.5, 0.99)"
    dcgan = Recipe(DCGANGenerator, DCGANDiscriminator)  # another baseline: only what differs from it is named
    assert stability.changes(Recipe(DCGANGenerator, DCGANDiscriminator, loss="hinge"), dcgan) == "loss='hinge'"


def test_the_shipped_experiments_hold_every_recipe_and_seed():
    shipped = stability.load_shipped()
    seeds = shipped.record["seeds"]
    assert list(shipped.scores) == [*stability.TRICKS, *stability.FAILURES]
    assert len(seeds) >= 3 and shipped.record["steps"] == stability.STEPS
    for name, runs in shipped.scores.items():
        assert len(runs) == len(seeds) and all(run.samples == shipped.record["samples"] for run in runs), name
        outcome = shipped.outcomes[name]
        assert outcome.samples.shape == (stability.KEPT_SAMPLES, 1, 28, 28) and outcome.steps == stability.STEPS
        assert outcome.samples.min() >= -1 and outcome.samples.max() <= 1
        assert outcome.history.step[-1] == stability.STEPS and outcome.scores.frechet == runs[0].frechet


def test_run_all_saves_and_loads_back_both_files_together(monkeypatch, tmp_path, mnist_root):
    monkeypatch.setattr(stability, "TRICKS", {"baseline": Recipe(), "no weight averaging": Recipe(ema_decay=0.0)})
    monkeypatch.setattr(stability, "FAILURES", {"data in [0, 1]": Recipe(data_in_zero_one=True)})
    images, _ = ganlib.load_mnist(mnist_root)
    made = stability.run_all(images[:2000], metrics.real_reference(100, mnist_root), steps=8, seeds=(0, 1), samples=100)
    stability.save(made, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stability_experiments.json", "stability_experiments.pt"]
    loaded = stability.load_shipped(tmp_path)
    assert loaded.frechet("baseline") == pytest.approx(made.frechet("baseline"))
    assert loaded.record["steps"] == 8 and loaded.record["seeds"] == [0, 1]
    assert len(loaded.outcomes["baseline"].history) == 8 // stability.HISTORY_EVERY
    assert torch.allclose(loaded.outcomes["baseline"].samples, made.outcomes["baseline"].samples[:25], atol=1 / 127)
    line = loaded.beside_shipped(made.outcomes["baseline"])
    assert line.startswith("your run: Fréchet distance") and "not comparable" not in line


def test_a_run_of_another_length_is_not_compared_with_the_shipped_runs():
    shipped = shipped_with({"baseline": [30, 34, 36]})
    run = experiments.Outcome("baseline", 20, 1.0, ganlib.History(), torch.zeros(1, 1, 28, 28),
                              scores_with(900.0))
    assert "not comparable with the shipped seeds of 'baseline': 30.0 to 36.0 (after 2,400 steps" in \
        shipped.beside_shipped(run)


def test_learning_curves_score_both_recipes_at_the_same_steps(mnist_root):
    images, _ = ganlib.load_mnist(mnist_root)
    recipes = {"MLP": Recipe(), "small batches": Recipe(batch_size=16)}
    curves = experiments.learning_curves(recipes, images[:2000], metrics.real_reference(100, mnist_root),
                                         steps={"MLP": 12, "small batches": 20}, score_every=5, samples=100)
    assert curves["MLP"].steps == [0, 5, 10, 12] and curves["small batches"].steps == [0, 5, 10, 15, 20]
    for curve in curves.values():
        assert curve.seconds == sorted(curve.seconds) and curve.seconds_per_step == curve.seconds[-1] / curve.steps[-1]
        assert len(curve.frechet) == len(curve.steps) and curve.samples.shape[1:] == (1, 28, 28)
    mlp = curves["MLP"]
    assert mlp.seconds[0] == 0 and mlp.frechet[0] > mlp.frechet[-1]  # the untrained start, then training
    assert mlp.frechet_at_step(5) == mlp.frechet[1]
    with pytest.raises(InputError, match="scored at steps"):
        mlp.frechet_at_step(7)
    assert mlp.last_scored_within(mlp.seconds[2]) == (10, mlp.frechet[2])
    assert mlp.last_scored_within(mlp.seconds[-1] + 60) == (12, mlp.frechet[-1])
    assert mlp.last_scored_within(mlp.seconds[1] / 2) == (0, mlp.frechet[0])
    figure = plot_learning_curves(curves)
    assert len(figure.axes) == 2 and figure.axes[1].lines[-1].get_xdata()[0] == min(c.seconds[-1] for c in curves.values())


def test_learning_curves_need_a_budget_of_steps_for_every_recipe(mnist_root):
    images, _ = ganlib.load_mnist(mnist_root)
    with pytest.raises(InputError, match="steps must give every recipe its budget, such as {'MLP': 1000, 'DCGAN': 1000}"):
        experiments.learning_curves({"MLP": Recipe(), "DCGAN": Recipe()}, images[:100], metrics.real_reference(100, mnist_root),
                                    steps={"MLP": 10})


def test_outcomes_are_drawn_four_to_a_row_with_readable_titles():
    outcomes = {f"run {i}": experiments.Outcome(f"run {i}", 1, 1.0, ganlib.History(),
                                                torch.zeros(16, 1, 28, 28), scores_with(30.0)) for i in range(9)}
    figure = plot_outcomes(outcomes, per_run=16, title="shipped")
    assert len(figure.axes) == 9 and figure.get_figwidth() == pytest.approx(10)
    assert {ax.get_subplotspec().get_geometry()[:2] for ax in figure.axes} == {(3, 4)}
    assert all(ax.title.get_fontsize() >= 10 for ax in figure.axes)


def test_the_worst_trick_check_asks_for_the_worst_best_run():
    shipped = shipped_with({name: [30, 31, 32] for name in stability.TRICKS} | {"Adam beta1 0.9": [900, 1100, 1300],
                                                                              "no weight averaging": [80, 2000, 90]})
    assert ganlib.exercises.check_04_worst_trick("Adam beta1 0.9", shipped).passed
    assert not ganlib.exercises.check_04_worst_trick("no weight averaging", shipped).passed


def test_many_runs_curves_go_one_run_to_a_row_to_stay_readable():
    from ganlib.pictures.training import compare_histories

    history = ganlib.History()
    for step in range(1, 61):
        history.append(step, step / 10, {"d_loss": 0.7, "g_loss": 0.8, "d_real": 0.6, "d_fake": 0.4})
    few, many = (compare_histories({f"run {i}": history for i in range(n)}, smooth=5) for n in (3, 5))
    assert len(few.axes) == 6 and len(many.axes) == 10 and many.get_figwidth() == pytest.approx(10)
    assert [ax.get_title() for ax in many.axes[:2]] == ["run 0: losses", "run 0: D's verdicts"]
