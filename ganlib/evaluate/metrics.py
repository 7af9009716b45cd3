"""Judging a generator with numbers: a small MNIST classifier and what it measures.

Looking at samples is the first judge, but eyes are slow and forgiving. The standard
trick is to let a trained classifier look instead: its verdicts and its internal
features describe thousands of samples in seconds.

The classifier is the LeNet-style network of `ganlib.evaluate.classifier`; `classify`
runs it over a set of images. From what it sees:

* **class histogram** (coverage of the ten digits) and its **entropy** in bits: log2(10)
  = 3.32 bits when all ten digits are equally common, 0 when only one digit appears;
* **confidence**: the mean probability of the top class, high when digits are legible;
* **classifier score**: the inception-score formula, exp(E_x KL(p(y|x) || p(y))), with
  this classifier: up to 10 for confident samples spread evenly over ten classes;
* **Fréchet distance** between the Gaussians fitted to real and generated features in
  the classifier's penultimate layer (the FID recipe, with this classifier instead of
  Inception): 0 for identical statistics, larger is worse;
* **precision and recall** (improved k-NN version, k = 3) and **density and coverage**
  (k = 5) in the same feature space (`ganlib.evaluate.neighbours`);
* the **nearest training images** of a sample, to ask "new, or a copy?".

Numbers mean little without a yardstick, so `real_floor` gives the same figures for real
MNIST against real MNIST (training images against test images, same count): the best
any generator can hope for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import torch
from torch import nn

from ganlib import checks
from ganlib.data.mnist import load_mnist
from ganlib.errors import InputError
from ganlib.evaluate.classifier import RECIPES, load_classifier
from ganlib.evaluate.copies import nearest
from ganlib.evaluate.neighbours import BATCH, check_features, precision_recall_density_coverage
from ganlib.gan.game import generate


@dataclass
class Classified:
    """What the classifier sees in a set of images: class probabilities and features."""

    probabilities: torch.Tensor  # (N, 10)
    features: torch.Tensor  # (N, 128)


@torch.no_grad()
def classify(images: torch.Tensor, classifier: str = "mnist") -> Classified:
    """Run the classifier over `images` in [-1, 1], a batch at a time: "mnist" for digits
    (N, 1, 28, 28), "letterforms" for letters (N, 1, 32, 32)."""
    images = check_images(images, classifier=classifier)
    classifier = load_classifier(classifier)
    probabilities, features = [], []
    for batch in images.split(BATCH):
        batch_features = classifier.features(batch.float().cpu())
        features.append(batch_features)
        probabilities.append(torch.softmax(classifier.head(batch_features), dim=1))
    return Classified(torch.cat(probabilities), torch.cat(features))


def check_images(images: torch.Tensor, at_least: int = 1, name: str = "images", classifier: str = "mnist") -> torch.Tensor:
    """`images` as float32, if they have the shape the classifier reads ((N, 1, 28, 28) for
    MNIST), are finite and in [-1, 1]; else a clear InputError (NaN, for one, is the mark
    of a diverged generator)."""
    size = RECIPES[checks.one_of(classifier, "the classifier", tuple(RECIPES))]["size"]
    return checks.images(images, name, shape=(1, size, size), at_least=at_least)


# --- the figures ------------------------------------------------------------------------


def class_histogram(probabilities: torch.Tensor) -> torch.Tensor:
    """How many samples the classifier assigns to each class, digits 0-9 or letters A-Z
    (its top class)."""
    if isinstance(probabilities, Classified):
        probabilities = probabilities.probabilities
    probabilities = checks.tensor(probabilities, "probabilities")
    if probabilities.dim() != 2 or probabilities.shape[1] < 2:
        raise InputError(f"Expected class probabilities (N, classes), such as classify(images).probabilities; "
                         f"got shape {tuple(probabilities.shape)}.")
    return torch.bincount(probabilities.argmax(dim=1), minlength=probabilities.shape[1])


def histogram_entropy(counts: torch.Tensor) -> float:
    """Entropy in bits of the class histogram: 3.32 for ten equal classes, 0 for one."""
    shares = counts.float() / counts.sum()
    shares = shares[shares > 0]
    return float(-(shares * shares.log2()).sum())


def confidence(probabilities: torch.Tensor) -> float:
    """Mean probability of the top class: how sure the classifier is, i.e. legibility."""
    return probabilities.max(dim=1).values.mean().item()


def classifier_score(probabilities: torch.Tensor) -> float:
    """exp(mean KL(p(y|x) || p(y))): high when each sample is one clear digit and the
    digits are spread over all classes. 1 at worst, 10 at best."""
    marginal = probabilities.mean(dim=0, keepdim=True)
    kl = (probabilities * (probabilities.clamp_min(1e-12).log() - marginal.clamp_min(1e-12).log())).sum(dim=1)
    return math.exp(kl.mean().item())


def frechet_distance(real_features: torch.Tensor, fake_features: torch.Tensor) -> float:
    """||mu_r - mu_f||^2 + Tr(S_r + S_f - 2 (S_r S_f)^(1/2)): the FID formula.

    Each set of features (N, 128) is summarised by its mean mu and covariance S, as if it
    were a Gaussian; the distance between the two Gaussians is 0 only if both match. The
    first term compares the centres, the rest the spreads. Tr((S_r S_f)^(1/2)) is the sum
    of the square roots of the eigenvalues of S_r S_f, which are real and at least 0 for
    two covariance matrices (up to rounding, hence `.real`). Computed in float64, as the
    reference implementations do.

    A covariance needs at least two samples, and NaN or infinite features would make the
    eigenvalue routine fail (a crash of the whole process, in some linear-algebra
    libraries), so both are refused first.
    """
    real_features, fake_features = check_features(real_features, fake_features, at_least=2)  # a covariance needs 2
    mean_real, cov_real = _mean_and_covariance(real_features)
    mean_fake, cov_fake = _mean_and_covariance(fake_features)
    cross = torch.linalg.eigvals(cov_real @ cov_fake).sqrt().real.sum()
    distance = (mean_real - mean_fake).square().sum() + cov_real.trace() + cov_fake.trace() - 2 * cross
    return max(0.0, distance.item())  # tiny negative values are rounding noise


def _mean_and_covariance(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean (D,) and covariance (D, D) of N feature vectors (N, D), in float64."""
    features = features.double()
    mean = features.mean(dim=0)
    centred = features - mean
    return mean, centred.T @ centred / (len(features) - 1)


@dataclass
class Scores:
    """All figures for one set of samples, measured against MNIST test images."""

    samples: int
    entropy_bits: float
    confidence: float
    classifier_score: float
    frechet: float
    precision: float
    recall: float
    density: float
    coverage: float
    class_counts: list[int]

    def row(self) -> dict[str, float]:
        """The single-number figures, for a table."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("class_counts", "samples")}


MIN_SCORED = 6
"""The fewest samples `score` accepts: density and coverage look at each point's 5 nearest
neighbours. Far more are needed for figures worth comparing: 1,000 at least, 10,000 usually."""


def score(images: torch.Tensor, reference: Classified, classifier: str = "mnist") -> Scores:
    """Every figure for `images`, against the real `reference` (usually `real_reference()`),
    as `classifier` ("mnist" or "letterforms") sees them."""
    images = check_images(images, at_least=MIN_SCORED, classifier=classifier)
    if not isinstance(reference, Classified):
        raise InputError("reference must be what the classifier sees in real images: metrics.real_reference().")
    seen = classify(images, classifier)
    counts = class_histogram(seen.probabilities)
    return Scores(
        samples=len(images),
        entropy_bits=histogram_entropy(counts),
        confidence=confidence(seen.probabilities),
        classifier_score=classifier_score(seen.probabilities),
        frechet=frechet_distance(reference.features, seen.features),
        **precision_recall_density_coverage(reference.features, seen.features),
        class_counts=counts.tolist(),
    )


def real_reference(n: int | None = None, root=None) -> Classified:
    """What the classifier sees in the first `n` MNIST test images (all 10,000 if not
    given): the yardstick."""
    images, _ = load_mnist(root, train=False)
    n = len(images) if n is None else checks.whole_number(n, "n", MIN_SCORED, len(images))
    return classify(images[:n])


def real_floor(n: int = 10_000, root=None, seed: int = 0, training_images: torch.Tensor | None = None) -> Scores:
    """The figures of `n` random real training images against `n` test images: the best a
    generator can hope for with this many samples (a Fréchet distance is never 0 between
    two finite samples, even of the same data). Pass `training_images` if they are
    loaded already, so that they are not loaded a second time."""
    if training_images is None:
        training_images, _ = load_mnist(root, train=True)
    training_images = check_images(training_images, name="training_images")
    n = checks.whole_number(n, "n", MIN_SCORED, len(training_images))
    pick = torch.randperm(len(training_images), generator=torch.Generator().manual_seed(checks.seed(seed)))[:n]
    return score(training_images[pick], real_reference(n, root))


def sample_generator(generator: nn.Module, n: int = 10_000, seed: int = 0) -> torch.Tensor:
    """`n` samples of `generator` from seeded noise, on the CPU. A conditional generator
    is asked for its classes in turn (0, 1, 2, ..., 0, 1, ...), as many of each."""
    n = checks.whole_number(n, "n", 1)
    if not isinstance(generator, nn.Module) or not hasattr(generator, "latent_dim"):
        raise InputError(f"sample_generator draws with a generator network (such as pretrained.load_generator"
                         f'("mlp_mnist"), or gan.sampler); got {type(generator).__name__}.')
    z = torch.randn(n, generator.latent_dim, generator=torch.Generator().manual_seed(checks.seed(seed)))
    classes = getattr(generator, "classes", None)
    labels = None if classes is None else classes_in_turn(n, classes)
    chunks = range(0, n, BATCH)
    return torch.cat([
        generate(generator, z[i : i + BATCH], None if labels is None else labels[i : i + BATCH]).cpu() for i in chunks
    ])


def classes_in_turn(n: int, classes: int) -> torch.Tensor:
    """The labels `sample_generator` asks a conditional generator for: 0, 1, ..., 0, 1, ..."""
    return torch.arange(n) % classes


def read_as_asked(samples: torch.Tensor, classes: int, classifier: str = "mnist") -> float:
    """How well a conditional generator obeys: the share of its `samples`, drawn by
    `sample_generator` (the classes asked for in turn), that the classifier reads as the
    class that was asked for. 1/classes is chance; 1 is obedience."""
    asked = classes_in_turn(len(samples), checks.whole_number(classes, "classes", 2))
    return (classify(samples, classifier).probabilities.argmax(dim=1) == asked).float().mean().item()


def only_digits(samples: torch.Tensor, digits: list[int]) -> torch.Tensor:
    """The samples that the classifier reads as one of `digits`: a stand-in for a
    generator that has collapsed onto those digits."""
    digits = [digits] if isinstance(digits, int) else digits
    digits = [checks.whole_number(digit, "each digit", 0, 9) for digit in digits]
    top_class = classify(samples).probabilities.argmax(dim=1)
    return samples[torch.isin(top_class, torch.tensor(digits))]


def nearest_training_images(
    samples: torch.Tensor, training_images: torch.Tensor, k: int = 5, space: str = "pixel", classifier: str = "mnist"
) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices (S, k) and distances (S, k) of each sample's k nearest training images.

    `space="pixel"` compares raw pixels (a copy is at distance ~0); `space="feature"`
    compares the classifier's features (a sample that is the same digit drawn the same
    way is near, even if shifted by a pixel), as `classifier` sees them.
    """
    checks.one_of(space, "space", ["pixel", "feature"])
    samples = check_images(samples, name="samples", classifier=classifier)
    training_images = check_images(training_images, name="training_images", classifier=classifier)
    k = checks.whole_number(k, "k", 1, len(training_images))
    if space == "pixel":
        queries, pool = samples.flatten(1).float(), training_images.flatten(1).float()
    else:
        queries, pool = classify(samples, classifier).features, classify(training_images, classifier).features
    return nearest(queries, pool, k)
