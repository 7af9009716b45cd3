"""The metrics on cases with known answers, and the shipped classifier and generators."""

from __future__ import annotations

import json
import math

import pytest
import torch

import ganlib
from ganlib.data.letterforms import load_letterforms
from ganlib.evaluate import metrics
from ganlib.evaluate.classifier import WEIGHTS, accuracy, load_classifier, weights_path
from ganlib.evaluate.pretrained import load_snapshots
from ganlib.evaluate.recipes import SHIPPED


def gaussian_features(n: int, shift: float = 0.0, dims: int = 8, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, dims, generator=torch.Generator().manual_seed(seed)) + shift


def test_histogram_entropy_and_classifier_score_at_their_extremes():
    even = torch.eye(10).repeat(30, 1)  # 300 certain predictions, 30 per class
    assert metrics.histogram_entropy(metrics.class_histogram(even)) == pytest.approx(math.log2(10))
    assert metrics.classifier_score(even) == pytest.approx(10.0, rel=1e-4)
    one_class = torch.zeros(300, 10)
    one_class[:, 3] = 1
    assert metrics.histogram_entropy(metrics.class_histogram(one_class)) == 0.0
    assert metrics.classifier_score(one_class) == pytest.approx(1.0)
    assert metrics.confidence(torch.full((5, 10), 0.1)) == pytest.approx(0.1)


def test_identical_sets_are_at_distance_zero_with_full_precision_and_recall():
    features = gaussian_features(500)
    assert metrics.frechet_distance(features, features) == pytest.approx(0.0, abs=1e-3)
    figures = metrics.precision_recall_density_coverage(features, features.clone())
    assert figures["precision"] == 1.0 and figures["recall"] == 1.0 and figures["coverage"] == 1.0


def test_frechet_distance_of_shifted_gaussians_is_the_squared_shift():
    # Same covariance, means apart by 1.5 in each of 8 dimensions: distance = 8 · 1.5² = 18.
    real, fake = gaussian_features(20_000, seed=1), gaussian_features(20_000, shift=1.5, seed=2)
    assert metrics.frechet_distance(real, fake) == pytest.approx(18.0, rel=0.03)


def test_frechet_distance_agrees_with_torchmetrics():
    from torchmetrics.image.fid import FrechetInceptionDistance

    class Given(torch.nn.Module):  # hands torchmetrics the features as they are
        num_features = 16

        def forward(self, features: torch.Tensor) -> torch.Tensor:
            return features

    real = gaussian_features(3000, dims=16, seed=8)
    fake = gaussian_features(2000, shift=0.3, dims=16, seed=9) @ torch.randn(16, 16, generator=torch.Generator().manual_seed(10))
    reference = FrechetInceptionDistance(feature=Given())
    reference.update(real, real=True)
    reference.update(fake, real=False)
    assert metrics.frechet_distance(real, fake) == pytest.approx(reference.compute().item(), rel=1e-6)


def test_frechet_distance_sees_a_change_of_spread():
    # 1-D: N(0, 1) against N(0, 2²): (σ1 − σ2)² = 1.
    real, fake = gaussian_features(50_000, dims=1, seed=3), 2 * gaussian_features(50_000, dims=1, seed=4)
    assert metrics.frechet_distance(real, fake) == pytest.approx(1.0, rel=0.05)


def test_precision_and_recall_fall_apart_when_fakes_cover_part_of_the_data():
    real = gaussian_features(2000, dims=2, seed=5)
    narrow = 0.2 * gaussian_features(2000, dims=2, seed=6)  # inside the real cloud, but only its centre
    figures = metrics.precision_recall_density_coverage(real, narrow)
    assert figures["precision"] > 0.95 and figures["recall"] < 0.5 and figures["coverage"] < 0.5
    far = gaussian_features(2000, dims=2, shift=6.0, seed=7)
    assert metrics.precision_recall_density_coverage(real, far)["precision"] == 0.0


def test_images_of_the_wrong_shape_or_range_are_refused_clearly():
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        metrics.classify(torch.zeros(4, 28, 28))
    with pytest.raises(ValueError, match="x / 127.5 - 1"):
        metrics.classify(torch.full((4, 1, 28, 28), 255.0))


def test_a_copied_training_image_is_found_at_distance_zero(tiny_mnist):
    images, _ = ganlib.load_mnist(tiny_mnist)
    copies = images[[5, 17]]
    for space in ("pixel", "feature"):
        index, distance = metrics.nearest_training_images(copies, images, k=2, space=space)
        assert index[:, 0].tolist() == [5, 17]
        assert distance[:, 0].max() < 1e-3


@pytest.mark.mnist
def test_the_classifier_reaches_99_percent_on_the_test_set(mnist_root):
    images, labels = ganlib.load_mnist(mnist_root, train=False)
    measured = accuracy(load_classifier(), images, labels)
    assert measured >= 0.99
    recorded = json.loads(weights_path("mnist").with_suffix(".json").read_text())["test_accuracy"]
    assert measured == pytest.approx(recorded, abs=1e-4)


def test_the_letter_classifier_reads_typefaces_it_never_saw():
    letters = load_letterforms("test")
    measured = accuracy(load_classifier("letterforms"), letters.images, letters.letters)
    assert measured >= 0.9
    recorded = json.loads(weights_path("letterforms").with_suffix(".json").read_text())["test_accuracy"]
    assert measured == pytest.approx(recorded, abs=1e-4)


@pytest.fixture(scope="module")
def reference(mnist_root):
    return metrics.real_reference(2000, root=mnist_root)


@pytest.mark.mnist
def test_a_collapsed_generator_is_confident_but_covers_little(mnist_root, reference):
    images, labels = ganlib.load_mnist(mnist_root, train=True)
    ones = images[labels == 1][:2000]  # "samples" of a generator that only makes ones
    collapsed, healthy = metrics.score(ones, reference), metrics.score(images[:2000], reference)
    assert collapsed.confidence > 0.95 and collapsed.entropy_bits < 0.3
    assert collapsed.coverage < 0.2 and collapsed.recall < 0.2
    assert collapsed.frechet > 10 * healthy.frechet
    assert healthy.entropy_bits > 3.2 and healthy.coverage > 0.8


@pytest.mark.mnist
def test_the_pretrained_generator_is_scored_as_recorded(reference):
    made = ganlib.pretrained.record("mlp_mnist")
    samples = metrics.sample_generator(ganlib.pretrained.load_generator("mlp_mnist"), 2000, seed=1)
    figures = metrics.score(samples, reference)
    assert figures.entropy_bits > 3.0 and figures.confidence > 0.8
    assert 0 < made["figures"]["frechet"] < 100 and made["chosen_step"] in map(int, made["frechet_by_step"])


def test_snapshot_series_loads_as_images_in_range():
    snapshots = load_snapshots("mlp_mnist")
    steps = sorted(snapshots)
    assert steps[0] == 0 and len(steps) >= 5
    for images in snapshots.values():
        assert images.shape == (1000, 1, 28, 28) and images.min() >= -1 and images.max() <= 1


def test_shipped_weights_stay_small():
    total = sum(path.stat().st_size for path in WEIGHTS.iterdir())
    assert total < 15 * 2**20, f"ganlib/weights holds {total / 2**20:.1f} MB"


@pytest.mark.mnist
def test_read_as_asked_counts_the_samples_read_as_the_class_asked_for():
    images, labels = ganlib.load_mnist(train=False)
    in_turn = torch.cat([images[labels == digit][:50] for digit in range(10)]).view(10, 50, 1, 28, 28)
    obeying = in_turn.transpose(0, 1).reshape(500, 1, 28, 28)  # 0, 1, ..., 9, 0, 1, ...: as sample_generator asks
    assert metrics.read_as_asked(obeying, 10) > 0.95
    assert metrics.read_as_asked(obeying.roll(1, dims=0), 10) < 0.05  # every sample one digit off
    with pytest.raises(ganlib.InputError, match="classes"):
        metrics.read_as_asked(obeying, 1)


@pytest.mark.parametrize("name", list(SHIPPED))
def test_each_shipped_record_says_how_its_generator_was_made(name):
    made, record = SHIPPED[name], ganlib.pretrained.record(name)
    assert record["command"] == f"python -m ganlib train-pretrained {name}"
    assert (record["epochs"], record["seed"]) == (made.epochs, made.seed)
    for setting in ("batch_size", "lr", "ema_decay"):
        assert record[setting] == getattr(made.recipe, setting), setting
    assert tuple(record["betas"]) == made.recipe.betas
    assert record.get("loss", "non-saturating") == made.recipe.loss  # the records made before losses had a choice


def test_the_shipped_dcgan_trails_the_mlp_on_every_measure_but_recall_as_notebook_04_says():
    dcgan, mlp = (ganlib.pretrained.record(name) for name in ("dcgan_mnist", "mlp_mnist"))
    assert dcgan["figures"]["frechet"] > mlp["figures"]["frechet"]
    for measure in ("entropy_bits", "confidence", "classifier_score", "precision", "density", "coverage"):
        assert dcgan["figures"][measure] < mlp["figures"][measure], measure
    assert dcgan["figures"]["recall"] > mlp["figures"]["recall"]
    # "its Fréchet distance stayed between 24 and 30 from step 8,000 on"
    assert all(24 <= distance <= 30 for step, distance in dcgan["frechet_by_step"].items() if int(step) >= 8000)
    assert 8 <= mlp["figures"]["frechet"] <= 12  # "where the MLP's came down to about 10"
    assert (dcgan["epochs"], dcgan["loss"]) == (40, "hinge")


def test_the_generators_weights_as_notebook_04_counts_them():
    weights = {name: sum(p.numel() for p in ganlib.pretrained.load_generator(name).parameters())
               for name in ("dcgan_mnist", "mlp_mnist")}
    assert weights == {"dcgan_mnist": 356_385, "mlp_mnist": 1_486_352}


def test_the_shipped_conditional_generator_draws_the_digit_asked_for():
    assert ganlib.pretrained.record("conditional_mlp_mnist")["read_as_asked"] >= 0.95
