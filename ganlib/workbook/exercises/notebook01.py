"""The exercise checks of notebook 01, what a GAN is."""

from __future__ import annotations

import math
from typing import Any

import torch

from ganlib.data.toy import mixture_1d, modes_covered
from ganlib.gan.game import GAN, sample_noise
from ganlib.workbook.exercises.feedback import Feedback, close, exercise, gan_of, number


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


@exercise(waiting_for="how many of the three bumps your short game covers")
def check_01_bumps(answer: Any, gan: GAN) -> Feedback:
    answer = number(answer)
    gan = gan_of(gan, 1, "the GAN of the short 1-D game")
    with torch.no_grad():
        samples = gan.generator(sample_noise(gan, 4000))
    covered = modes_covered(samples, mixture_1d(), share=0.05)
    if answer == covered:
        return Feedback(True, f"after {gan.step} steps the generator covers {covered} of 3 bumps. "
                        "Compare with the full game above: more steps, more bumps.")
    return Feedback(False, f"the samples say {covered} bump(s) hold at least 5% of them, not {answer:g}.",
                    "Look at the orange histogram again: count the grey bumps with orange on them.")
