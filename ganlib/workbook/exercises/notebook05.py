"""The exercise checks of notebook 05, evaluating GANs."""

from __future__ import annotations

from typing import Any

from ganlib.evaluate import metrics
from ganlib.evaluate.pretrained import load_snapshots
from ganlib.workbook.exercises.feedback import Feedback, Unusable, close, exercise, number


@exercise(waiting_for="the Fréchet distance as a number")
def check_05_frechet_1d(answer: Any) -> Feedback:
    if close(answer, 2.0, 0.01):
        return Feedback(True, "(0 − 1)² + (1 − 2)² = 2: one unit from the means, one from the spreads.")
    if close(answer, 1.0, 0.01):
        return Feedback(False, "that counts only one of the two differences.", "Add the squared gap of the means and of the standard deviations.")
    if close(answer, 4.0, 0.01):
        return Feedback(False, "that looks like the variances (σ²) were used.", "In 1-D the formula uses the standard deviations: (σ1 − σ2)².")
    return Feedback(False, f"{number(answer):g} is not it.", "Distance = (μ1 − μ2)² + (σ1 − σ2)² for two 1-D Gaussians.")


@exercise(waiting_for='the name of a figure, such as "confidence"')
def check_05_collapse_signal(answer: Any) -> Feedback:
    name = str(answer).strip().lower().replace(" ", "_")
    if name in ("coverage", "recall", "entropy_bits", "entropy", "class_entropy"):
        return Feedback(True, f"{answer} drops sharply for the collapsed generator, while confidence stays high.")
    if name in ("confidence", "precision", "density"):
        return Feedback(False, f"{answer} stays high for the collapsed generator: its few digits are well drawn.",
                        "Look for a figure about *how many kinds* of digits appear, not how good each one is.")
    return Feedback(False, f"{answer!r} is not one of the figures in the table.",
                    "Choose from: entropy_bits, confidence, frechet, precision, recall, density, coverage.")


@exercise(waiting_for="the Fréchet distance of the snapshot at step {step}")
def check_05_snapshot_frechet(answer: Any, step: int, reference) -> Feedback:
    snapshots = load_snapshots("mlp_mnist")
    if step not in snapshots:
        raise Unusable(Feedback(False, f"there is no snapshot at step {step!r}.", f"The snapshots are at steps {sorted(snapshots)}."))
    expected = metrics.frechet_distance(reference.features, metrics.classify(snapshots[step]).features)
    if close(answer, expected, 0.02):
        return Feedback(True, f"the snapshot at step {step:,} is at {expected:.1f}.")
    return Feedback(False, f"got {number(answer):g}, but the snapshot at step {step:,} measures {expected:.1f}.",
                    "metrics.frechet_distance(reference.features, metrics.classify(snapshots[step]).features)")
