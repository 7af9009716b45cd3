"""The exercise checks of notebook 01, what a GAN is."""

from __future__ import annotations

import math
from typing import Any

import torch

from ganlib.data.toy import mixture_1d, share_on_modes
from ganlib.gan.game import GAN, sample_noise
from ganlib.workbook.exercises.feedback import Feedback, close, exercise, gan_of, number

CHOICES = (0.1, 0.3, 0.5, 0.7)
"""The answers exercise 3 of notebook 01 offers for the share of samples on the bumps."""


@exercise(waiting_for='"generator" or "discriminator"')
def check_01_who_sees_real_data(answer: Any) -> Feedback:
    if str(answer).strip().lower() in ("discriminator", "d", "the discriminator"):
        return Feedback(True, "Only D ever sees real data. G learns about it solely through D's gradients.")
    return Feedback(False, f"{answer!r} is not it.",
                    "The generator's input is random noise. Which network is shown the training images?")


@exercise(waiting_for="the loss as a number")
def check_01_discriminator_loss(answer: Any) -> Feedback:
    expected = 0.5 * (-math.log(0.9) - math.log(1 - 0.2))
    if close(answer, expected, 0.01):
        return Feedback(True, f"0.5 · (−ln 0.9 − ln 0.8) = {expected:.4f}. D is doing well, so its loss is small.")
    if close(answer, 2 * expected, 0.01):
        return Feedback(False, "That is the sum of the two terms.", "The source example's loss averages them: multiply by 0.5.")
    if close(answer, 0.5 * (-math.log(0.9) - math.log(0.2)), 0.01):
        return Feedback(False, "You used ln 0.2 for the fake.", "For a fake the target is 0, so the term is −ln(1 − D(G(z))).")
    return Feedback(False, f"{number(answer):g} is not it.", "Real term: −ln D(x). Fake term: −ln(1 − D(G(z))). Average them.")


@exercise(waiting_for="0.1, 0.3, 0.5 or 0.7")
def check_01_bumps(answer: Any, gan: GAN) -> Feedback:
    answer = number(answer)
    gan = gan_of(gan, 1, "the GAN of the short 1-D game")
    if answer not in CHOICES:
        return Feedback(False, f"{answer:g} is not one of the choices.", "Answer 0.1, 0.3, 0.5 or 0.7.")
    with torch.no_grad():
        samples = gan.generator(sample_noise(gan, 4000))
    share = share_on_modes(samples, mixture_1d())
    nearest = min(CHOICES, key=lambda choice: abs(choice - share))
    if answer == nearest:
        return Feedback(True, f"after {gan.step} steps {share:.0%} of the samples lie within one standard deviation "
                        "of a bump's centre. The data puts about 68% there: the short game reaches every bump but "
                        "piles up on none; the full game above does.")
    return Feedback(False, f"the samples say {share:.0%} lie on the bumps, nearest to {nearest:g}, not {answer:g}.",
                    "Look at the orange histogram again: how much of it stands on the grey bumps, and how much "
                    "lies flat between and around them?")