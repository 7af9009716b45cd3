"""The exercise checks of notebook 06, creative exploration."""

from __future__ import annotations

from typing import Any

import torch

from ganlib.creative.latent import slerp
from ganlib.evaluate import metrics
from ganlib.gan.game import generate
from ganlib.workbook.exercises.feedback import Feedback, close, exercise, number


@exercise(waiting_for="both lengths")
def check_06_midpoint_lengths(straight: Any, spherical: Any, a: torch.Tensor, b: torch.Tensor) -> Feedback:
    expected_straight = ((a + b) / 2).norm().item()
    expected_spherical = slerp(a, b, torch.tensor([0.5]))[0].norm().item()
    straight, spherical = number(straight), number(spherical)
    if close(straight, expected_straight, 0.01) and close(spherical, expected_spherical, 0.01):
        return Feedback(True, f"the straight midpoint is {expected_straight:.1f} long, the spherical one "
                        f"{expected_spherical:.1f}, like the ends ({a.norm():.1f} and {b.norm():.1f}).")
    if close(straight, expected_spherical, 0.01) and close(spherical, expected_straight, 0.01):
        return Feedback(False, "the two values are swapped.", "The straight midpoint is (a + b) / 2.")
    return Feedback(False, f"expected about {expected_straight:.1f} and {expected_spherical:.1f}.",
                    "Use .norm() on each midpoint, and .item() to get a number.")


@exercise(waiting_for="your 16 samples of the digit {digit}")
def check_06_asked_for(images: Any, digit: int) -> Feedback:
    if not torch.is_tensor(images) or tuple(images.shape) != (16, 1, 28, 28):
        shape = tuple(images.shape) if torch.is_tensor(images) else type(images).__name__
        return Feedback(False, f"expected 16 images of shape (16, 1, 28, 28), got {shape}.",
                        "Pass 16 noise vectors and 16 labels to ganlib.generate.")
    read = metrics.classify(images.float()).probabilities.argmax(dim=1)
    share = (read == digit).float().mean().item()
    if share >= 0.75:
        return Feedback(True, f"the classifier reads {share:.0%} of your samples as a {digit}.")
    return Feedback(False, f"only {share:.0%} read as a {digit}.",
                    f"Use the conditional generator, with labels torch.full((16,), {digit}).")


@exercise(waiting_for="your Evolution after three generations")
def check_06_evolved_zeros(evolution: Any, generator: torch.nn.Module) -> Feedback:
    if not hasattr(evolution, "generation"):
        return Feedback(False, f"this check needs your Evolution; got {type(evolution).__name__}.",
                        "Pass the Evolution whose next_generation you called.")
    if evolution.generation < 3:
        return Feedback(False, f"your evolution is at generation {evolution.generation}.", "Call next_generation three times.")
    zeros = (metrics.classify(generate(generator, evolution.population)).probabilities.argmax(1) == 0).sum().item()
    if zeros > evolution.size // 2:
        return Feedback(True, f"{zeros} of {evolution.size} samples are now zeros: three rounds of picking steered the population.")
    return Feedback(False, f"{zeros} of {evolution.size} are zeros.",
                    "Pick the indices where the classifier reads 0: torch.nonzero(read == 0).flatten().tolist().")
